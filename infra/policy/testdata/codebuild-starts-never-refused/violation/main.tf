variable "kms_key_arn" {
  type = string
}

data "aws_iam_policy_document" "codebuild_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codebuild" {
  name               = "build"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
}

data "aws_iam_policy_document" "codebuild" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build.arn}:*"]
  }
}

resource "aws_iam_role_policy" "codebuild" {
  role   = aws_iam_role.codebuild.id
  policy = data.aws_iam_policy_document.codebuild.json
}

resource "aws_cloudwatch_log_group" "build" {
  name              = "/codebuild/build"
  retention_in_days = 30
  kms_key_id        = var.kms_key_arn
}

# One build at a time: an upload while a build runs gets StartBuild refused
# (AccountLimitExceededException), which EventBridge does not retry.
resource "aws_codebuild_project" "serial" {
  name                   = "serial"
  service_role           = aws_iam_role.codebuild.arn
  encryption_key         = var.kms_key_arn
  concurrent_build_limit = 1 # want "aws_codebuild_project.serial sets concurrent_build_limit: at the limit CodeBuild refuses StartBuild"

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source {
    type      = "NO_SOURCE"
    buildspec = <<-EOT
      version: 0.2
      phases:
        build:
          commands:
            - make test
    EOT
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}
