output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted alarm topic in the service's region (ALB and ECS alarms)."
  value       = aws_sns_topic.regional.arn
}

output "sns_topic_arn_us_east_1" {
  description = "ARN of the KMS-encrypted alarm topic the CloudFront alarm notifies, in us-east-1 (the regional topic when the service runs there)."
  value       = local.cloudfront_topic
}

output "dashboard_name" {
  description = "Name of the service's CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarm_names" {
  description = "Names of every alarm this module creates (service region and us-east-1)."
  value       = concat([for alarm in aws_cloudwatch_metric_alarm.service : alarm.alarm_name], [aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.alarm_name])
}

output "alarm_actions" {
  description = "Every distinct action of the module's alarms, alarm and OK: the alarm topics and nothing else."
  value = distinct(flatten(concat(
    [for alarm in aws_cloudwatch_metric_alarm.service : concat(tolist(alarm.alarm_actions), tolist(alarm.ok_actions))],
    [for alarm in [aws_cloudwatch_metric_alarm.cloudfront_5xx_rate] : concat(tolist(alarm.alarm_actions), tolist(alarm.ok_actions))],
  )))
}
