# Promises of the rotation module, checked against mocked providers: the
# function runs in the private subnets with its own security group, at
# Lambda's longest timeout and one invocation at a time, configured for this
# secret, rule and distribution; Secrets Manager alone may invoke it, for
# this secret; the role can touch nothing else; logs are KMS-encrypted and
# expire; and every variable rejects what AWS would reject.

mock_provider "aws" {
  mock_resource "aws_security_group" {
    defaults = {
      id = "sg-0fedcba9876543210"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:eu-west-1:111122223333:function:currency-api-test-rotate-origin-secret"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/currency-api-test-rotate-origin-secret"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111122223333"
  }
}

override_data {
  target = data.aws_partition.current
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

override_data {
  target = data.aws_region.current
  values = {
    region = "eu-west-1"
  }
}

variables {
  name         = "currency-api-test"
  package_path = "tests/package.zip"
  secret = {
    arn         = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:currency-api-test/cloudfront-origin-secret-AbCdEf"
    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-12ab-34cd-56ef-1234567890ab"
    header_name = "X-CloudFront-Secret"
    origin_id   = "alb"
  }
  listener_rule_arn     = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/app/currency-api-test/0123456789abcdef/fedcba9876543210/9683b2d02a6cabee"
  distribution_arn      = "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL"
  alb_dns_name          = "internal-currency-api-test-123456789.eu-west-1.elb.amazonaws.com"
  alb_security_group_id = "sg-0123456789abcdef0"
  vpc_id                = "vpc-0a1b2c3d4e5f60718"
  subnet_ids            = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1b2c3d4e5f60718"]
  log_retention_days    = 30
  alarm_topic_arns      = ["arn:aws:sns:eu-west-1:111122223333:currency-api-test-alarms"]
}

run "function_runs_in_the_private_subnets_one_at_a_time" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.handler == "bootstrap" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function must be the Go binary named bootstrap on provided.al2023, arm64 (make lambda builds it so)."
  }

  assert {
    condition     = aws_lambda_function.this.timeout == 900
    error_message = "The function must have Lambda's longest timeout, 15 minutes: setSecret waits for CloudFront to deploy."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 1
    error_message = "Rotations must run one at a time (reserved concurrency 1)."
  }

  assert {
    condition     = toset(one(aws_lambda_function.this.vpc_config).subnet_ids) == toset(var.subnet_ids) && one(aws_lambda_function.this.vpc_config).security_group_ids == toset([aws_security_group.this.id])
    error_message = "The function must run in the given private subnets with its own security group only."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/package.zip")
    error_message = "The function's code hash must be the package's, so that a new package is deployed."
  }

  assert {
    condition = one(aws_lambda_function.this.environment).variables == tomap({
      SECRET_ARN        = var.secret.arn
      LISTENER_RULE_ARN = var.listener_rule_arn
      DISTRIBUTION_ID   = "E2QWRUHAPOMQZL"
      PROBE_URL         = "http://internal-currency-api-test-123456789.eu-west-1.elb.amazonaws.com/health"
      ORIGIN_ID         = "alb"
      HEADER_NAME       = "X-CloudFront-Secret"
    })
    error_message = "The function's environment must name this secret, rule, distribution (its ID, from the ARN), origin and header, and probe the ALB's health check."
  }

  assert {
    condition     = one(aws_lambda_function.this.logging_config).log_group == aws_cloudwatch_log_group.this.name
    error_message = "The function must log to the module's log group."
  }
}

run "only_secrets_manager_invokes_it_for_this_secret" {
  command = apply

  assert {
    condition     = aws_lambda_permission.secretsmanager.principal == "secretsmanager.amazonaws.com" && aws_lambda_permission.secretsmanager.action == "lambda:InvokeFunction"
    error_message = "Only Secrets Manager may invoke the function."
  }

  assert {
    condition     = aws_lambda_permission.secretsmanager.source_account == "111122223333" && aws_lambda_permission.secretsmanager.source_arn == var.secret.arn
    error_message = "Secrets Manager may invoke it only for this secret of this account (SourceArn, SourceAccount)."
  }

  assert {
    condition     = aws_secretsmanager_secret_rotation.this.secret_id == var.secret.arn && aws_secretsmanager_secret_rotation.this.rotation_lambda_arn == aws_lambda_function.this.arn
    error_message = "The secret must rotate with this function."
  }

  assert {
    condition     = one(aws_secretsmanager_secret_rotation.this.rotation_rules).automatically_after_days == 30 && aws_secretsmanager_secret_rotation.this.rotate_immediately == true
    error_message = "The secret must rotate every 30 days by default, the first time at once (the bootstrap value is in the plan and state)."
  }
}

run "role_touches_this_secret_rule_and_distribution_only" {
  command = apply

  assert {
    condition     = toset([for s in jsondecode(output.role_policy).Statement : s.Sid if contains(flatten([s.Action]), "secretsmanager:PutSecretValue")]) == toset(["ThisSecretOnly"]) && one([for s in jsondecode(output.role_policy).Statement : s.Resource if s.Sid == "ThisSecretOnly"]) == var.secret.arn
    error_message = "Secrets Manager actions must be allowed on this secret only."
  }

  assert {
    condition     = one([for s in jsondecode(output.role_policy).Statement : s.Resource if contains(flatten([s.Action]), "elasticloadbalancing:ModifyRule")]) == var.listener_rule_arn
    error_message = "ModifyRule must be allowed on this listener rule only."
  }

  assert {
    condition     = one([for s in jsondecode(output.role_policy).Statement : s.Resource if contains(flatten([s.Action]), "cloudfront:UpdateDistribution")]) == var.distribution_arn
    error_message = "UpdateDistribution must be allowed on this distribution only."
  }

  assert {
    condition = one([
      for s in jsondecode(output.role_policy).Statement : s if contains(flatten([s.Action]), "kms:Decrypt")
      ]).Resource == var.secret.kms_key_arn && one([
      for s in jsondecode(output.role_policy).Statement : s if contains(flatten([s.Action]), "kms:Decrypt")
    ]).Condition.StringEquals["kms:EncryptionContext:SecretARN"] == var.secret.arn
    error_message = "The secret's key must serve this role only for this secret (encryption context)."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.role_policy).Statement : s.Effect == "Allow" && !anytrue([for a in flatten([s.Action]) : strcontains(a, "*")])
    ])
    error_message = "No action may be a wildcard."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(output.role_policy).Statement : flatten([s.Action]) if s.Resource == "*"
    ])) == toset(["elasticloadbalancing:DescribeRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"])
    error_message = "Only DescribeRules and the VPC network-interface calls Lambda checks on \"*\" may be allowed on \"*\"."
  }

  assert {
    condition     = length([for s in jsondecode(output.role_policy).Statement : s if anytrue([for a in flatten([s.Action]) : startswith(a, "wafv2:") || startswith(a, "s3:")])]) == 0
    error_message = "Without a web ACL or a log bucket, the role may not touch WAF or S3."
  }
}

run "a_distribution_with_waf_and_logs_can_be_updated" {
  command = apply

  variables {
    distribution_web_acl_arn = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/currency-api-test/11111111-1111-1111-1111-111111111111"
    distribution_log_bucket  = "currency-api-test-cf-logs-111122223333"
  }

  assert {
    condition     = one([for s in jsondecode(output.role_policy).Statement : s.Resource if s.Action == "wafv2:GetWebACL"]) == var.distribution_web_acl_arn
    error_message = "The role must read the distribution's web ACL, and only it."
  }

  assert {
    condition     = one([for s in jsondecode(output.role_policy).Statement : s.Resource if contains(flatten([s.Action]), "s3:PutBucketAcl")]) == "arn:aws:s3:::currency-api-test-cf-logs-111122223333"
    error_message = "The role must hold the ACL permissions of the distribution's log bucket, and only it."
  }
}

run "logs_are_encrypted_and_expire_and_failures_alarm" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == aws_kms_key.logs.arn && aws_cloudwatch_log_group.this.retention_in_days == 30 && aws_kms_key.logs.enable_key_rotation
    error_message = "The log group must be encrypted with the module's rotating key and expire."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/currency-api-test-rotate-origin-secret"
    error_message = "The log group must be the function's."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.alarm_actions == toset(var.alarm_topic_arns) && aws_cloudwatch_metric_alarm.errors.dimensions.FunctionName == aws_lambda_function.this.function_name
    error_message = "A failed step must notify the alarm topics."
  }
}

run "network_is_the_alb_and_https_only" {
  command = apply

  assert {
    condition     = aws_vpc_security_group_egress_rule.to_alb.referenced_security_group_id == var.alb_security_group_id && aws_vpc_security_group_egress_rule.to_alb.from_port == 80 && aws_vpc_security_group_egress_rule.to_alb.to_port == 80
    error_message = "The function may reach the ALB on its listener port only."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.https.from_port == 443 && aws_vpc_security_group_egress_rule.https.to_port == 443 && aws_vpc_security_group_egress_rule.https.ip_protocol == "tcp"
    error_message = "Nothing but HTTPS may leave for the AWS APIs."
  }
}

run "concurrency_can_be_left_unreserved" {
  command = plan

  variables {
    reserved_concurrency = null
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "reserved_concurrency = null must reserve none (-1), for accounts that cannot reserve any."
  }
}

run "a_missing_package_is_refused" {
  command = plan

  variables {
    package_path = "tests/no-such-package.zip"
  }

  expect_failures = [var.package_path]
}

run "zero_concurrency_is_refused" {
  command = plan

  variables {
    reserved_concurrency = 0
  }

  expect_failures = [var.reserved_concurrency]
}

run "a_schedule_beyond_1000_days_is_refused" {
  command = plan

  variables {
    rotation_days = 1001
  }

  expect_failures = [var.rotation_days]
}

run "a_wildcard_arn_is_refused" {
  command = plan

  variables {
    listener_rule_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener-rule/*"
    distribution_arn  = "arn:aws:cloudfront::111122223333:distribution/*"
  }

  expect_failures = [var.listener_rule_arn, var.distribution_arn]
}

run "a_key_alias_is_refused" {
  command = plan

  variables {
    secret = {
      arn         = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:currency-api-test/cloudfront-origin-secret-AbCdEf"
      kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:alias/origin-secret"
      header_name = "X-CloudFront-Secret"
      origin_id   = "alb"
    }
  }

  expect_failures = [var.secret]
}

run "one_subnet_is_refused" {
  command = plan

  variables {
    subnet_ids = ["subnet-0a1b2c3d4e5f60718"]
  }

  expect_failures = [var.subnet_ids]
}
