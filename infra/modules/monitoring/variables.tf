variable "name" {
  description = "Name prefix for every resource of this module, e.g. \"currency-api-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name must be 2-31 characters of lower-case letters, digits and hyphens, starting with a letter: it prefixes alarm, topic and dashboard names."
  }
}

variable "alarm_email" {
  description = "E-mail address subscribed to both alarm topics (each sends a confirmation mail); null for no subscription."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "The alarm_email must look like an e-mail address (local@domain.tld) or be null."
  }
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the ALB (app/<name>/<id>), the LoadBalancer dimension of AWS/ApplicationELB metrics."
  type        = string

  validation {
    condition     = can(regex("^app/[A-Za-z0-9-]+/[0-9a-f]+$", var.alb_arn_suffix))
    error_message = "The alb_arn_suffix must be an Application Load Balancer ARN suffix such as app/currency-api-dev/0123456789abcdef (aws_lb.arn_suffix), not a full ARN."
  }
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the service's target group (targetgroup/<name>/<id>), the TargetGroup dimension of AWS/ApplicationELB metrics."
  type        = string

  validation {
    condition     = can(regex("^targetgroup/[A-Za-z0-9-]+/[0-9a-f]+$", var.target_group_arn_suffix))
    error_message = "The target_group_arn_suffix must be a target group ARN suffix such as targetgroup/currency-api-dev/0123456789abcdef (aws_lb_target_group.arn_suffix), not a full ARN."
  }
}

variable "cluster_name" {
  description = "Name of the ECS cluster (ClusterName dimension)."
  type        = string
}

variable "service_name" {
  description = "Name of the ECS service (ServiceName dimension)."
  type        = string
}

variable "distribution_id" {
  description = "ID of the CloudFront distribution (DistributionId dimension; its metrics live in us-east-1)."
  type        = string

  validation {
    condition     = can(regex("^[A-Z0-9]+$", var.distribution_id))
    error_message = "The distribution_id must be a CloudFront distribution ID (upper-case letters and digits, e.g. E1ABCDEF2GHIJK), not its ARN or domain name."
  }
}

variable "log_group_name" {
  description = "CloudWatch Logs group of the service's containers, queried by the dashboard's log widget."
  type        = string
}

variable "thresholds" {
  description = "Alarm thresholds: 5xx counts per minute (target and ELB), unhealthy hosts (alarm when above), p99 target response time in seconds, ECS CPU and memory in percent, CloudFront 5xx error rate in percent."
  type = object({
    target_5xx_count            = optional(number, 5)
    elb_5xx_count               = optional(number, 5)
    unhealthy_hosts             = optional(number, 0)
    p99_response_time_seconds   = optional(number, 1)
    cpu_percent                 = optional(number, 80)
    memory_percent              = optional(number, 80)
    cloudfront_5xx_rate_percent = optional(number, 5)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for count in [var.thresholds.target_5xx_count, var.thresholds.elb_5xx_count, var.thresholds.unhealthy_hosts] :
      count >= 0 && floor(count) == count
    ])
    error_message = "The thresholds target_5xx_count, elb_5xx_count and unhealthy_hosts must be whole numbers of at least 0: they are counts."
  }

  validation {
    condition     = var.thresholds.p99_response_time_seconds > 0 && var.thresholds.p99_response_time_seconds <= 60
    error_message = "The thresholds.p99_response_time_seconds must be above 0 and at most 60 (the ALB's default idle timeout): it is a latency in seconds."
  }

  validation {
    condition = alltrue([
      for percent in [var.thresholds.cpu_percent, var.thresholds.memory_percent, var.thresholds.cloudfront_5xx_rate_percent] :
      percent > 0 && percent <= 100
    ])
    error_message = "The thresholds cpu_percent, memory_percent and cloudfront_5xx_rate_percent must be above 0 and at most 100: they are percentages."
  }
}

variable "min_healthy_hosts" {
  description = "Fewest healthy targets the service should have (its autoscaling minimum): the healthy-hosts alarm fires below it, including when there are no targets at all."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.min_healthy_hosts >= 1 && floor(var.min_healthy_hosts) == var.min_healthy_hosts
    error_message = "min_healthy_hosts must be a whole number of at least 1: a service with no healthy target serves nothing."
  }
}
