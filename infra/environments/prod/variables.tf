variable "region" {
  description = "AWS region of the service (CloudFront, WAF and their alarms are global or us-east-1 regardless)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1 or eu-central-1."
  }
}

variable "upload_bootstrap_bundle" {
  description = "Whether the first apply uploads dist/currency-api-source.zip (run `make bundle` first) to the source bucket, so that a new environment builds and deploys the real service on its own. Terraform uploads it once, when it creates the bucket; later releases are `make release`'s."
  type        = bool
  default     = true
  nullable    = false
}

variable "rotation_package" {
  description = "The origin-secret rotation function's deployment package; null is dist/rotate-origin-secret.zip, which `make lambda` builds (run it before plan or apply)."
  type        = string
  default     = null
}

variable "origin_secret_rotation_days" {
  description = "Days between rotations of the CloudFront origin secret."
  type        = number
  default     = 30
  nullable    = false
}

variable "rotation_reserved_concurrency" {
  description = "Reserved concurrency of the rotation function: 1 runs rotations one at a time; null reserves none, for a new account whose concurrency quota (10) leaves nothing to reserve."
  type        = number
  default     = 1
}

variable "az_count" {
  description = "Number of availability zones (2 or 3)."
  type        = number
}

variable "nat_gateway_mode" {
  description = "\"single\" NAT gateway for the VPC, or \"per_az\" for one per availability zone."
  type        = string
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints to create (each ~$7.30/month per AZ); empty turns them off and traffic to AWS APIs goes through the NAT."
  type        = set(string)
  nullable    = false
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks: ARM64 (cheaper) or X86_64 (needed for Fargate Spot)."
  type        = string
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
}

variable "desired_count" {
  description = "Tasks to start with; autoscaling moves it between min_capacity and max_capacity."
  type        = number
}

variable "min_capacity" {
  description = "Fewest tasks autoscaling keeps."
  type        = number
}

variable "max_capacity" {
  description = "Most tasks autoscaling starts."
  type        = number
}

variable "fargate_spot_weight" {
  description = "Weight of FARGATE_SPOT in the capacity provider strategy (0 = none; X86_64 only)."
  type        = number
  default     = 0
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
}

variable "force_destroy" {
  description = "Let destroy delete what holds data: the image repository with its images, the source bundles and the CloudFront logs (set in terraform.tfvars: on where an environment is disposable)."
  type        = bool
  default     = false
  nullable    = false
}

variable "enhanced_scanning" {
  description = "ECR enhanced scanning (Amazon Inspector) of the image, which finds vulnerable Go modules that the basic scan cannot see. A registry-wide setting: turn it on in one environment per account and region."
  type        = bool
  default     = false
  nullable    = false
}

variable "release_principal_arns" {
  description = "IAM roles or users allowed to upload a source bundle (and so release) besides the identity that applies Terraform, e.g. a CI role."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the service's and the VPC flow logs' CloudWatch log groups."
  type        = number
}

variable "rates_provider" {
  description = "Where the service gets live rates: ecb, frankfurter or offline (embedded history only)."
  type        = string
  default     = "ecb"

  validation {
    condition     = contains(["ecb", "frankfurter", "offline"], var.rates_provider)
    error_message = "rates_provider must be ecb, frankfurter or offline."
  }
}

variable "enable_waf" {
  description = "Attach a WAF web ACL (AWS managed common rules and a per-IP rate limit) to CloudFront (~$7/month plus requests)."
  type        = bool
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100, PriceClass_200 or PriceClass_All."
  type        = string
}

variable "geo_restriction" {
  description = "CloudFront geo restriction: type none, whitelist or blacklist, with ISO 3166-1 alpha-2 country codes."
  type = object({
    type      = optional(string, "none")
    locations = optional(list(string), [])
  })
  default  = {}
  nullable = false
}

variable "acm_certificate_arn" {
  description = "ACM certificate in us-east-1 for the aliases; null uses CloudFront's default certificate and domain."
  type        = string
  default     = null
}

variable "aliases" {
  description = "Custom domain names for the distribution (needs acm_certificate_arn)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone to create alias records for the aliases in; null creates none."
  type        = string
  default     = null
}

variable "require_alarm_subscriber" {
  description = "Whether alarm_email must be set. True unless the terraform.tfvars says otherwise, so a new environment cannot alarm into the void by omission."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic (AWS sends a confirmation mail first; until it is confirmed nothing is delivered). Required where require_alarm_subscriber is true; null subscribes nobody."
  type        = string
  default     = null

  # Alarms that notify nobody are not monitoring. The address is personal,
  # so it is not in terraform.tfvars: give it with -var or TF_VAR_alarm_email.
  validation {
    condition     = !var.require_alarm_subscriber || var.alarm_email != null
    error_message = "alarm_email must be set in this environment (require_alarm_subscriber is true): pass -var alarm_email=oncall@example.com or set TF_VAR_alarm_email, or its alarms notify nobody."
  }
}
