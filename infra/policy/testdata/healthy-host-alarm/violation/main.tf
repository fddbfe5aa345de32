variable "alb_arn_suffix" {
  type = string
}

variable "target_group_arn_suffix" {
  type = string
}

# UnHealthyHostCount stays 0 when every task is gone: no target, none unhealthy.
resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" { # want "aws_cloudwatch_metric_alarm.unhealthy_hosts: this module alarms on AWS/ApplicationELB metrics but none on HealthyHostCount with comparison_operator LessThanThreshold"
  alarm_name          = "api-unhealthy-hosts"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
}

resource "aws_cloudwatch_metric_alarm" "elb_5xx" {
  alarm_name          = "api-elb-5xx"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 10
  treat_missing_data  = "notBreaching"
}
