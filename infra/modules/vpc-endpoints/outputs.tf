output "security_group_id" {
  description = "ID of the interface endpoints' security group (HTTPS from the VPC CIDR only); null when interface_endpoints is empty."
  value       = one(aws_security_group.this[*].id)
}

output "interface_endpoint_ids" {
  description = "IDs of the interface endpoints, keyed by service (e.g. \"ecr.dkr\"); empty when interface_endpoints is empty."
  value       = { for svc, endpoint in aws_vpc_endpoint.interface : svc => endpoint.id }
}

output "s3_gateway_endpoint_id" {
  description = "ID of the S3 gateway endpoint; null when enable_s3_gateway is false."
  value       = one(aws_vpc_endpoint.s3[*].id)
}
