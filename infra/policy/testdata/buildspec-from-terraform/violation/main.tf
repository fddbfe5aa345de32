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

variable "buildspec_dir" {
  type = string
}

locals {
  buildspec_path = "ci/buildspec.yml"
}

resource "aws_codebuild_project" "path" {
  name           = "path"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "CODEPIPELINE"
  }

  source { # want "aws_codebuild_project.path: source buildspec is the one-line string \"buildspec.yml\", which CodeBuild reads as a path inside the uploaded source"
    type      = "CODEPIPELINE"
    buildspec = "buildspec.yml"
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

# No buildspec: the source's own buildspec.yml runs.
resource "aws_codebuild_project" "default" {
  name           = "default"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "CODEPIPELINE"
  }

  source { # want "aws_codebuild_project.default: source sets no buildspec"
    type = "CODEPIPELINE"
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

# A path built from a variable, and one from a local: still paths.
resource "aws_codebuild_project" "templated" {
  name           = "templated"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "CODEPIPELINE"
  }

  source { # want "one-line string \"\\$\\{…\\}/buildspec.yml\""
    type      = "CODEPIPELINE"
    buildspec = "${var.buildspec_dir}/buildspec.yml"
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

resource "aws_codebuild_project" "local_path" {
  name           = "local_path"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "CODEPIPELINE"
  }

  source { # want "one-line string \"ci/buildspec.yml\""
    type      = "CODEPIPELINE"
    buildspec = local.buildspec_path
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
