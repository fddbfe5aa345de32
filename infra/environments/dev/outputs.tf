output "url" {
  description = "The service's public URL (CloudFront)."
  value       = module.edge.url
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution ID (for invalidations)."
  value       = module.edge.distribution_id
}

output "ecr_repository_url" {
  description = "Where to push images: docker push <url>:<tag>."
  value       = module.ecr.repository_url
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = module.service.cluster_name
}

output "service_name" {
  description = "ECS service name."
  value       = module.service.service_name
}

output "log_group_name" {
  description = "CloudWatch log group of the service's containers."
  value       = module.service.log_group_name
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify."
  value       = module.monitoring.sns_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the service."
  value       = module.monitoring.dashboard_name
}
