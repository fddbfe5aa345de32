data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"

  # Actions that change the repository's content. Pulls, scans, lifecycle and
  # policy management are deliberately not in this list (see push_deny).
  push_actions = [
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
  ]

  pull_actions = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
  ]

  # The account-root statement of the key policy: it grants nothing by itself,
  # it lets IAM policies in this account govern the key (AWS's default key
  # policy does the same with kms:*; the actions are listed so that no policy
  # in this repository holds a service wildcard). kms:PutKeyPolicy is in it,
  # so an IAM administrator can always repair the policy: no lockout.
  key_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  lifecycle_policy = {
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.untagged_expire_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expire_days
        }
        action = { type = "expire" }
      },
      {
        # Every tag counts as a release whatever its prefix: the pipeline tags
        # <version>-<timestamp>, and a wildcard keeps the rule independent of
        # the version scheme.
        rulePriority = 2
        description  = "Keep the last ${var.keep_releases} tagged images"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = ["*"]
          countType      = "imageCountMoreThan"
          countNumber    = var.keep_releases
        }
        action = { type = "expire" }
      },
    ]
  }

  has_repository_policy = length(var.push_principal_arns) + length(var.pull_principal_arns) > 0
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountRootAdministersKey"
    effect    = "Allow"
    actions   = local.key_admin_actions
    resources = ["*"] # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the images of the ${var.name} ECR repository"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-ecr"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.this.arn
  }
}

# Basic scanning (scan_on_push above) looks at OS packages only, and the
# image has none: it answers UNSUPPORTED_IMAGE / FAILED UnsupportedImageError,
# which the deploy step accepts only with -no-os-packages (pipeline README). Enhanced scanning (Amazon Inspector)
# also reads language packages, Go binaries' module lists included
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html).
# The setting is the registry's, one per account and region, so it is an
# opt-in for one environment per account: two environments setting it would
# take turns overwriting each other's rules. The applier needs
# inspector2:Enable, inspector2:ListAccountPermissions and
# iam:CreateServiceLinkedRole for inspector2.amazonaws.com
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html);
# destroying it reverts the registry to basic scanning.
resource "aws_ecr_registry_scanning_configuration" "this" {
  count = var.enhanced_scanning ? 1 : 0

  scan_type = "ENHANCED"

  rule {
    scan_frequency = "CONTINUOUS_SCAN"

    repository_filter {
      filter      = var.name
      filter_type = "WILDCARD"
    }
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy     = jsonencode(local.lifecycle_policy)
}

data "aws_iam_policy_document" "repository" {
  dynamic "statement" {
    for_each = length(var.push_principal_arns) > 0 ? [1] : []

    content {
      sid    = "PipelinePushes"
      effect = "Allow"
      # The ECR User Guide's push set: the writes, the layer check, and
      # BatchGetImage (a push reads the manifest back).
      actions = concat(local.push_actions, ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage"])

      principals {
        type        = "AWS"
        identifiers = var.push_principal_arns
      }
    }
  }

  # Only the push principals may write images, whatever their IAM policies
  # say elsewhere: an explicit deny in the resource policy beats any allow.
  # It covers the four push actions only, so the account's administrators
  # keep every other action, including ecr:SetRepositoryPolicy and
  # ecr:DeleteRepositoryPolicy: in an emergency they can replace this policy
  # (or run this module with a different push_principal_arns) and push.
  dynamic "statement" {
    for_each = length(var.push_principal_arns) > 0 ? [1] : []

    content {
      sid     = "OnlyPipelinePushes"
      effect  = "Deny"
      actions = local.push_actions

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

  dynamic "statement" {
    for_each = length(var.pull_principal_arns) > 0 ? [1] : []

    content {
      sid     = "AllowedPulls"
      effect  = "Allow"
      actions = local.pull_actions

      principals {
        type        = "AWS"
        identifiers = var.pull_principal_arns
      }
    }
  }
}

resource "aws_ecr_repository_policy" "this" {
  count = local.has_repository_policy ? 1 : 0

  repository = aws_ecr_repository.this.name
  policy     = data.aws_iam_policy_document.repository.json
}
