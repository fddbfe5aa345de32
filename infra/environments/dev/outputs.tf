output "url" {
  description = "The service's public URL (CloudFront)."
  value       = module.edge.url
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution ID (for invalidations)."
  value       = module.edge.distribution_id
}

output "ecr_repository_url" {
  description = "The image repository; only the pipeline's build role may push to it."
  value       = module.ecr.repository_url
}

output "source_bucket" {
  description = "Bucket `make release` uploads the source bundle to."
  value       = module.pipeline.source_bucket
}

output "source_key" {
  description = "Key of the source bundle: an upload to it builds and deploys."
  value       = module.pipeline.source_key
}

output "codebuild_project_name" {
  description = "CodeBuild project that builds and deploys each upload."
  value       = module.pipeline.codebuild_project_name
}

output "build_log_group_name" {
  description = "CloudWatch log group of the builds."
  value       = module.pipeline.build_log_group_name
}

output "deployed_image" {
  description = "Image the pipeline last deployed (repository@sha256:digest)."
  value       = module.pipeline.image
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

output "origin_secret_rotation_function" {
  description = "Lambda function that rotates the CloudFront origin secret (logs: /aws/lambda/<name>)."
  value       = module.rotation.function_name
}
