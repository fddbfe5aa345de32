output "source_bucket" {
  description = "Name of the source bucket; `make release` uploads the bundle here."
  value       = aws_s3_bucket.source.bucket
}

output "source_key" {
  description = "Key of the source bundle: an upload to it starts a build."
  value       = var.source_key
}

output "codebuild_project_name" {
  description = "Name of the CodeBuild project."
  value       = aws_codebuild_project.this.name
}

output "codebuild_role_arn" {
  description = "ARN of the build role; give it to the ecr module's push_principal_arns so no one else can push."
  value       = aws_iam_role.codebuild.arn
}

output "build_log_group_name" {
  description = "Name of the KMS-encrypted log group of the builds."
  value       = aws_cloudwatch_log_group.build.name
}

output "image_parameter_name" {
  description = "Name of the SSM parameter holding the image the pipeline last deployed."
  value       = aws_ssm_parameter.image.name
}

output "image" {
  description = "The image the pipeline last deployed (repository@sha256:digest), or the bootstrap reference before the first build: give it to the service module's image so that an apply never rolls a deployment back."
  value       = aws_ssm_parameter.image.insecure_value
}

output "kms_key_arn" {
  description = "ARN of the pipeline's customer-managed KMS key (source bucket, build logs, build data)."
  value       = aws_kms_key.this.arn
}
