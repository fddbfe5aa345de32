variable "force_destroy" {
  description = "Whether destroy may delete the buckets while they hold objects (dev only)."
  type        = bool
}

variable "environment" {
  type = string
}

resource "aws_s3_bucket" "source" {
  bucket_prefix = "source-"
  force_destroy = var.force_destroy
}

# An expression of a variable follows the environment too.
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "logs-"
  force_destroy = var.environment != "prod"
}

locals {
  bucket_ids = {
    source = aws_s3_bucket.source.id
    logs   = aws_s3_bucket.logs.id
  }
  bucket_arns = {
    source = aws_s3_bucket.source.arn
    logs   = aws_s3_bucket.logs.arn
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
