# The whole prod environment, planned and applied against mocked providers as a
# first deployment into an empty account would be. Module tests prove each
# module alone; only this file sees the modules composed, so it is what catches
# an environment that cannot plan at all (a module-level depends_on deferring
# every data source of a module, a computed value feeding a count, one module's
# validation rejecting another module's real-shaped output).
#
# Computed values are shaped like AWS's (vpc-…, subnet-…, ARNs, a distribution
# ID), so every variable validation of every module runs on a plausible value.
# The same file runs on OpenTofu and on Terraform (scripts/check-infra.sh):
# Terraform leaves mocked computed values unknown until apply (unless
# override_during = plan, which OpenTofu does not accept), so assertions on
# computed values live in the command = apply runs.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:role/terraform"
      user_id    = "AROAEXAMPLEEXAMPLE:terraform"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      region = "us-east-1"
    }
  }
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
      zone_ids = ["use1-az1", "use1-az3", "use1-az2", "use1-az4", "use1-az5", "use1-az6"]
    }
  }
  mock_data "aws_ec2_managed_prefix_list" {
    defaults = {
      id = "pl-3b927c52"
    }
  }
  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::127311923021:root"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_data "aws_canonical_user_id" {
    defaults = {
      id = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    }
  }
  mock_data "aws_cloudfront_log_delivery_canonical_user_id" {
    defaults = {
      id = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
    }
  }
  mock_data "aws_iam_session_context" {
    defaults = {
      issuer_arn = "arn:aws:iam::123456789012:role/terraform"
    }
  }
  mock_data "aws_secretsmanager_random_password" {
    defaults = {
      random_password = "mock-origin-secret-0123456789abcdefghijklmnop"
    }
  }

  mock_resource "aws_vpc" {
    defaults = {
      id  = "vpc-0a1b2c3d4e5f60718"
      arn = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d4e5f60718"
    }
  }
  mock_resource "aws_subnet" {
    defaults = {
      id  = "subnet-0a1b2c3d4e5f60718"
      arn = "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0a1b2c3d4e5f60718"
    }
  }
  mock_resource "aws_route_table" {
    defaults = {
      id = "rtb-0a1b2c3d4e5f60718"
    }
  }
  mock_resource "aws_security_group" {
    defaults = {
      id  = "sg-0a1b2c3d4e5f60718"
      arn = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60718"
    }
  }
  mock_resource "aws_vpc_endpoint" {
    defaults = {
      id = "vpce-0a1b2c3d4e5f60718"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn       = "arn:aws:iam::123456789012:role/currency-api-prod-mock"
      unique_id = "AROAEXAMPLEEXAMPLE"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn                         = "arn:aws:s3:::currency-api-prod-mock-123456789012"
      bucket_domain_name          = "currency-api-prod-mock-123456789012.s3.amazonaws.com"
      bucket_regional_domain_name = "currency-api-prod-mock-123456789012.s3.us-east-1.amazonaws.com"
    }
  }
  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-east-1:123456789012:repository/currency-api-prod"
      repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/currency-api-prod"
      registry_id    = "123456789012"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:currency-api-prod-alarms"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"
    }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = {
      arn = "arn:aws:ecs:us-east-1:123456789012:cluster/currency-api-prod"
      id  = "arn:aws:ecs:us-east-1:123456789012:cluster/currency-api-prod"
    }
  }
  mock_resource "aws_ecs_task_definition" {
    defaults = {
      arn                  = "arn:aws:ecs:us-east-1:123456789012:task-definition/currency-api-prod:1"
      arn_without_revision = "arn:aws:ecs:us-east-1:123456789012:task-definition/currency-api-prod"
      revision             = 1
    }
  }
  mock_resource "aws_ecs_service" {
    defaults = {
      id = "arn:aws:ecs:us-east-1:123456789012:service/currency-api-prod/currency-api-prod"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/currency-api-prod/50dc6c495c0c9188"
      arn_suffix = "app/currency-api-prod/50dc6c495c0c9188"
      dns_name   = "internal-currency-api-prod-1234567890.us-east-1.elb.amazonaws.com"
      zone_id    = "Z35SXDOTRQ7X7K"
    }
  }
  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/currency-api-prod/50dc6c495c0c9188/f2f7dc8efc522ab2"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/currency-api-prod/6d0ecf831eec9f09"
      arn_suffix = "targetgroup/currency-api-prod/6d0ecf831eec9f09"
    }
  }
  mock_resource "aws_lb_listener_rule" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/currency-api-prod/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:currency-api-prod/origin-secret-AbCdEf"
    }
  }
  mock_resource "aws_cloudfront_vpc_origin" {
    defaults = {
      id  = "vo_0a1b2c3d4e5f60718abcd"
      arn = "arn:aws:cloudfront::123456789012:vpcorigin/vo_0a1b2c3d4e5f60718abcd"
    }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id             = "E2QWRUHAPOMQZL"
      arn            = "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL"
      domain_name    = "d111111abcdef8.cloudfront.net"
      hosted_zone_id = "Z2FDTNDATAQYW2"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn = "arn:aws:lambda:us-east-1:123456789012:function:currency-api-prod-rotate-origin-secret"
    }
  }
  mock_resource "aws_codebuild_project" {
    defaults = {
      arn = "arn:aws:codebuild:us-east-1:123456789012:project/currency-api-prod"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:us-east-1:123456789012:rule/currency-api-prod-source-uploaded"
    }
  }
}

mock_provider "aws" {
  alias = "us_east_1"

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:role/terraform"
      user_id    = "AROAEXAMPLEEXAMPLE:terraform"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      region = "us-east-1"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "5678abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:currency-api-prod-alarms-edge"
    }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/currency-api-prod/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
      id  = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
    }
  }
}

# The bootstrap bundle and the rotation function's package are build outputs
# (make bundle, make lambda), not files a test can rely on: the bundle's
# upload has its own test in the pipeline module, and the rotation module's
# test package stands in for the function's. An environment
# may require an alarm subscriber, so every run gives one (the last run checks
# the rule).
variables {
  upload_bootstrap_bundle = false
  alarm_email             = "oncall@example.com"
  rotation_package        = "../../modules/rotation/tests/package.zip"
}

# The plan of a first deployment: it must succeed on both engines, with every
# module's validations run on real-shaped values (OpenTofu fills mocked
# computed values at plan; Terraform leaves them unknown until apply).
run "first_plan_into_an_empty_account" {
  command = plan

  assert {
    condition     = length(module.network.private_subnet_ids) == var.az_count
    error_message = "One private subnet per availability zone."
  }
}

# The same deployment applied (mocked), then the wiring across modules that
# no module test can see.
run "first_apply_wires_the_modules_together" {
  command = apply

  assert {
    condition     = module.edge.forward_rule.listener_arn == module.service.listener_arn && module.edge.forward_rule.target_group_arn == module.service.target_group_arn
    error_message = "The edge's secret-checking rule must sit on the service's listener and forward to the service's target group."
  }

  assert {
    condition     = module.service.container_image == module.pipeline.image && startswith(module.pipeline.image, "${module.ecr.repository_url}:")
    error_message = "The service must run the image the pipeline's parameter names, from the environment's repository."
  }

  assert {
    condition     = module.service.alb_ingress_prefix_list_ids == ["pl-3b927c52"] && module.service.alb_ingress_security_group_ids == { origin-secret-rotation = module.rotation.security_group_id }
    error_message = "The ALB's security group must admit the CloudFront origin-facing prefix list and, besides it, only the rotation function's security group."
  }

  assert {
    condition     = module.rotation.role_policy != "" && strcontains(module.rotation.role_policy, module.edge.forward_rule.arn) && strcontains(module.rotation.role_policy, module.edge.distribution_arn) && strcontains(module.rotation.role_policy, module.edge.origin_secret.arn)
    error_message = "The rotation function's role must name the edge's forward rule, distribution and secret."
  }

  assert {
    condition     = output.origin_secret_rotation_function == "${local.name}-rotate-origin-secret" && module.rotation.rotation_days == 30
    error_message = "The environment must rotate its origin secret every 30 days with its own function."
  }

  assert {
    condition     = toset(module.monitoring.alarm_actions) == toset([module.monitoring.sns_topic_arn])
    error_message = "Every alarm (and its OK) must notify the environment's alarm topic, and only it."
  }

  assert {
    condition     = length(module.service.deployment_alarm_names) == 2 && alltrue([for name in module.service.deployment_alarm_names : startswith(name, "${local.name}-deployment-")])
    error_message = "ECS must watch the service's two deployment alarms (5xx rate, p99 latency)."
  }

  assert {
    condition     = output.url == "https://d111111abcdef8.cloudfront.net" && output.source_bucket == "${local.name}-source-123456789012"
    error_message = "The outputs must name the distribution's URL and the source bucket."
  }
}

# A second plan over the applied state: what every later apply does. It must
# plan (no apply-time-only values feeding counts, no validation failing on
# real values) and keep the image the pipeline deployed.
run "second_plan_after_the_first_apply" {
  command = plan

  # The parameter still holds what the first apply wrote (no build ran), and
  # the service keeps running what the parameter names.
  assert {
    condition     = module.pipeline.image == "${module.ecr.repository_url}:awaiting-first-build" && module.service.container_image == module.pipeline.image
    error_message = "A later plan must keep the image the pipeline's parameter names."
  }
}

# An environment that requires an alarm subscriber refuses to plan without
# one, naming the variable.
run "no_alarm_subscriber_is_refused_where_required" {
  command = plan

  variables {
    require_alarm_subscriber = true
    alarm_email              = null
  }

  expect_failures = [var.alarm_email]
}
