variable "name" {
  description = "Name prefix for every resource of this module, e.g. \"currency-api-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name must be 2-31 characters of lower-case letters, digits and hyphens, starting with a letter: it prefixes the function's name (64 characters at most) and its log group."
  }
}

variable "package_path" {
  description = "Path of the rotation function's deployment package, built by `make lambda` (dist/rotate-origin-secret.zip: cmd/rotate-origin-secret as bootstrap, linux/arm64)."
  type        = string

  validation {
    condition     = endswith(var.package_path, ".zip") && fileexists(var.package_path)
    error_message = "The package_path must name an existing .zip file: run `make lambda` at the repository root, which builds dist/rotate-origin-secret.zip."
  }
}

variable "secret" {
  description = "The origin secret to rotate, as the edge module's origin_secret output gives it: the secret's ARN and KMS key, the header's name and the distribution's origin ID."
  type = object({
    arn         = string
    kms_key_arn = string
    header_name = string
    origin_id   = string
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.secret.arn))
    error_message = "The secret.arn must be a Secrets Manager secret ARN (arn:...:secretsmanager:<region>:<account>:secret:<name>): the function rotates exactly this secret."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.secret.kms_key_arn))
    error_message = "The secret.kms_key_arn must be a KMS key ARN (arn:...:kms:<region>:<account>:key/<id>), not an alias: IAM policies match keys by key ARN."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,40}$", var.secret.header_name)) && var.secret.origin_id != ""
    error_message = "The secret.header_name must be an HTTP header name (letters, digits, hyphens) and secret.origin_id the distribution's origin ID: the function rewrites that header of that origin."
  }
}

variable "listener_rule_arn" {
  description = "ARN of the ALB listener rule whose http-header condition holds the accepted values (the edge module's forward_rule.arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener-rule/app/[^/]+/[^/]+/[^/]+/[^/]+$", var.listener_rule_arn))
    error_message = "The listener_rule_arn must be an Application Load Balancer listener rule ARN (arn:...:elasticloadbalancing:<region>:<account>:listener-rule/app/...): the role may modify exactly this rule."
  }
}

variable "distribution_arn" {
  description = "ARN of the CloudFront distribution that sends the header (the edge module's distribution_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:cloudfront::[0-9]{12}:distribution/[A-Z0-9]+$", var.distribution_arn))
    error_message = "The distribution_arn must be a CloudFront distribution ARN (arn:aws:cloudfront::<account>:distribution/<ID>): the role may update exactly this distribution."
  }
}

variable "distribution_web_acl_arn" {
  description = "ARN of the web ACL attached to the distribution (the edge module's web_acl_arn), or null when it has none: CloudFront checks that whoever updates the distribution can read it."
  type        = string
  default     = null

  validation {
    condition     = var.distribution_web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/[^/]+/[0-9A-Za-z-]+$", var.distribution_web_acl_arn))
    error_message = "The distribution_web_acl_arn must be null or a global (CloudFront) WAFv2 web ACL ARN in us-east-1 (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)."
  }
}

variable "distribution_log_bucket" {
  description = "Name of the S3 bucket the distribution's standard (legacy) logs go to (the edge module's log_bucket), or null when logging is off: CloudFront checks that whoever updates the distribution holds the bucket's ACL permissions."
  type        = string
  default     = null

  validation {
    condition     = var.distribution_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.distribution_log_bucket))
    error_message = "The distribution_log_bucket must be null or an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)."
  }
}

variable "alb_dns_name" {
  description = "DNS name of the internal ALB, which the function probes on port 80 (one request per ALB node)."
  type        = string

  validation {
    condition     = can(regex("^internal-[A-Za-z0-9.-]+\\.elb\\.amazonaws\\.com(\\.cn)?$", var.alb_dns_name))
    error_message = "The alb_dns_name must be an internal ALB's DNS name (internal-<name>-<id>.<region>.elb.amazonaws.com): the function probes the listener CloudFront reaches."
  }
}

variable "alb_security_group_id" {
  description = "ID of the ALB's security group; the function's security group may send to it on port 80 only. The ALB's group must admit this module's security_group_id (the service module's listener_client_security_group_ids)."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", var.alb_security_group_id))
    error_message = "The alb_security_group_id must be a security group ID (sg- and 8 or 17 hex digits)."
  }
}

variable "probe_path" {
  description = "Path the function requests on the ALB: the service's health check, which answers 2xx when forwarded."
  type        = string
  default     = "/health"
  nullable    = false

  validation {
    condition     = can(regex("^/[A-Za-z0-9._~/-]*$", var.probe_path))
    error_message = "The probe_path must be an absolute URL path without query or fragment, such as /health."
  }
}

variable "vpc_id" {
  description = "ID of the VPC of the ALB; the function's security group is created in it."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_id))
    error_message = "The vpc_id must be a VPC ID (vpc- and 8 or 17 hex digits)."
  }
}

variable "subnet_ids" {
  description = "Private subnets the function runs in: they reach the ALB, and the AWS APIs through the NAT gateway (CloudFront's API has no VPC endpoint)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", id))])
    error_message = "The subnet_ids must be at least two subnet IDs (subnet-...): Lambda recommends two Availability Zones so that the function survives the loss of one."
  }
}

variable "rotation_days" {
  description = "Days between rotations (Secrets Manager rotates within the day the schedule falls on)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.rotation_days >= 1 && var.rotation_days <= 1000 && floor(var.rotation_days) == var.rotation_days
    error_message = "The rotation_days must be a whole number from 1 to 1000: Secrets Manager's AutomaticallyAfterDays range."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the function: 1 serialises rotations (a second invocation is throttled and Secrets Manager reports the step failed, rather than two rotations editing one rule). null reserves none, for accounts whose concurrency quota is too low to reserve any (new accounts can have 10)."
  type        = number
  default     = 1

  validation {
    condition     = var.reserved_concurrency == null ? true : (var.reserved_concurrency >= 1 && floor(var.reserved_concurrency) == var.reserved_concurrency)
    error_message = "The reserved_concurrency must be null or a whole number of at least 1: 0 would stop every rotation (Lambda throttles all invocations of a function reserved at 0)."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group, in days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be one of CloudWatch Logs' retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "alarm_topic_arns" {
  description = "SNS topics the rotation-failure alarm notifies (a failed rotation leaves the old value in use until someone acts)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.alarm_topic_arns : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", arn))])
    error_message = "Each of alarm_topic_arns must be an SNS topic ARN (arn:...:sns:<region>:<account>:<name>)."
  }
}
