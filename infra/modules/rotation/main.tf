data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  dns_suffix = data.aws_partition.current.dns_suffix

  function_name  = "${var.name}-rotate-origin-secret"
  log_group_name = "/aws/lambda/${local.function_name}"
  # Built rather than read from the resource, so that the key policy can name
  # the log group before it exists (the log group needs the key first).
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  distribution_id = element(split("/", var.distribution_arn), 1)
  listener_port   = 80
  https_port      = 443

  # The account-root statement of the key policy: it grants nothing by
  # itself, it lets IAM policies in this account govern the key, listed
  # action by action so that no policy holds a service wildcard.
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

# --- Logs ---------------------------------------------------------------------

locals {
  logs_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountRootAdministersKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = local.key_admin_actions
        Resource  = "*" # in a key policy "*" means this key
      },
      {
        Sid       = "CloudWatchLogsUsesKeyForThisLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ]
        Resource  = "*"
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.log_group_arn } }
      },
    ]
  }
}

resource "aws_kms_key" "logs" {
  description             = "Encrypts the ${local.log_group_name} log group"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.logs_key_policy)
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.function_name}-logs"
  target_key_id = aws_kms_key.logs.key_id
}

# The function logs steps, versions and rule sizes, never a secret value.
resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.logs.arn
}

# --- Role -----------------------------------------------------------------------

locals {
  assume_role_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-rotation-"
  description        = "Rotates the CloudFront origin secret of ${var.name}: this secret, this listener rule, this distribution"
  assume_role_policy = jsonencode(local.assume_role_policy)
}

# Exactly the calls cmd/rotate-origin-secret makes, each on the one resource
# it concerns. Built with jsonencode so that the tests read the policy IAM
# gets (a mocked aws_iam_policy_document would render nothing).
locals {
  rotation_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid    = "ThisSecretOnly"
        Effect = "Allow"
        Action = [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ]
        Resource = var.secret.arn
      },
      # Secrets Manager encrypts and decrypts each version with the secret's
      # key as the caller, passing the secret's ARN as encryption context:
      # the key serves this role for this secret, through Secrets Manager
      # only. The actions are those AWS lists for a rotation function of a
      # secret with a customer-managed key
      # (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html);
      # DescribeKey carries no encryption context, so it has its own statement.
      {
        Sid      = "SecretKeyThroughSecretsManagerForThisSecret"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.secret.kms_key_arn
        Condition = {
          StringEquals = {
            "kms:ViaService"                  = "secretsmanager.${local.region}.${local.dns_suffix}"
            "kms:EncryptionContext:SecretARN" = var.secret.arn
          }
        }
      },
      {
        Sid       = "SecretKeyDescriptionThroughSecretsManager"
        Effect    = "Allow"
        Action    = "kms:DescribeKey"
        Resource  = var.secret.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.${local.dns_suffix}" } }
      },
      # DescribeRules takes no resource (the Service Authorization Reference
      # lists none for it); ModifyRule is this rule's.
      {
        Sid      = "ReadListenerRules"
        Effect   = "Allow"
        Action   = "elasticloadbalancing:DescribeRules"
        Resource = "*"
      },
      {
        Sid      = "ThisListenerRuleOnly"
        Effect   = "Allow"
        Action   = "elasticloadbalancing:ModifyRule"
        Resource = var.listener_rule_arn
      },
      {
        Sid    = "ThisDistributionOnly"
        Effect = "Allow"
        Action = [
          "cloudfront:GetDistribution",
          "cloudfront:GetDistributionConfig",
          "cloudfront:UpdateDistribution",
        ]
        Resource = var.distribution_arn
      },
      {
        Sid      = "OwnLogGroupOnly"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${local.log_group_arn}:*"
      },
      # What Lambda needs to attach the function to the VPC, on "*" as
      # AWSLambdaVPCAccessExecutionRole grants it: Lambda checks these when
      # the function is created, before any interface exists, and the
      # Lambda guide says DeleteNetworkInterface must cover every interface
      # ID or the function may lose the VPC
      # (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
      # Lambda makes the calls for the function's own subnets and group.
      {
        Sid    = "VpcNetworkInterfacesAsLambdaRequires"
        Effect = "Allow"
        Action = [
          "ec2:AssignPrivateIpAddresses",
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:UnassignPrivateIpAddresses",
        ]
        Resource = "*"
      },
      ],
      # UpdateDistribution sends the whole configuration back, web ACL and
      # logging included, and CloudFront checks the caller against both: it
      # must be able to read the web ACL ("Unable to verify read permissions
      # on Web ACL" otherwise), and legacy logging needs the updater to hold
      # s3:GetBucketAcl and s3:PutBucketAcl on the log bucket
      # (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html).
      var.distribution_web_acl_arn == null ? [] : [{
        Sid      = "ThisDistributionsWebAclReadable"
        Effect   = "Allow"
        Action   = "wafv2:GetWebACL"
        Resource = var.distribution_web_acl_arn
      }],
      var.distribution_log_bucket == null ? [] : [{
        Sid      = "ThisDistributionsLogBucketAcl"
        Effect   = "Allow"
        Action   = ["s3:GetBucketAcl", "s3:PutBucketAcl"]
        Resource = "arn:${local.partition}:s3:::${var.distribution_log_bucket}"
      }],
    )
  }
}

resource "aws_iam_role_policy" "rotation" {
  name   = "rotate-origin-secret"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.rotation_policy)
}

# --- Network --------------------------------------------------------------------

resource "aws_security_group" "this" {
  name_prefix = "${local.function_name}-"
  description = "Rotation function of ${var.name}: HTTP to the ALB, HTTPS to AWS APIs; no ingress"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "to_alb" {
  security_group_id            = aws_security_group.this.id
  description                  = "Probes of the ALB's listener"
  ip_protocol                  = "tcp"
  from_port                    = local.listener_port
  to_port                      = local.listener_port
  referenced_security_group_id = var.alb_security_group_id
}

# HTTPS to anywhere: CloudFront's API (cloudfront.amazonaws.com, global, no
# VPC endpoint) and ELBv2's are reached through the NAT gateway, Secrets
# Manager through its endpoint or the NAT; none has an address range a
# security group could name. Nothing but 443 leaves.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS out: Secrets Manager, ELBv2 and CloudFront APIs"
  ip_protocol       = "tcp"
  from_port         = local.https_port
  to_port           = local.https_port
  cidr_ipv4         = "0.0.0.0/0"
}

# --- Function -------------------------------------------------------------------

# 15 minutes, Lambda's most: setSecret waits for CloudFront to deploy, which
# takes minutes; a step cut short fails, and the next rotation resumes it.
resource "aws_lambda_function" "this" {
  function_name                  = local.function_name
  description                    = "Rotates the X-CloudFront-Secret origin header of ${var.name} (cmd/rotate-origin-secret)"
  role                           = aws_iam_role.this.arn
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  architectures                  = ["arm64"]
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  memory_size                    = 128
  timeout                        = 900
  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  environment {
    variables = {
      SECRET_ARN        = var.secret.arn
      LISTENER_RULE_ARN = var.listener_rule_arn
      DISTRIBUTION_ID   = local.distribution_id
      PROBE_URL         = "http://${var.alb_dns_name}${var.probe_path}"
      ORIGIN_ID         = var.secret.origin_id
      HEADER_NAME       = var.secret.header_name
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  # The role must be able to write logs and create the ENIs before the
  # function exists (Lambda checks the ENI permissions at creation).
  depends_on = [aws_iam_role_policy.rotation]
}

resource "aws_lambda_permission" "secretsmanager" {
  statement_id   = "SecretsManagerRotatesThisSecret"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
  source_arn     = var.secret.arn
}

# rotate_immediately: the first rotation starts as soon as this exists, so
# the bootstrap value, which the first plan and state hold, stops being
# accepted minutes after the first apply.
resource "aws_secretsmanager_secret_rotation" "this" {
  secret_id           = var.secret.arn
  rotation_lambda_arn = aws_lambda_function.this.arn
  rotate_immediately  = true

  rotation_rules {
    automatically_after_days = var.rotation_days
  }

  depends_on = [aws_lambda_permission.secretsmanager]
}

# --- Alarm ----------------------------------------------------------------------

# A step that fails leaves the rotation to be resumed: until then the old
# value stays in use, which is safe but not rotated.
resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The origin-secret rotation function of ${var.name} failed a step: see ${local.log_group_name} and infra/modules/rotation/README.md (\"A failed rotation\")."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns
}
