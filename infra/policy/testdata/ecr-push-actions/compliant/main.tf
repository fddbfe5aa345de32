variable "ecr_repository_arn" {
  type = string
}

variable "push_principal_arns" {
  type = list(string)
}

locals {
  write_actions = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
}

data "aws_iam_policy_document" "build" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
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
}

data "aws_iam_policy_document" "repository" {
  statement {
    sid     = "PipelinePushes"
    effect  = "Allow"
    actions = concat(local.write_actions, ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage"])

    principals {
      type        = "AWS"
      identifiers = var.push_principal_arns
    }
  }

  # A Deny of the writes alone is a push restriction, not a push: reads stay
  # open to the pullers.
  statement {
    sid     = "OnlyPipelinePushes"
    effect  = "Deny"
    actions = local.write_actions

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = var.push_principal_arns
    }
  }
}
