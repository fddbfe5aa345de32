variable "task_role_arn" {
  type = string
}

variable "execution_role_arn" {
  type = string
}

locals {
  pass_roles = [var.task_role_arn, var.execution_role_arn]
}

data "aws_iam_policy_document" "codebuild" {
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

  # Lower case, roles from a local, a second condition beside the service.
  statement {
    sid       = "PassTaskRolesToTheService"
    actions   = ["iam:passrole"]
    resources = local.pass_roles

    condition {
      test     = "StringLike"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "iam:AssociatedResourceARN"
      values   = ["arn:aws:ecs:eu-west-1:123456789012:task-definition/api:*"]
    }
  }

  # Other IAM actions need no condition.
  statement {
    actions   = ["iam:GetRole"]
    resources = [var.task_role_arn]
  }

  # A deny only narrows.
  statement {
    effect    = "Deny"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::123456789012:role/admin"]
  }
}

resource "aws_iam_role" "codebuild" {
  name = "codebuild"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "codebuild" {
  role   = aws_iam_role.codebuild.id
  policy = data.aws_iam_policy_document.codebuild.json
}

resource "aws_iam_role_policy" "json" {
  role = aws_iam_role.codebuild.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = var.execution_role_arn
      Condition = { StringEquals = { "iam:PassedToService" = ["ecs-tasks.amazonaws.com"] } }
    }]
  })
}
