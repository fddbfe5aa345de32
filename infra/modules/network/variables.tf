variable "name" {
  description = "Prefix for every resource name, e.g. \"currency-api-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name variable must be 2-31 characters of lowercase letters, digits and hyphens, starting with a letter, because it prefixes IAM, log group and tag names."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR block of the VPC, prefix /16 to /22. Private subnets take the first three quarters (one each per AZ), public subnets share the last quarter."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition = can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", var.cidr_block)) && try(
      cidrsubnet(var.cidr_block, 0, 0) == var.cidr_block &&
      tonumber(split("/", var.cidr_block)[1]) >= 16 &&
      tonumber(split("/", var.cidr_block)[1]) <= 22,
      false
    )
    error_message = "The cidr_block variable must be an IPv4 network address in CIDR notation (no host bits set) with a prefix from /16 to /22: AWS allows VPCs of /16 to /28, and below /22 the per-AZ subnets get too small for Fargate tasks, the ALB and endpoints."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets (and, with nat_gateway_mode = \"per_az\", the NAT gateways) over."
  type        = number
  default     = 2

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "The az_count variable must be 2 or 3: an ALB needs at least two AZs, and the subnet layout has room for three."
  }
}

variable "nat_gateway_mode" {
  description = "\"single\": one NAT gateway for all AZs (cheaper, about $33/month plus data; egress of every AZ fails with that AZ). \"per_az\": one NAT gateway per AZ, each private route table using its own AZ's (highly available, no cross-AZ data charges)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["single", "per_az"], var.nat_gateway_mode)
    error_message = "The nat_gateway_mode variable must be \"single\" or \"per_az\"."
  }
}

variable "flow_log_retention_days" {
  description = "Retention in days of the VPC flow log group; one of the values CloudWatch Logs accepts (never-expire is not offered)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "The flow_log_retention_days variable must be one of the retention values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}
