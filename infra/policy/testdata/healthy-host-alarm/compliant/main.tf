variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

variable "cluster_name" {
  type = string
}

locals {
  tg_dimensions = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }

  alarms = {
    # Fires with no target at all; no data counts as breaching for the same reason.
    healthy_hosts = {
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HealthyHostCount"
      statistic           = "Minimum"
      comparison_operator = "LessThanThreshold"
      threshold           = 1
      treat_missing_data  = "breaching"
    }
    unhealthy_hosts = {
      namespace           = "AWS/ApplicationELB"
      metric_name         = "UnHealthyHostCount"
      statistic           = "Maximum"
      comparison_operator = "GreaterThanThreshold"
      threshold           = 0
      treat_missing_data  = "notBreaching"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "service" {
  for_each = local.alarms

  alarm_name          = "api-${replace(each.key, "_", "-")}"
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = local.tg_dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = 3
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  treat_missing_data  = each.value.treat_missing_data
}

# Other namespaces need no host alarm.
resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "api-cpu"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterName = var.cluster_name }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
}
