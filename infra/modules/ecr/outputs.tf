output "repository_name" {
  description = "Name of the ECR repository."
  value       = aws_ecr_repository.this.name
}

output "repository_arn" {
  description = "ARN of the ECR repository (the service module's execution role may pull only from it)."
  value       = aws_ecr_repository.this.arn
}

output "repository_url" {
  description = "URL of the repository (<account>.dkr.ecr.<region>.amazonaws.com/<name>); append :<tag> or @sha256:<digest> to form an image reference."
  value       = aws_ecr_repository.this.repository_url
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the images."
  value       = aws_kms_key.this.arn
}

output "enhanced_scanning" {
  description = "Whether the repository is scanned by Amazon Inspector (enhanced scanning); the deploy step then needs inspector2 read access to see the findings."
  value       = length(aws_ecr_registry_scanning_configuration.this) > 0
}
