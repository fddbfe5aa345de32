variable "ecr_repository_arn" {
  type = string
}

variable "push_principal_arns" {
  type = list(string)
}

locals {
  write_actions = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
}

# The build role: without BatchGetImage docker push fails after the layers
# are uploaded, when it reads the manifest back.
data "aws_iam_policy_document" "build" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement { # want "data.aws_iam_policy_document.build: a statement allows ecr:PutImage but not ecr:UploadLayerPart, ecr:BatchGetImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
    ]
    resources = [var.ecr_repository_arn]
  }
}

# A repository policy granting the push through a local and a dynamic block.
data "aws_iam_policy_document" "repository" {
  dynamic "statement" {
    for_each = length(var.push_principal_arns) > 0 ? [1] : []

    content { # want "data.aws_iam_policy_document.repository: a statement allows ecr:PutImage but not ecr:BatchCheckLayerAvailability, ecr:BatchGetImage"
      sid     = "PipelinePushes"
      effect  = "Allow"
      actions = local.write_actions

      principals {
        type        = "AWS"
        identifiers = var.push_principal_arns
      }
    }
  }
}
