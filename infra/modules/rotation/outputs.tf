output "function_arn" {
  description = "ARN of the rotation function."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "Name of the rotation function (its logs are in log_group_name)."
  value       = aws_lambda_function.this.function_name
}

output "log_group_name" {
  description = "CloudWatch log group of the rotation function."
  value       = aws_cloudwatch_log_group.this.name
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "security_group_id" {
  description = "ID of the function's security group: give it to the service module's listener_client_security_group_ids so that the ALB admits the function's probes."
  value       = aws_security_group.this.id
}

output "rotation_days" {
  description = "Days between rotations."
  value       = one(aws_secretsmanager_secret_rotation.this.rotation_rules).automatically_after_days
}

output "role_policy" {
  description = "The execution role's inline policy as IAM receives it (JSON)."
  value       = aws_iam_role_policy.rotation.policy
}
