variable "name" {
  description = "Prefix for every resource name, e.g. \"currency-api-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name variable must be 2-31 characters of lowercase letters, digits and hyphens, starting with a letter, because it prefixes resource names."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the endpoints are created in (network module output vpc_id)."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC (network module output vpc_cidr_block); the only source the endpoint security group admits, on TCP 443."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", var.vpc_cidr_block)) && can(cidrhost(var.vpc_cidr_block, 0))
    error_message = "The vpc_cidr_block variable must be an IPv4 CIDR block such as \"10.0.0.0/16\", because it is the only source admitted by the endpoint security group."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets, one per AZ, that get an interface endpoint network interface each (network module output private_subnet_ids)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.interface_endpoints) == 0 || length(var.private_subnet_ids) > 0
    error_message = "The private_subnet_ids variable must hold at least one subnet ID when interface_endpoints is not empty: interface endpoints live in subnets."
  }
}

variable "private_route_table_ids" {
  description = "Private route tables that get the S3 gateway endpoint route (network module output private_route_table_ids)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = !var.enable_s3_gateway || length(var.private_route_table_ids) > 0
    error_message = "The private_route_table_ids variable must hold at least one route table ID when enable_s3_gateway is true: the gateway endpoint works through route tables."
  }
}

variable "interface_endpoints" {
  description = "AWS services (the part after \"com.amazonaws.<region>.\") that get an interface endpoint with private DNS in every private subnet, so their traffic stays inside the VPC instead of going through the NAT gateway. Each costs about $7.30/month per AZ (us-east-1, $0.01/hour; e.g. $8.03 in eu-west-1) plus $0.01/GB processed. An empty set turns all interface endpoints (and their security group) off. Allowed: ecr.api, ecr.dkr, logs, secretsmanager, kms, sts, ssm, ssmmessages, monitoring, ecs, ecs-agent, ecs-telemetry."
  type        = set(string)
  default     = ["ecr.api", "ecr.dkr", "logs"]
  nullable    = false

  validation {
    condition = alltrue([
      for svc in var.interface_endpoints :
      contains(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms", "sts", "ssm", "ssmmessages", "monitoring", "ecs", "ecs-agent", "ecs-telemetry"], svc)
    ])
    error_message = "The interface_endpoints variable may only hold ecr.api, ecr.dkr, logs, secretsmanager, kms, sts, ssm, ssmmessages, monitoring, ecs, ecs-agent and ecs-telemetry: other services are not used by this stack."
  }
}

variable "enable_s3_gateway" {
  description = "Whether to create the S3 gateway endpoint on the private route tables. It is free, and ECR serves image layers from S3, so it must be on when ecr.dkr is an interface endpoint."
  type        = bool
  default     = true
  nullable    = false

  validation {
    condition     = var.enable_s3_gateway || !contains(var.interface_endpoints, "ecr.dkr")
    error_message = "The enable_s3_gateway variable must be true when interface_endpoints contains \"ecr.dkr\": ECR image layers are downloaded from S3, so without the gateway endpoint image pulls leave through the NAT gateway (or fail), defeating the ECR endpoints."
  }
}
