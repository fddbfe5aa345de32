variable "name" {
  description = "Name prefix for every resource of this module, e.g. \"currency-api-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name must be 2-31 characters of lower-case letters, digits and hyphens, starting with a letter: it prefixes resource names (S3, WAF, CloudFront policies) that only accept these."
  }
}

variable "alb_arn" {
  description = "ARN of the internal Application Load Balancer the CloudFront VPC origin points at."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/", var.alb_arn))
    error_message = "The alb_arn must be the ARN of an Application Load Balancer (arn:...:elasticloadbalancing:<region>:<account>:loadbalancer/app/...): a VPC origin accepts only an ALB, NLB or EC2 instance and this module forwards HTTP."
  }
}

variable "alb_dns_name" {
  description = "DNS name of that load balancer: CloudFront's origin domain (an ARN does not carry it)."
  type        = string

  validation {
    condition     = can(regex("^internal-[A-Za-z0-9.-]+\\.elb\\.amazonaws\\.com(\\.cn)?$", var.alb_dns_name))
    error_message = "The alb_dns_name must be an internal ALB's DNS name (internal-<name>-<id>.<region>.elb.amazonaws.com): a VPC origin reaches only internal load balancers here."
  }
}

variable "listener_arn" {
  description = "ARN of the ALB's HTTP listener (port 80) whose default action is a fixed-response 403; this module adds the only rule that forwards."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener/app/", var.listener_arn))
    error_message = "The listener_arn must be the ARN of an Application Load Balancer listener: the secret-header rule is attached to it."
  }
}

variable "target_group_arn" {
  description = "ARN of the service's target group that requests carrying the origin secret are forwarded to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup/", var.target_group_arn))
    error_message = "The target_group_arn must be the ARN of an ELB target group: it is the forward rule's only destination."
  }
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100 (North America, Europe, Israel), PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "The price_class must be one of PriceClass_100, PriceClass_200 or PriceClass_All: these are CloudFront's only price classes."
  }
}

variable "geo_restriction" {
  description = "Viewer geo restriction: type none, whitelist or blacklist, and the ISO 3166-1 alpha-2 country codes it applies to (empty exactly when type is none)."
  type = object({
    type      = optional(string, "none")
    locations = optional(list(string), [])
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["none", "whitelist", "blacklist"], var.geo_restriction.type)
    error_message = "The geo_restriction.type must be none, whitelist or blacklist: CloudFront knows no other restriction type."
  }

  validation {
    condition     = (var.geo_restriction.type == "none") == (length(var.geo_restriction.locations) == 0)
    error_message = "The geo_restriction.locations must be empty when type is none and non-empty otherwise: CloudFront rejects a whitelist or blacklist without countries, and countries without a restriction would be silently ignored."
  }

  validation {
    condition     = alltrue([for location in var.geo_restriction.locations : can(regex("^[A-Z]{2}$", location))])
    error_message = "Each of geo_restriction.locations must be an upper-case ISO 3166-1 alpha-2 country code such as \"DE\": CloudFront accepts no other form."
  }
}

variable "enable_waf" {
  description = "Attach a WAFv2 web ACL (AWS managed common rule set + a per-IP rate limit) to the distribution. Costs about $5/month + $1/rule/month + $0.60 per million requests; on in prod."
  type        = bool
  default     = false
  nullable    = false
}

variable "waf_rate_limit" {
  description = "Requests per 5-minute window one client IP may send before the WAF rate-based rule blocks it (used only when enable_waf is true)."
  type        = number
  default     = 2000
  nullable    = false

  validation {
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "The waf_rate_limit must be a whole number from 10 to 2,000,000,000: the range AWS WAF accepts for a rate-based statement's Limit."
  }
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering the aliases; null uses the default *.cloudfront.net certificate."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$", var.acm_certificate_arn))
    error_message = "The acm_certificate_arn must be an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>): CloudFront only uses certificates from that region."
  }
}

variable "aliases" {
  description = "Alternate domain names (CNAMEs) of the distribution; the first one is used in the url output. Needs acm_certificate_arn."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
    error_message = "The aliases need acm_certificate_arn: CloudFront serves an alternate domain name only with a certificate that covers it."
  }

  validation {
    condition     = alltrue([for alias in var.aliases : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", alias))])
    error_message = "Each of the aliases must be a lower-case fully qualified domain name such as \"api.example.com\" (or a wildcard \"*.example.com\")."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone ID; when set together with aliases, alias A and AAAA records pointing at the distribution are created for every alias."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudFront standard access logs are kept in the log bucket before they expire."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.log_retention_days >= 1 && floor(var.log_retention_days) == var.log_retention_days
    error_message = "The log_retention_days must be a whole number of at least 1: it is an S3 lifecycle expiration in days."
  }
}

variable "force_destroy" {
  description = "Whether destroy may delete the CloudFront log bucket while it holds logs (dev; keep false where logs are evidence)."
  type        = bool
  default     = false
  nullable    = false
}
