# The pipeline module's shape: a CodeBuild project that builds the image,
# pushes it, registers a task definition revision, updates the service and
# writes the deployed image to an SSM parameter.

variable "name" {
  type = string
}

variable "ecr_repository_arn" {
  type = string
}

variable "task_role_arn" {
  type = string
}

variable "execution_role_arn" {
  type = string
}

variable "service_arn" {
  type = string
}

variable "source_bucket_arn" {
  type = string
}

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
  name               = "${var.name}-codebuild"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
}

data "aws_iam_policy_document" "codebuild" {
  statement {
    sid       = "RegistryToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }

  # ECS offers no resource-level permissions for these two.
  statement {
    sid       = "TaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [var.task_role_arn, var.execution_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "DeployService"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [var.service_arn]
  }

  statement {
    sid       = "ImageParameter"
    actions   = ["ssm:PutParameter"]
    resources = [aws_ssm_parameter.image.arn]
  }

  statement {
    sid       = "Source"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${var.source_bucket_arn}/*"]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build.arn}:*"]
  }

  statement {
    sid       = "Key"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "codebuild" {
  role   = aws_iam_role.codebuild.id
  policy = data.aws_iam_policy_document.codebuild.json
}

resource "aws_cloudwatch_log_group" "build" {
  name              = "/codebuild/${var.name}"
  retention_in_days = 30
  kms_key_id        = var.kms_key_arn
}

resource "aws_ssm_parameter" "image" {
  name           = "/${var.name}/image"
  type           = "String"
  insecure_value = "bootstrap"

  lifecycle {
    ignore_changes = [insecure_value]
  }
}

resource "aws_codebuild_project" "this" {
  name           = var.name
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  # Run by CodePipeline, which hands over the source from its artifact
  # bucket (var.source_bucket_arn); the buildspec is Terraform's.
  artifacts {
    type = "CODEPIPELINE"
  }

  source {
    type      = "CODEPIPELINE"
    buildspec = file("${path.module}/buildspec.yml")
  }

  environment {
    compute_type    = "BUILD_GENERAL1_SMALL"
    image           = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = false

    environment_variable {
      name  = "IMAGE_PARAMETER"
      value = aws_ssm_parameter.image.name
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}

# A second project written the other ways: the role through a local, its
# policy an inline_policy block in JSON plus a role policy composed from
# another document, its own key, the log group through a local.
locals {
  scan_role_arn = aws_iam_role.scan.arn
  scan_logs     = aws_cloudwatch_log_group.scan.name
}

resource "aws_kms_key" "scan" {
  description         = "scan artifacts"
  enable_key_rotation = true
}

resource "aws_iam_role" "scan" {
  name               = "${var.name}-scan"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json

  inline_policy {
    name = "read-images"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Effect   = "Allow"
          Action   = "ecr:GetAuthorizationToken"
          Resource = "*"
        },
        {
          Effect   = "Allow"
          Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
          Resource = var.ecr_repository_arn
        },
      ]
    })
  }
}

data "aws_iam_policy_document" "scan_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.scan.arn}:*"]
  }
}

data "aws_iam_policy_document" "scan" {
  source_policy_documents = [data.aws_iam_policy_document.scan_logs.json]

  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.scan.arn]
  }
}

resource "aws_iam_role_policy" "scan" {
  role   = aws_iam_role.scan.name
  policy = data.aws_iam_policy_document.scan.json
}

resource "aws_cloudwatch_log_group" "scan" {
  name              = "/codebuild/${var.name}-scan"
  retention_in_days = 14
  kms_key_id        = aws_kms_key.scan.arn
}

resource "aws_codebuild_project" "scan" {
  name           = "${var.name}-scan"
  service_role   = local.scan_role_arn
  encryption_key = aws_kms_key.scan.arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source {
    type      = "NO_SOURCE"
    buildspec = "version: 0.2"
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"
  }

  logs_config {
    cloudwatch_logs {
      status     = "ENABLED"
      group_name = local.scan_logs
    }
  }
}
