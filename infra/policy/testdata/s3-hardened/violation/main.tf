variable "force_destroy" {
  type = bool
}

resource "aws_s3_bucket" "bare" { # want "has no aws_s3_bucket_public_access_block" # want "has no aws_s3_bucket_server_side_encryption_configuration" # want "has no aws_s3_bucket_versioning" # want "has no aws_s3_bucket_lifecycle_configuration" # want "has no aws_s3_bucket_policy denying"
  bucket_prefix = "bare-"
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket" "half" { # want "has no aws_s3_bucket_versioning with status \"Enabled\"" # want "has no aws_s3_bucket_policy denying"
  bucket_prefix = "half-"
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "half" { # want "restrict_public_buckets must be true"
  bucket                  = aws_s3_bucket.half.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = false
}

resource "aws_s3_bucket_server_side_encryption_configuration" "half" {
  bucket = aws_s3_bucket.half.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "half" {
  bucket = aws_s3_bucket.half.id

  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "half" {
  bucket = aws_s3_bucket.half.id

  rule {
    id     = "expire"
    status = "Enabled"

    filter {}

    expiration {
      days = 90
    }
  }
}

# A policy, but it only allows (the ALB log delivery): TLS is not required.
data "aws_iam_policy_document" "half" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.half.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket_policy" "half" {
  bucket = aws_s3_bucket.half.id
  policy = data.aws_iam_policy_document.half.json
}
