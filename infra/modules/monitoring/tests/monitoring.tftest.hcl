# Promises of the monitoring module, checked against mocked providers: every
# alarm watches the right metric with the right dimensions and threshold and
# notifies a KMS-encrypted topic in its own region, the CloudFront alarm goes
# through the us-east-1 provider, e-mail is subscribed only when given, and
# the variables reject what would make alarms silently watch nothing.

mock_provider "aws" {
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:111122223333:currency-api-test-alarms"
    }
  }

  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:regional"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
    }
  }
}

mock_provider "aws" {
  alias = "us_east_1"

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:111122223333:currency-api-test-cloudfront-alarms"
    }
  }

  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = {
      arn = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cloudfront"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111"
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
    partition = "aws"
  }
}

override_data {
  target = data.aws_region.current
  values = {
    region = "eu-west-1"
  }
}

variables {
  name                    = "currency-api-test"
  alb_arn_suffix          = "app/currency-api-test/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/currency-api-test/fedcba9876543210"
  cluster_name            = "currency-api-test"
  service_name            = "currency-api"
  distribution_id         = "E1ABCDEF2GHIJK"
  log_group_name          = "/ecs/currency-api-test"
}

run "alb_alarms" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["target_5xx"].namespace == "AWS/ApplicationELB" &&
      aws_cloudwatch_metric_alarm.service["target_5xx"].metric_name == "HTTPCode_Target_5XX_Count" &&
      aws_cloudwatch_metric_alarm.service["target_5xx"].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.service["target_5xx"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.service["target_5xx"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.service["target_5xx"].dimensions == tomap({ LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix })
    )
    error_message = "The target 5xx alarm must sum HTTPCode_Target_5XX_Count of the target group above 5."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["elb_5xx"].namespace == "AWS/ApplicationELB" &&
      aws_cloudwatch_metric_alarm.service["elb_5xx"].metric_name == "HTTPCode_ELB_5XX_Count" &&
      aws_cloudwatch_metric_alarm.service["elb_5xx"].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.service["elb_5xx"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.service["elb_5xx"].dimensions == tomap({ LoadBalancer = var.alb_arn_suffix })
    )
    error_message = "The ELB 5xx alarm must sum HTTPCode_ELB_5XX_Count of the load balancer above 5."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["unhealthy_hosts"].metric_name == "UnHealthyHostCount" &&
      aws_cloudwatch_metric_alarm.service["unhealthy_hosts"].statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.service["unhealthy_hosts"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.service["unhealthy_hosts"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.service["unhealthy_hosts"].dimensions == tomap({ LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix })
    )
    error_message = "The unhealthy hosts alarm must fire when UnHealthyHostCount of the target group is above 0."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["p99_response_time"].metric_name == "TargetResponseTime" &&
      aws_cloudwatch_metric_alarm.service["p99_response_time"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.service["p99_response_time"].statistic == null &&
      aws_cloudwatch_metric_alarm.service["p99_response_time"].threshold == 1 &&
      aws_cloudwatch_metric_alarm.service["p99_response_time"].evaluate_low_sample_count_percentiles == "ignore" &&
      aws_cloudwatch_metric_alarm.service["p99_response_time"].dimensions == tomap({ LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix })
    )
    error_message = "The latency alarm must watch TargetResponseTime p99 above 1 s."
  }
}

run "ecs_alarms" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["cpu"].namespace == "AWS/ECS" &&
      aws_cloudwatch_metric_alarm.service["cpu"].metric_name == "CPUUtilization" &&
      aws_cloudwatch_metric_alarm.service["cpu"].statistic == "Average" &&
      aws_cloudwatch_metric_alarm.service["cpu"].threshold == 80 &&
      aws_cloudwatch_metric_alarm.service["cpu"].dimensions == tomap({ ClusterName = "currency-api-test", ServiceName = "currency-api" })
    )
    error_message = "The CPU alarm must watch AWS/ECS CPUUtilization of the service above 80 %."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["memory"].namespace == "AWS/ECS" &&
      aws_cloudwatch_metric_alarm.service["memory"].metric_name == "MemoryUtilization" &&
      aws_cloudwatch_metric_alarm.service["memory"].threshold == 80 &&
      aws_cloudwatch_metric_alarm.service["memory"].dimensions == tomap({ ClusterName = "currency-api-test", ServiceName = "currency-api" })
    )
    error_message = "The memory alarm must watch AWS/ECS MemoryUtilization of the service above 80 %."
  }
}

run "regional_alarms_notify_the_regional_topic" {
  command = apply

  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.service :
      alarm.alarm_actions == toset([aws_sns_topic.regional.arn]) && alarm.ok_actions == toset([aws_sns_topic.regional.arn])
    ])
    error_message = "Every regional alarm must send alarm and OK notifications to the regional topic."
  }

  assert {
    condition = alltrue([
      for key, alarm in aws_cloudwatch_metric_alarm.service :
      alarm.treat_missing_data == (contains(["cpu", "memory"], key) ? "missing" : key == "healthy_hosts" ? "breaching" : "notBreaching")
    ])
    error_message = "Missing ALB data (no traffic) must not breach, except for healthy hosts (no data: no target at all); ECS alarms keep missing data as missing."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.service) == 7 && length(output.alarm_names) == 8
    error_message = "The module must create seven regional alarms and one CloudFront alarm."
  }
}

# UnHealthyHostCount > 0 cannot fire when there are no targets at all; the
# healthy-hosts alarm can, and follows the service's autoscaling minimum.
run "healthy_hosts_alarm_fires_below_the_minimum" {
  command = apply

  variables {
    min_healthy_hosts = 2
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["healthy_hosts"].metric_name == "HealthyHostCount" &&
      aws_cloudwatch_metric_alarm.service["healthy_hosts"].namespace == "AWS/ApplicationELB" &&
      aws_cloudwatch_metric_alarm.service["healthy_hosts"].statistic == "Minimum" &&
      aws_cloudwatch_metric_alarm.service["healthy_hosts"].comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.service["healthy_hosts"].threshold == 2 &&
      aws_cloudwatch_metric_alarm.service["healthy_hosts"].dimensions == tomap({ LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix })
    )
    error_message = "The healthy-hosts alarm must fire when the target group has fewer healthy targets than min_healthy_hosts."
  }

  assert {
    condition     = alltrue([for key, alarm in aws_cloudwatch_metric_alarm.service : alarm.comparison_operator == "GreaterThanThreshold" if key != "healthy_hosts"])
    error_message = "Every other regional alarm fires above its threshold."
  }
}

run "cloudfront_alarm" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.namespace == "AWS/CloudFront" &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.metric_name == "5xxErrorRate" &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.statistic == "Average" &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.threshold == 5 &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.treat_missing_data == "notBreaching" &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.dimensions == tomap({ DistributionId = "E1ABCDEF2GHIJK", Region = "Global" })
    )
    error_message = "The CloudFront alarm must watch 5xxErrorRate of the distribution (Region=Global) above 5 %."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.alarm_actions == toset([aws_sns_topic.us_east_1[0].arn]) && aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.ok_actions == toset([aws_sns_topic.us_east_1[0].arn])
    error_message = "The CloudFront alarm must notify the us-east-1 topic."
  }
}

run "topics_are_encrypted_with_rotating_keys" {
  command = apply

  assert {
    condition     = aws_sns_topic.regional.kms_master_key_id == aws_kms_key.regional.arn && aws_sns_topic.us_east_1[0].kms_master_key_id == aws_kms_key.us_east_1[0].arn
    error_message = "Each topic must be encrypted with its own region's customer-managed key."
  }

  assert {
    condition     = aws_kms_key.regional.enable_key_rotation && aws_kms_key.us_east_1[0].enable_key_rotation
    error_message = "Every KMS key must rotate."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_kms_key.regional.policy).Statement :
      try(s.Principal.Service, "") == "cloudwatch.amazonaws.com" && contains(s.Action, "kms:GenerateDataKey") && contains(s.Action, "kms:Decrypt")
    ])
    error_message = "The key policy must let CloudWatch alarms use the key to publish."
  }

  assert {
    condition = alltrue(flatten([
      for policy in [aws_kms_key.regional.policy, aws_kms_key.us_east_1[0].policy, aws_sns_topic_policy.regional.policy, aws_sns_topic_policy.us_east_1[0].policy] : [
        for s in jsondecode(policy).Statement : s.Effect == "Deny" || alltrue([
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ])
      ]
    ]))
    error_message = "No Allow statement may grant * or a service wildcard."
  }

  assert {
    condition = alltrue([
      for policy in [aws_sns_topic_policy.regional.policy, aws_sns_topic_policy.us_east_1[0].policy] :
      alltrue([for s in jsondecode(policy).Statement : s.Condition.StringEquals["aws:SourceAccount"] == "111122223333"])
    ])
    error_message = "Only this account's CloudWatch alarms may publish to the topics."
  }
}

run "no_email_subscription_by_default" {
  command = apply

  assert {
    condition     = length(aws_sns_topic_subscription.email_regional) == 0 && length(aws_sns_topic_subscription.email_us_east_1) == 0
    error_message = "No subscription may be created without alarm_email."
  }
}

run "email_subscription_when_set" {
  command = apply

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition = (
      length(aws_sns_topic_subscription.email_regional) == 1 &&
      aws_sns_topic_subscription.email_regional[0].protocol == "email" &&
      aws_sns_topic_subscription.email_regional[0].endpoint == "oncall@example.com" &&
      aws_sns_topic_subscription.email_regional[0].topic_arn == aws_sns_topic.regional.arn
    )
    error_message = "alarm_email must be subscribed to the regional topic."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email_us_east_1) == 1 && aws_sns_topic_subscription.email_us_east_1[0].topic_arn == aws_sns_topic.us_east_1[0].arn
    error_message = "alarm_email must be subscribed to the us-east-1 topic."
  }
}

run "custom_thresholds" {
  command = apply

  variables {
    thresholds = {
      target_5xx_count            = 10
      p99_response_time_seconds   = 0.5
      cloudfront_5xx_rate_percent = 2
    }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.service["target_5xx"].threshold == 10 &&
      aws_cloudwatch_metric_alarm.service["elb_5xx"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.service["p99_response_time"].threshold == 0.5 &&
      aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.threshold == 2
    )
    error_message = "Given thresholds must be used and omitted ones keep their defaults."
  }
}

run "dashboard" {
  command = apply

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "currency-api-test"
    error_message = "The dashboard must be named after the module's name."
  }

  assert {
    condition = alltrue([
      for namespace in ["AWS/ApplicationELB", "AWS/ECS", "ECS/ContainerInsights", "AWS/CloudFront"] :
      anytrue([
        for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
        widget.type == "metric" && anytrue([for row in try(widget.properties.metrics, []) : try(row[0] == namespace, false)])
      ])
    ])
    error_message = "The dashboard must graph ALB, ECS, Container Insights and CloudFront metrics."
  }

  assert {
    condition = alltrue([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      widget.properties.region == "us-east-1" if widget.type == "metric" && try(widget.properties.metrics[0][0], "") == "AWS/CloudFront"
    ])
    error_message = "CloudFront widgets must read us-east-1."
  }

  assert {
    condition = alltrue([
      for metric in ["\\\"requests\\\"", "\\\"latency_ms\\\"", "rates_age_seconds", "rates_stale", "\\\"fetches\\\""] :
      strcontains(aws_cloudwatch_dashboard.this.dashboard_body, metric)
    ]) && strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "CurrencyAPI")
    error_message = "The dashboard must show the app's EMF metrics in namespace CurrencyAPI."
  }

  assert {
    condition = anytrue([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      widget.type == "log" && strcontains(widget.properties.query, "SOURCE '/ecs/currency-api-test'")
    ])
    error_message = "The dashboard must query the service's log group."
  }
}

run "cloudfront_alarm_goes_through_the_us_east_1_provider" {
  command = apply

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = startswith(aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.arn, "arn:aws:cloudwatch:us-east-1:")
    error_message = "The CloudFront alarm must be created by the aws.us_east_1 provider."
  }

  assert {
    condition     = startswith(output.sns_topic_arn_us_east_1, "arn:aws:sns:us-east-1:") && startswith(aws_kms_key.us_east_1[0].arn, "arn:aws:kms:us-east-1:")
    error_message = "The CloudFront alarm's topic and key must be in us-east-1."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.service : startswith(alarm.arn, "arn:aws:cloudwatch:eu-west-1:")])
    error_message = "The ALB and ECS alarms must be created by the default provider."
  }

  assert {
    condition     = startswith(output.sns_topic_arn, "arn:aws:sns:eu-west-1:")
    error_message = "The regional topic must be created by the default provider."
  }
}

################################################################################
# Validations
################################################################################

run "rejects_bad_name" {
  command = plan
  variables {
    name = "-currency"
  }
  expect_failures = [var.name]
}

run "rejects_bad_email" {
  command = plan
  variables {
    alarm_email = "oncall.example.com"
  }
  expect_failures = [var.alarm_email]
}

run "rejects_full_alb_arn" {
  command = plan
  variables {
    alb_arn_suffix = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/currency-api-test/0123456789abcdef"
  }
  expect_failures = [var.alb_arn_suffix]
}

run "rejects_full_target_group_arn" {
  command = plan
  variables {
    target_group_arn_suffix = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/currency-api-test/fedcba9876543210"
  }
  expect_failures = [var.target_group_arn_suffix]
}

run "rejects_distribution_arn" {
  command = plan
  variables {
    distribution_id = "arn:aws:cloudfront::111122223333:distribution/E1ABCDEF2GHIJK"
  }
  expect_failures = [var.distribution_id]
}

run "rejects_negative_count_threshold" {
  command = plan
  variables {
    thresholds = { unhealthy_hosts = -1 }
  }
  expect_failures = [var.thresholds]
}

run "rejects_zero_latency_threshold" {
  command = plan
  variables {
    thresholds = { p99_response_time_seconds = 0 }
  }
  expect_failures = [var.thresholds]
}

run "rejects_percent_above_100" {
  command = plan
  variables {
    thresholds = { cpu_percent = 120 }
  }
  expect_failures = [var.thresholds]
}

run "service_in_us_east_1_uses_one_topic" {
  command = apply

  override_data {
    target = data.aws_region.current
    values = {
      region = "us-east-1"
    }
  }

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = length(aws_sns_topic.us_east_1) == 0 && length(aws_kms_key.us_east_1) == 0 && length(aws_sns_topic_subscription.email_us_east_1) == 0
    error_message = "In us-east-1 the regional topic serves the CloudFront alarm too: no second topic, key or subscription."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.alarm_actions == toset([aws_sns_topic.regional.arn])
    error_message = "In us-east-1 the CloudFront alarm must notify the regional topic."
  }
}

run "rejects_no_healthy_hosts_as_minimum" {
  command = plan
  variables {
    min_healthy_hosts = 0
  }
  expect_failures = [var.min_healthy_hosts]
}
