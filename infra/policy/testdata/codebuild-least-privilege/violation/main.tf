variable "build_role_arn" {
  type = string
}

variable "ecr_repository_arn" {
  type = string
}

variable "extra_policy_json" {
  type = string
}

variable "kms_key_arn" {
  type = string
}

# A role from elsewhere cannot be checked; no key; CodeBuild's own log group.
resource "aws_codebuild_project" "borrowed" { # want "aws_codebuild_project.borrowed: service_role must refer to an aws_iam_role of this module" # want "aws_codebuild_project.borrowed: encryption_key is missing" # want "aws_codebuild_project.borrowed: logs_config .* must name an aws_cloudwatch_log_group of this module"
  name         = "borrowed"
  service_role = var.build_role_arn

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
}

resource "aws_iam_role" "broad" { # want "aws_iam_role.broad: managed_policy_arns attaches managed policies"
  name                = "broad"
  assume_role_policy  = data.aws_iam_policy_document.codebuild_assume.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]

  inline_policy {
    name = "scan"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { # want "aws_iam_role.broad \\(a CodeBuild service role\\) allows wildcard actions \"ecr:Describe\\?mages\"" # want iam-no-wildcards "allows wildcard actions \"ecr:Describe\\?mages\""
          Effect   = "Allow"
          Action   = "ecr:Describe?mages"
          Resource = var.ecr_repository_arn
        },
      ]
    })
  }
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

resource "aws_iam_role_policy_attachment" "broad" { # want "aws_iam_role_policy_attachment.broad attaches a managed policy to aws_iam_role.broad"
  role       = aws_iam_role.broad.name
  policy_arn = "arn:aws:iam::aws:policy/AWSCodeBuildDeveloperAccess"
}

resource "aws_iam_role_policy" "opaque" { # want "aws_iam_role_policy.opaque: the policy of aws_iam_role.broad cannot be read"
  role   = aws_iam_role.broad.id
  policy = var.extra_policy_json
}

data "aws_iam_policy_document" "broad" {
  statement { # want "allows wildcard actions \"ecr:\\*\"" # want iam-no-wildcards "allows wildcard actions \"ecr:\\*\""
    actions   = ["ecr:*"]
    resources = [var.ecr_repository_arn]
  }

  # RegisterTaskDefinition may have "*", UpdateService may not.
  statement { # want "resource \"\\*\" for ecs:UpdateService, which" # want iam-no-wildcards "resource \"\\*\" for ecs:UpdateService, which"
    actions   = ["ecs:RegisterTaskDefinition", "ecs:UpdateService"]
    resources = ["*"]
  }

  statement { # want "an Allow with NotAction allows every other action" # want iam-no-wildcards "not_actions/NotAction"
    not_actions = ["iam:*"]
    resources   = [var.ecr_repository_arn]
  }

  statement { # want "an Allow with NotResource allows every other resource"
    actions       = ["s3:GetObject"]
    not_resources = ["arn:aws:s3:::other/*"]
  }
}

resource "aws_iam_role_policy" "broad" {
  role   = aws_iam_role.broad.id
  policy = data.aws_iam_policy_document.broad.json
}

resource "aws_cloudwatch_log_group" "build" {
  name              = "/codebuild/broad"
  retention_in_days = 30
  kms_key_id        = var.kms_key_arn
}

# An AWS-managed key; logs disabled.
resource "aws_codebuild_project" "broad" { # want "encryption_key \"alias/aws/s3\" is an AWS-managed key" # want "aws_codebuild_project.broad: logs_config"
  name           = "broad"
  service_role   = aws_iam_role.broad.arn
  encryption_key = "alias/aws/s3"

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
      status     = "DISABLED"
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}

# The same role again: its findings are reported once. The log group is
# named by a literal, so CodeBuild would create it.
resource "aws_codebuild_project" "again" { # want "aws_codebuild_project.again: logs_config"
  name           = "again"
  service_role   = aws_iam_role.broad.arn
  encryption_key = var.kms_key_arn

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
      group_name = "/aws/codebuild/again"
    }
  }
}
