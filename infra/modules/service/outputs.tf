output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "alb_arn" {
  description = "ARN of the internal ALB (the edge module's CloudFront VPC origin points at it)."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "Private DNS name of the internal ALB."
  value       = aws_lb.this.dns_name
}

output "alb_security_group_id" {
  description = "ID of the ALB's security group."
  value       = aws_security_group.alb.id
}

output "listener_arn" {
  description = "ARN of the HTTP listener (default action 403); the edge module adds the secret-header forward rule to it."
  value       = aws_lb_listener.http.arn
}

output "target_group_arn" {
  description = "ARN of the target group the edge module's forward rule sends to."
  value       = aws_lb_target_group.this.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, the TargetGroup dimension of its CloudWatch metrics."
  value       = aws_lb_target_group.this.arn_suffix
}

output "task_security_group_id" {
  description = "ID of the tasks' security group."
  value       = aws_security_group.task.id
}

output "log_group_name" {
  description = "Name of the container log group (EMF metrics land in namespace CurrencyAPI from it)."
  value       = aws_cloudwatch_log_group.this.name
}

output "task_role_arn" {
  description = "ARN of the task role (no permissions)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "ARN of the task execution role; give it to the ecr module's pull_principal_arns."
  value       = aws_iam_role.execution.arn
}

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition."
  value       = aws_ecs_task_definition.this.arn
}

output "access_logs_bucket" {
  description = "Name of the S3 bucket holding the ALB access logs."
  value       = aws_s3_bucket.access_logs.id
}

output "task_definition_family" {
  description = "Family of the task definition; the pipeline registers new revisions of it."
  value       = aws_ecs_task_definition.this.family
}

output "container_image" {
  description = "Image of the service's container as the task definition Terraform registered names it."
  value       = one([for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.image if c.name == local.container_name])
}

output "alb_ingress_prefix_list_ids" {
  description = "Managed prefix lists the ALB's security group admits (the CloudFront origin-facing list); besides them it admits only alb_ingress_security_group_ids."
  value       = [aws_vpc_security_group_ingress_rule.alb_from_cloudfront.prefix_list_id]
}

output "alb_ingress_security_group_ids" {
  description = "Security groups the ALB's security group admits on the listener port (listener_client_security_group_ids), keyed as given."
  value       = { for k, rule in aws_vpc_security_group_ingress_rule.alb_from_listener_clients : k => rule.referenced_security_group_id }
}

output "deployment_alarm_names" {
  description = "Alarms ECS watches during a deployment and rolls it back on (target 5xx rate, p99 latency)."
  value       = one(aws_ecs_service.this.alarms[*].alarm_names)
}
