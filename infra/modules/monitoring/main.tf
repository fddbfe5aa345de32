data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # CloudFront's alarm lives in us-east-1 and can notify only a topic there:
  # a second topic (and key) is needed unless the service runs in us-east-1.
  separate_us_east_1 = local.region != "us-east-1"
  cloudfront_topic   = local.separate_us_east_1 ? aws_sns_topic.us_east_1[0].arn : aws_sns_topic.regional.arn

  # Key administration and use for principals of this account, delegated to
  # IAM, spelled out instead of "kms:*" so that no statement grants a service
  # wildcard.
  kms_account_actions = [
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

  # The same policy serves both keys: a key policy's "*" resource means the
  # key itself, whatever its region.
  kms_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministrationAndUseThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = local.kms_account_actions
        Resource  = "*"
      },
      {
        # An alarm publishing to an encrypted topic needs the key as
        # CloudWatch, not as the caller who created the alarm.
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
      },
    ]
  })

  # Alarms in the service's region. Five-minute windows out of which three
  # bad minutes alarm, so one blip does not page anyone; "notBreaching" where
  # no data means no traffic, "missing" for ECS, whose metrics stop only when
  # no task runs at all.
  alb_dimensions = { LoadBalancer = var.alb_arn_suffix }
  tg_dimensions  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  ecs_dimensions = { ClusterName = var.cluster_name, ServiceName = var.service_name }

  service_alarms = {
    target_5xx = {
      description         = "The service answered more than ${var.thresholds.target_5xx_count} 5xx responses a minute in 3 of 5 minutes."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HTTPCode_Target_5XX_Count"
      dimensions          = local.tg_dimensions
      statistic           = "Sum"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.target_5xx_count
      evaluation_periods  = 5
      datapoints_to_alarm = 3
      treat_missing_data  = "notBreaching"
    }
    elb_5xx = {
      description         = "The load balancer itself answered more than ${var.thresholds.elb_5xx_count} 5xx responses a minute in 3 of 5 minutes (no healthy target, timeouts)."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HTTPCode_ELB_5XX_Count"
      dimensions          = local.alb_dimensions
      statistic           = "Sum"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.elb_5xx_count
      evaluation_periods  = 5
      datapoints_to_alarm = 3
      treat_missing_data  = "notBreaching"
    }
    # UnHealthyHostCount cannot fire when there is no target at all (every
    # task stopped, none registered): this one can. No data counts as
    # breaching for the same reason.
    healthy_hosts = {
      description         = "Fewer than ${var.min_healthy_hosts} targets passed the /health check for 3 minutes (none at all included)."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HealthyHostCount"
      dimensions          = local.tg_dimensions
      statistic           = "Minimum"
      extended_statistic  = null
      comparison_operator = "LessThanThreshold"
      threshold           = var.min_healthy_hosts
      evaluation_periods  = 3
      datapoints_to_alarm = 3
      treat_missing_data  = "breaching"
    }
    unhealthy_hosts = {
      description         = "More than ${var.thresholds.unhealthy_hosts} targets failed the /health check for 3 minutes."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "UnHealthyHostCount"
      dimensions          = local.tg_dimensions
      statistic           = "Maximum"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.unhealthy_hosts
      evaluation_periods  = 3
      datapoints_to_alarm = 3
      treat_missing_data  = "notBreaching"
    }
    p99_response_time = {
      description         = "The service's p99 response time was above ${var.thresholds.p99_response_time_seconds} s in 3 of 5 minutes."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "TargetResponseTime"
      dimensions          = local.tg_dimensions
      statistic           = null
      extended_statistic  = "p99"
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.p99_response_time_seconds
      evaluation_periods  = 5
      datapoints_to_alarm = 3
      treat_missing_data  = "notBreaching"
    }
    cpu = {
      description         = "The service's average CPU was above ${var.thresholds.cpu_percent} % for 5 minutes: autoscaling is not keeping up or is at its maximum."
      namespace           = "AWS/ECS"
      metric_name         = "CPUUtilization"
      dimensions          = local.ecs_dimensions
      statistic           = "Average"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.cpu_percent
      evaluation_periods  = 5
      datapoints_to_alarm = 5
      treat_missing_data  = "missing"
    }
    memory = {
      description         = "The service's average memory was above ${var.thresholds.memory_percent} % for 5 minutes."
      namespace           = "AWS/ECS"
      metric_name         = "MemoryUtilization"
      dimensions          = local.ecs_dimensions
      statistic           = "Average"
      extended_statistic  = null
      comparison_operator = "GreaterThanThreshold"
      threshold           = var.thresholds.memory_percent
      evaluation_periods  = 5
      datapoints_to_alarm = 5
      treat_missing_data  = "missing"
    }
  }
}

################################################################################
# Alarm topics: one in the service's region, and one in us-east-1 for the
# CloudFront alarm (an alarm can only notify a topic in its own region) when
# the service's region is another.
################################################################################

resource "aws_kms_key" "regional" {
  description             = "${var.name}: alarm notifications"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_key_policy
}

resource "aws_kms_alias" "regional" {
  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.regional.key_id
}

resource "aws_sns_topic" "regional" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.regional.arn
}

resource "aws_sns_topic_policy" "regional" {
  arn = aws_sns_topic.regional.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarmsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.regional.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*" }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email_regional" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.regional.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_kms_key" "us_east_1" {
  count    = local.separate_us_east_1 ? 1 : 0
  provider = aws.us_east_1

  description             = "${var.name}: CloudFront alarm notifications"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_key_policy
}

resource "aws_kms_alias" "us_east_1" {
  count    = local.separate_us_east_1 ? 1 : 0
  provider = aws.us_east_1

  name          = "alias/${var.name}-cloudfront-alarms"
  target_key_id = aws_kms_key.us_east_1[0].key_id
}

resource "aws_sns_topic" "us_east_1" {
  count    = local.separate_us_east_1 ? 1 : 0
  provider = aws.us_east_1

  # A distinct name, so the module also works when the service's region is
  # us-east-1 itself.
  name              = "${var.name}-cloudfront-alarms"
  kms_master_key_id = aws_kms_key.us_east_1[0].arn
}

resource "aws_sns_topic_policy" "us_east_1" {
  count    = local.separate_us_east_1 ? 1 : 0
  provider = aws.us_east_1

  arn = aws_sns_topic.us_east_1[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarmsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.us_east_1[0].arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:us-east-1:${local.account_id}:alarm:${var.name}-*" }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email_us_east_1" {
  count    = var.alarm_email != null && local.separate_us_east_1 ? 1 : 0
  provider = aws.us_east_1

  topic_arn = aws_sns_topic.us_east_1[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

################################################################################
# Alarms
################################################################################

resource "aws_cloudwatch_metric_alarm" "service" {
  for_each = local.service_alarms

  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = 60
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  treat_missing_data  = each.value.treat_missing_data
  # A percentile over a handful of requests (one slow request at night) is
  # noise: CloudWatch then keeps the alarm's state instead of evaluating it.
  evaluate_low_sample_count_percentiles = each.value.extended_statistic == null ? null : "ignore"
  alarm_actions                         = [aws_sns_topic.regional.arn]
  ok_actions                            = [aws_sns_topic.regional.arn]
}

# CloudFront publishes its metrics only in us-east-1, with Region=Global.
resource "aws_cloudwatch_metric_alarm" "cloudfront_5xx_rate" {
  provider = aws.us_east_1

  alarm_name          = "${var.name}-cloudfront-5xx-rate"
  alarm_description   = "More than ${var.thresholds.cloudfront_5xx_rate_percent} % of viewer requests got a 5xx from CloudFront in 3 of 5 minutes."
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = var.distribution_id, Region = "Global" }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.cloudfront_5xx_rate_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.cloudfront_topic]
  ok_actions          = [local.cloudfront_topic]
}
