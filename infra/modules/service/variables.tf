variable "name" {
  description = "Name prefix of every resource (cluster, service, ALB, roles, log group), e.g. \"currency-api-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}[a-z0-9]$", var.name))
    error_message = "name must be 2-31 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen: it names the ALB and target group (32 characters at most) and an S3 bucket."
  }
}

variable "vpc_id" {
  description = "ID of the VPC holding the private subnets."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID (vpc-...)."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets (no route from the internet) for the internal ALB and the tasks, one per Availability Zone."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "private_subnet_ids must list at least 2 subnets: an ALB needs two Availability Zones."
  }

  validation {
    condition     = alltrue([for id in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "private_subnet_ids must hold subnet IDs (subnet-...)."
  }
}

variable "image" {
  description = "Full image reference: the ECR repository URL plus :<tag> or @sha256:<digest>."
  type        = string

  validation {
    condition     = trimspace(var.image) != ""
    error_message = "image must not be empty."
  }

  validation {
    condition     = !endswith(var.image, ":latest")
    error_message = "image must not use the :latest tag: a deployment must name an immutable release."
  }

  validation {
    condition     = can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", element(split("/", var.image), length(split("/", var.image)) - 1)))
    error_message = "image must end with :<tag> or @sha256:<digest>; an untagged reference means :latest."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository holding the image; the execution role may pull from it only."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN (arn:<partition>:ecr:<region>:<account>:repository/<name>)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks: \"ARM64\" (Graviton, cheaper) or \"X86_64\". The image must be built for it."
  type        = string
  default     = "ARM64"
  nullable    = false

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be \"ARM64\" or \"X86_64\", the architectures Fargate runs."
  }
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory in MiB; must be a valid Fargate combination with cpu (256: 512-2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720)."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition = contains(lookup({
      "256"   = [512, 1024, 2048]
      "512"   = range(1024, 4097, 1024)
      "1024"  = range(2048, 8193, 1024)
      "2048"  = range(4096, 16385, 1024)
      "4096"  = range(8192, 30721, 1024)
      "8192"  = range(16384, 61441, 4096)
      "16384" = range(32768, 122881, 8192)
    }, tostring(var.cpu), []), var.memory)
    error_message = "memory must be a Fargate memory size for the chosen cpu: 256 -> 512/1024/2048; 512 -> 1024-4096; 1024 -> 2048-8192; 2048 -> 4096-16384; 4096 -> 8192-30720 (steps of 1024); 8192 -> 16384-61440 (steps of 4096); 16384 -> 32768-122880 (steps of 8192)."
  }
}

variable "desired_count" {
  description = "Number of tasks at creation; afterwards autoscaling owns it (changes are ignored)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.min_capacity <= var.desired_count && var.desired_count <= var.max_capacity
    error_message = "desired_count must lie between min_capacity and max_capacity."
  }
}

variable "min_capacity" {
  description = "Fewest tasks autoscaling keeps."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.min_capacity >= 1 && floor(var.min_capacity) == var.min_capacity
    error_message = "min_capacity must be a whole number >= 1: target tracking cannot scale out from zero tasks."
  }
}

variable "max_capacity" {
  description = "Most tasks autoscaling may run."
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.max_capacity >= var.min_capacity && floor(var.max_capacity) == var.max_capacity
    error_message = "max_capacity must be a whole number >= min_capacity."
  }
}

variable "fargate_spot_weight" {
  description = "Weight of FARGATE_SPOT in the capacity provider strategy (FARGATE has weight 1 and base 1); 0 runs on-demand only. X86_64 only."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.fargate_spot_weight >= 0 && var.fargate_spot_weight <= 1000 && floor(var.fargate_spot_weight) == var.fargate_spot_weight
    error_message = "fargate_spot_weight must be a whole number from 0 to 1000 (the capacity provider weight range)."
  }

  validation {
    condition     = var.fargate_spot_weight == 0 || var.cpu_architecture == "X86_64"
    error_message = "fargate_spot_weight > 0 requires cpu_architecture = \"X86_64\": Fargate Spot does not run ARM64 tasks."
  }
}

variable "cpu_target_percent" {
  description = "Average service CPU utilisation that target tracking keeps."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90: below wastes tasks, above leaves no headroom for a scale-out."
  }
}

variable "requests_per_target" {
  description = "ALB requests per task per minute that target tracking keeps (ALBRequestCountPerTarget)."
  type        = number
  default     = 1000
  nullable    = false

  validation {
    condition     = var.requests_per_target >= 1
    error_message = "requests_per_target must be >= 1."
  }
}

variable "log_retention_days" {
  description = "Retention of the container log group, in days."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); never-expire is not offered."
  }
}

variable "deletion_protection" {
  description = "Whether the ALB has deletion protection (prod: true)."
  type        = bool
  default     = false
  nullable    = false
}

variable "access_logs_retention_days" {
  description = "Days after which ALB access log objects (and their noncurrent versions) expire."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.access_logs_retention_days >= 1 && floor(var.access_logs_retention_days) == var.access_logs_retention_days
    error_message = "access_logs_retention_days must be a whole number >= 1."
  }
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL; must exceed the app's 20 s drain bound (SHUTDOWN_TIMEOUT)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.stop_timeout >= 25 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 25 and 120 seconds: above the app's 20 s drain bound with a margin, and at most Fargate's 120 s."
  }
}

variable "container_environment" {
  description = "Non-secret environment variables of the container (e.g. RATES_PROVIDER, LOG_LEVEL). PORT is set by the module."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.container_environment) : can(regex("^[A-Z_][A-Z0-9_]*$", k))])
    error_message = "container_environment keys must look like environment variable names: upper-case letters, digits and underscores, not starting with a digit."
  }

  validation {
    condition     = !contains(keys(var.container_environment), "PORT")
    error_message = "container_environment must not set PORT: the module sets PORT=8080 to match the target group and security groups."
  }
}

variable "network_dependency_ids" {
  description = "IDs of network resources the ECS service must wait for before its first tasks start, e.g. the VPC endpoints its tasks pull images and ship logs through. Only the service waits: the rest of the module plans and applies independently of them."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.network_dependency_ids : can(regex("^[a-z]+-[0-9a-f]+$", id))])
    error_message = "network_dependency_ids must hold AWS resource IDs such as vpce-0123456789abcdef0."
  }
}

variable "deployment_alarms" {
  description = "Thresholds of the alarms ECS watches during a deployment and rolls it back on: the target group's 5xx rate in percent, and its p99 response time in seconds, each breached in 2 of 3 minutes."
  type = object({
    target_5xx_rate_percent = optional(number, 5)
    p99_latency_seconds     = optional(number, 2)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.deployment_alarms.target_5xx_rate_percent > 0 && var.deployment_alarms.target_5xx_rate_percent <= 100
    error_message = "deployment_alarms.target_5xx_rate_percent must be above 0 and at most 100: it is a percentage of requests."
  }

  validation {
    condition     = var.deployment_alarms.p99_latency_seconds > 0 && var.deployment_alarms.p99_latency_seconds <= 60
    error_message = "deployment_alarms.p99_latency_seconds must be above 0 and at most 60 (the ALB's idle timeout): it is a latency in seconds."
  }
}

variable "listener_client_security_group_ids" {
  description = "Security groups in the VPC admitted to the ALB's listener port besides CloudFront's origin-facing servers, keyed by what they belong to (e.g. { origin-secret-rotation = ... }, whose probes check the secret-header rule). The listener still forwards only requests with the secret header. Keys must be known at plan; values may be computed."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.listener_client_security_group_ids) : can(regex("^[a-z][a-z0-9-]{0,62}$", k))])
    error_message = "Each key of listener_client_security_group_ids must be 1-63 lower-case letters, digits and hyphens starting with a letter: it names the client in the security group rule's description."
  }

  validation {
    condition     = alltrue([for id in values(var.listener_client_security_group_ids) : can(regex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", id))])
    error_message = "Each value of listener_client_security_group_ids must be a security group ID (sg- and 8 or 17 hex digits): a rule that references anything else admits nothing, or fails at apply."
  }
}
