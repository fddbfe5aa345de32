variable "service" {
  type = string
}

variable "task_role_arn" {
  type = string
}

variable "admin_role_arn" {
  type = string
}

data "aws_iam_policy_document" "deploy" {
  # Any role, to any service (iam-no-wildcards reports the "*" too).
  statement { # want "allows iam:PassRole on \"\\*\": name the roles" # want "allows iam:PassRole without a condition on iam:PassedToService" # want iam-no-wildcards "resource \"\\*\" for iam:PassRole"
    sid       = "PassAnything"
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }

  # Roles named by a wildcard; the service comes from a variable.
  statement { # want "on \"arn:aws:iam::123456789012:role/app-\\*\"" # want "with iam:PassedToService values that are not literal service principals"
    actions   = ["iam:passrole"]
    resources = ["arn:aws:iam::123456789012:role/app-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = [var.service]
    }
  }

  # A negated test lets the role go to every other service.
  statement { # want "with iam:PassedToService tested by \"StringNotEquals\""
    actions   = ["iam:PassRole"]
    resources = [var.task_role_arn]

    condition {
      test     = "StringNotEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }

  # A condition on another key does not say where the role goes.
  statement { # want "without a condition on iam:PassedToService"
    actions   = ["iam:GetRole", "iam:PassRole"]
    resources = [var.task_role_arn]

    condition {
      test     = "ArnEquals"
      variable = "iam:AssociatedResourceARN"
      values   = ["arn:aws:ecs:eu-west-1:123456789012:task-definition/api:*"]
    }
  }

  # A wildcard service principal.
  statement { # want "with iam:PassedToService values that are not literal service principals"
    actions   = ["iam:PassRole"]
    resources = [var.task_role_arn]

    condition {
      test     = "StringLike"
      variable = "iam:PassedToService"
      values   = ["*.amazonaws.com"]
    }
  }

  # Every role but one.
  statement { # want "allows iam:PassRole on every role but those in NotResource"
    actions       = ["iam:PassRole"]
    not_resources = [var.admin_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # A wildcard that matches iam:PassRole: iam-no-wildcards reports the
  # wildcard, this check the unbounded PassRole it grants.
  statement { # want "allows iam:PassRole \\(through \"iam:Pass\\*\"\\) without a condition" # want iam-no-wildcards "allows wildcard actions \"iam:Pass\\*\""
    actions   = ["iam:Pass*"]
    resources = [var.task_role_arn]
  }

  # NotAction that does not exclude iam:PassRole allows it.
  statement { # want "allows iam:PassRole \\(through NotAction\\) without a condition" # want iam-no-wildcards "not_actions/NotAction"
    not_actions = ["s3:*"]
    resources   = [var.task_role_arn]
  }
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "deploy" {
  role = aws_iam_role.deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { # want "allows iam:PassRole on \"arn:aws:iam::123456789012:role/\\*\""
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:aws:iam::123456789012:role/*"
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
      { # want "allows iam:PassRole \\(through \"iam:\\*\"\\) without a condition" # want iam-no-wildcards "allows wildcard actions \"iam:\\*\""
        Effect   = "Allow"
        Action   = ["iam:*"]
        Resource = [var.task_role_arn]
      },
    ]
  })
}
