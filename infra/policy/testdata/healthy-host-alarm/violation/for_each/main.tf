# The same gap with the alarms written as a map.
variable "target_group_dimensions" {
  type = map(string)
}

locals {
  alarms = {
    unhealthy_hosts = {
      namespace           = "AWS/ApplicationELB"
      metric_name         = "UnHealthyHostCount"
      comparison_operator = "GreaterThanThreshold"
      threshold           = 0
    }
    # The right metric, the wrong direction: it fires on too many hosts.
    healthy_hosts = {
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HealthyHostCount"
      comparison_operator = "GreaterThanThreshold"
      threshold           = 10
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "service" { # want "aws_cloudwatch_metric_alarm.service: this module alarms on AWS/ApplicationELB metrics but none on HealthyHostCount"
  for_each = local.alarms

  alarm_name          = "api-${each.key}"
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = var.target_group_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
}
