data "aws_iam_policy_document" "broad" {
  # "*" includes iam:PassRole, so passrole-conditioned reports it too.
  statement { # want "allows every action" # want passrole-conditioned "iam:PassRole \\(through \"\\*\"\\) without a condition on iam:PassedToService"
    actions   = ["*"]
    resources = ["arn:aws:s3:::bucket"]
  }

  statement { # want "allows wildcard actions \"ecs:\\*\""
    actions   = ["ecs:*"]
    resources = ["arn:aws:ecs:eu-west-1:123456789012:cluster/api"]
  }

  statement { # want "allows wildcard actions \"s3:Get\\*\""
    actions   = ["s3:Get*"]
    resources = ["arn:aws:s3:::bucket/*"]
  }

  statement { # want "allows wildcard actions \"ecr:Describe\\?mages\""
    actions   = ["ecr:Describe?mages"]
    resources = ["arn:aws:ecr:us-east-1:123456789012:repository/app"]
  }

  statement { # want "resource \"\\*\" for s3:GetObject"
    actions   = ["s3:GetObject", "ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement { # want "not_actions/NotAction"
    not_actions = ["iam:*"]
    resources   = ["arn:aws:s3:::bucket"]
  }
}

# kms:* to anyone but the account root is not key administration.
data "aws_iam_policy_document" "key" {
  statement { # want "allows wildcard actions \"kms:\\*\""
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/deployer"]
    }
  }
}

resource "aws_kms_key" "this" {
  description         = "key"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

resource "aws_iam_role_policy" "logs" {
  role = "task"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { # want "allows wildcard actions \"logs:\\*\""
        Effect   = "Allow"
        Action   = "logs:*"
        Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:api"
      },
    ]
  })
}

# kms:* outside a key policy is just a service wildcard, in JSON written as a string too.
resource "aws_iam_policy" "json_string" {
  name   = "json-string"
  policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:*\", \"Resource\": \"arn:aws:kms:eu-west-1:123456789012:key/1\"}]}" # want "allows wildcard actions \"kms:\\*\""
}

variable "with_logs" {
  type = bool
}

# A statement that appears only with an input is checked all the same.
resource "aws_iam_role_policy" "conditional" {
  role = "api"
  policy = jsonencode({ # want "allows wildcard actions \"logs:\\*\""
    Version = "2012-10-17"
    Statement = concat([
      {
        Effect   = "Allow"
        Action   = "logs:PutLogEvents"
        Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:api:*"
      },
      ], var.with_logs ? [{
        Effect   = "Allow"
        Action   = "logs:*"
        Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:api"
    }] : [])
  })
}
