data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

# The role behind the session that applies Terraform: aws:PrincipalArn of a
# role session is the role's ARN, not the session's
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
data "aws_iam_session_context" "applier" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  source_bucket = "${var.name}-source-${local.account_id}"

  # Who may upload a bundle, and so release: the identity that applies
  # Terraform (it can change this policy anyway, and it uploads the bootstrap
  # bundle) and the principals the environment names.
  release_principal_arns = distinct(concat([data.aws_iam_session_context.applier.issuer_arn], var.release_principal_arns))

  build_log_group = "/aws/codebuild/${var.name}"
  # Built rather than read from the resource, so that the key policy can name
  # the log group before it exists (the log group needs the key first).
  build_log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.build_log_group}"

  # The image Terraform gives the service before the pipeline has built one.
  # The tag does not exist, so no placeholder ever runs: ECS keeps retrying
  # the pull until the bootstrap build's deploy replaces it (README).
  bootstrap_image = "${var.ecr_repository_url}:awaiting-first-build"

  # The account-root statement of the key policy: it grants nothing by itself,
  # it lets IAM policies in this account govern the key (AWS's default key
  # policy does the same with kms:*; the actions are listed so that no policy
  # holds a service wildcard). kms:PutKeyPolicy is in it, so an IAM
  # administrator can always repair the policy: no lockout.
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
}

# --- KMS ----------------------------------------------------------------------
# One key for the pipeline's data at rest: the source bundles, the build logs
# and CodeBuild's own encryption of build data.

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountRootAdministersKey"
    effect    = "Allow"
    actions   = local.key_admin_actions
    resources = ["*"] # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid    = "CloudWatchLogsUsesKeyForTheBuildLogGroup"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${data.aws_partition.current.dns_suffix}"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.build_log_group_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} delivery pipeline: source bundles, build logs, build data"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-pipeline"
  target_key_id = aws_kms_key.this.key_id
}

# --- Source bucket --------------------------------------------------------------

resource "aws_s3_bucket" "source" {
  bucket        = local.source_bucket
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "source" {
  bucket                  = aws_s3_bucket.source.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

# Versioning keeps every bundle ever released: a build names the version it
# built (CODEBUILD_RESOLVED_SOURCE_VERSION), so a past release can be rebuilt.
resource "aws_s3_bucket_versioning" "source" {
  bucket = aws_s3_bucket.source.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    id     = "expire-superseded-bundles"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.source]
}

data "aws_iam_policy_document" "source" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.source.arn, "${aws_s3_bucket.source.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # An upload builds and deploys: only release principals may put (or
  # delete, which would make an older bundle current) a bundle. The build
  # role only reads.
  statement {
    sid       = "OnlyReleasePrincipalsWriteBundles"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${aws_s3_bucket.source.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnNotEquals"
      variable = "aws:PrincipalArn"
      values   = local.release_principal_arns
    }
  }
}

resource "aws_s3_bucket_policy" "source" {
  bucket = aws_s3_bucket.source.id
  policy = data.aws_iam_policy_document.source.json

  depends_on = [aws_s3_bucket_public_access_block.source]
}

# Object-level events go to EventBridge, where the rule in trigger.tf picks
# the bundle's key out of them.
resource "aws_s3_bucket_notification" "source" {
  bucket      = aws_s3_bucket.source.id
  eventbridge = true
}

# --- Deployed image -------------------------------------------------------------

# The image the pipeline last deployed, as repository@sha256:digest. The
# deploy step writes it after every successful rollout; Terraform creates the
# parameter once and then only reads it (ignore_changes), and the environment
# gives its value to the service's task definition. So a later apply keeps
# the image the pipeline deployed instead of rolling it back. An image
# reference is not a secret, so a plain String (no KMS) is enough.
resource "aws_ssm_parameter" "image" {
  name           = "/${var.name}/image"
  description    = "Image the ${var.name} pipeline last deployed (repository@sha256:digest); written by the deploy step, read by Terraform"
  type           = "String"
  tier           = "Standard"
  insecure_value = local.bootstrap_image

  lifecycle {
    ignore_changes = [insecure_value]
  }
}
