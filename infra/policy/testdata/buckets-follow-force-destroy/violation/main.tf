locals {
  keep = false
}

# Not set: destroying a dev environment fails while the bucket holds objects.
resource "aws_s3_bucket" "unset" { # want "aws_s3_bucket.unset: force_destroy is not set"
  bucket_prefix = "unset-"
}

# A literal: the same in every environment.
resource "aws_s3_bucket" "literal" {
  bucket_prefix = "literal-"
  force_destroy = true # want "aws_s3_bucket.literal: force_destroy is the literal \"true\": a literal blocks terraform destroy"
}

resource "aws_s3_bucket" "local_literal" {
  bucket_prefix = "local-literal-"
  force_destroy = local.keep # want "aws_s3_bucket.local_literal: force_destroy is the literal \"false\""
}

# Computed, but from the workspace rather than the environment's setting.
resource "aws_s3_bucket" "workspace" {
  bucket_prefix = "workspace-"
  force_destroy = terraform.workspace != "prod" # want "aws_s3_bucket.workspace: force_destroy is built from terraform.workspace, not an input variable"
}

locals {
  bucket_ids = {
    unset         = aws_s3_bucket.unset.id
    literal       = aws_s3_bucket.literal.id
    local_literal = aws_s3_bucket.local_literal.id
    workspace     = aws_s3_bucket.workspace.id
  }
  bucket_arns = {
    unset         = aws_s3_bucket.unset.arn
    literal       = aws_s3_bucket.literal.arn
    local_literal = aws_s3_bucket.local_literal.arn
    workspace     = aws_s3_bucket.workspace.arn
  }
}

# The companions every bucket needs (s3-hardened), once for all of them.
resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.bucket_ids

  bucket                  = local.bucket_ids[each.key]
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.bucket_ids

  bucket = local.bucket_ids[each.key]

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.bucket_ids

  bucket = local.bucket_ids[each.key]

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.bucket_ids

  bucket = local.bucket_ids[each.key]

  rule {
    id     = "expire"
    status = "Enabled"

    filter {}

    expiration {
      days = 90
    }
  }
}

data "aws_iam_policy_document" "tls" {
  for_each = local.bucket_arns

  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value, "${each.value}/*"]

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
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.bucket_ids

  bucket = local.bucket_ids[each.key]
  policy = data.aws_iam_policy_document.tls[each.key].json
}
