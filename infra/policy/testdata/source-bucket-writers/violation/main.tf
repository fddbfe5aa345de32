variable "kms_key_arn" {
  type = string
}

variable "force_destroy" {
  type = bool
}

variable "source_key" {
  type = string
}

variable "release_principal_arns" {
  type = list(string)
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

resource "aws_iam_role" "codebuild" {
  name               = "build"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
}

data "aws_iam_policy_document" "codebuild" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build.arn}:*"]
  }

  statement {
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [for b in [aws_s3_bucket.source.arn, aws_s3_bucket.json.arn, var.source_bucket_arn] : "${b}/*"]
  }
}

resource "aws_iam_role_policy" "codebuild" {
  role   = aws_iam_role.codebuild.id
  policy = data.aws_iam_policy_document.codebuild.json
}

resource "aws_cloudwatch_log_group" "build" {
  name              = "/codebuild/build"
  retention_in_days = 30
  kms_key_id        = var.kms_key_arn
}

variable "source_bucket_arn" {
  type = string
}

resource "aws_s3_bucket" "source" {
  bucket_prefix = "source-"
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "source" {
  bucket                  = aws_s3_bucket.source.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_versioning" "source" {
  bucket = aws_s3_bucket.source.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "source" {
  bucket = aws_s3_bucket.source.id

  rule {
    id     = "expire-superseded"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}

# The writers' Deny is scoped to the account, not to the release principals:
# anyone in the account who may put an object starts a build.
data "aws_iam_policy_document" "source" { # want "data.aws_iam_policy_document.source \\(the policy of aws_s3_bucket.source, the source of aws_codebuild_project.this\\) has no statement with effect Deny, actions including s3:PutObject and a condition on aws:PrincipalArn"
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

  statement {
    sid       = "OnlyReleasePrincipalsWrite"
    effect    = "Deny"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${aws_s3_bucket.source.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalAccount"
      values   = ["111122223333"]
    }
  }
}

resource "aws_s3_bucket_policy" "source" {
  bucket = aws_s3_bucket.source.id
  policy = data.aws_iam_policy_document.source.json
}

resource "aws_codebuild_project" "this" {
  name           = "this"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source {
    type      = "S3"
    location  = "${aws_s3_bucket.source.id}/${var.source_key}"
    buildspec = file("${path.module}/buildspec.yml")
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}

resource "aws_s3_bucket" "json" {
  bucket_prefix = "json-"
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "json" {
  bucket                  = aws_s3_bucket.json.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "json" {
  bucket = aws_s3_bucket.json.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_versioning" "json" {
  bucket = aws_s3_bucket.json.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "json" {
  bucket = aws_s3_bucket.json.id

  rule {
    id     = "expire-superseded"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}

# A JSON policy: the check reads the writers' Deny from an
# aws_iam_policy_document only.
resource "aws_s3_bucket_policy" "json" { # want "aws_s3_bucket_policy.json: policy must be an aws_iam_policy_document's json"
  bucket = aws_s3_bucket.json.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["${aws_s3_bucket.json.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_codebuild_project" "json" {
  name           = "json"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source {
    type      = "S3"
    location  = "${aws_s3_bucket.json.id}/${var.source_key}"
    buildspec = file("${path.module}/buildspec.yml")
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}

# A bucket from elsewhere: who may write to it cannot be checked.
resource "aws_codebuild_project" "borrowed" {
  name           = "borrowed"
  service_role   = aws_iam_role.codebuild.arn
  encryption_key = var.kms_key_arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  source { # want "aws_codebuild_project.borrowed: source location refers to no aws_s3_bucket of this module"
    type      = "S3"
    location  = "${var.source_bucket_arn}/${var.source_key}"
    buildspec = file("${path.module}/buildspec.yml")
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}
