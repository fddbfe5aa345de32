variable "name" {
  description = "Name of the environment's service, e.g. \"currency-api-dev\": it names the CodeBuild project, the source bucket (with the account id), the log group, the image parameter and the KMS alias."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}[a-z0-9]$", var.name))
    error_message = "name must be 2-31 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen, because it names an S3 bucket (with the account id appended) and a CodeBuild project."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository the build pushes to; the build role may push to this repository only."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN (arn:<partition>:ecr:<region>:<account>:repository/<name>)."
  }
}

variable "ecr_repository_url" {
  description = "URL of that repository (<account>.dkr.ecr.<region>.amazonaws.com/<name>), without a tag."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+$", var.ecr_repository_url))
    error_message = "ecr_repository_url must be an ECR repository URL without tag or digest, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/currency-api-dev."
  }
}

variable "cluster_name" {
  description = "Name of the ECS cluster running the service the build deploys to."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.cluster_name))
    error_message = "cluster_name must be an ECS cluster name: 1-255 letters, digits, hyphens and underscores."
  }
}

variable "service_name" {
  description = "Name of the ECS service the build deploys to; the build role may describe and update this service only."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.service_name))
    error_message = "service_name must be an ECS service name: 1-255 letters, digits, hyphens and underscores."
  }
}

variable "task_definition_family" {
  description = "Family of the service's task definition: the deploy step registers new revisions of it and may tag only that family."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.task_definition_family))
    error_message = "task_definition_family must be a task definition family: 1-255 letters, digits, hyphens and underscores."
  }
}

variable "container_name" {
  description = "Name of the container whose image the deploy step replaces."
  type        = string
  default     = "currency-api"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.container_name))
    error_message = "container_name must be a container name: 1-255 letters, digits, hyphens and underscores."
  }
}

variable "task_role_arn" {
  description = "ARN of the service's task role: the only task role the build may pass to ECS."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)."
  }
}

variable "execution_role_arn" {
  description = "ARN of the service's task execution role: the only execution role the build may pass to ECS."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the service's tasks, \"ARM64\" or \"X86_64\": the build runs on the same architecture, so the image is built natively."
  type        = string
  default     = "ARM64"
  nullable    = false

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be \"ARM64\" or \"X86_64\", the values ECS accepts for runtime_platform.cpu_architecture."
  }
}

variable "compute_type" {
  description = "CodeBuild compute type. BUILD_GENERAL1_MEDIUM (4 vCPU, 7 GiB on x86; 4 vCPU, 8 GiB on ARM) runs the Go tests and the image build in a few minutes."
  type        = string
  default     = "BUILD_GENERAL1_MEDIUM"
  nullable    = false

  validation {
    condition     = contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"], var.compute_type)
    error_message = "compute_type must be one of BUILD_GENERAL1_SMALL, _MEDIUM, _LARGE, _XLARGE, _2XLARGE (container builds; Lambda compute cannot run Docker)."
  }
}

variable "build_timeout_minutes" {
  description = "Minutes after which CodeBuild stops a build: tests, govulncheck, image build, the scan wait (up to 10), the wait for another build's rollout and this build's own rollout (each up to deploy_timeout_minutes). The default fits the defaults: about 10 + 10 + 2 × 20 + slack."
  type        = number
  default     = 75
  nullable    = false

  validation {
    condition     = var.build_timeout_minutes >= 15 && var.build_timeout_minutes <= 480 && floor(var.build_timeout_minutes) == var.build_timeout_minutes
    error_message = "build_timeout_minutes must be a whole number from 15 to 480: below 15 the deploy step's rollout wait cannot fit, 480 is CodeBuild's maximum."
  }
}

variable "deploy_timeout_minutes" {
  description = "Minutes the deploy step waits for the rollout to complete (or the circuit breaker to roll back) before it fails the build."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.deploy_timeout_minutes >= 5 && floor(var.deploy_timeout_minutes) == var.deploy_timeout_minutes
    error_message = "deploy_timeout_minutes must be a whole number >= 5: a rolling deployment needs minutes (start, health checks, deregistration delay)."
  }
}

variable "fail_on_severity" {
  description = "Lowest ECR scan-on-push severity that stops a deploy: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, or NONE to deploy whatever the scan finds."
  type        = string
  default     = "CRITICAL"
  nullable    = false

  validation {
    condition     = contains(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "NONE"], var.fail_on_severity)
    error_message = "fail_on_severity must be CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL or NONE."
  }
}

variable "source_key" {
  description = "Key of the source bundle in the source bucket; an upload to this key (and only this key) starts a build."
  type        = string
  default     = "source/currency-api.zip"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]+\\.zip$", var.source_key)) && !startswith(var.source_key, "/")
    error_message = "source_key must be an S3 key of safe characters, not starting with \"/\", ending in .zip (CodeBuild unpacks an S3 source that is a zip)."
  }
}

variable "bootstrap_bundle" {
  description = "Path of a source bundle (built by `make bundle`) that Terraform uploads once, when it creates the bucket, so that a fresh environment builds and deploys the real service without a second step. Later uploads are `make release`'s: Terraform ignores the object after creating it. null: upload nothing."
  type        = string
  default     = null

  validation {
    condition     = var.bootstrap_bundle == null || endswith(coalesce(var.bootstrap_bundle, "-"), ".zip")
    error_message = "bootstrap_bundle must be null or the path of a .zip built by `make bundle`."
  }
}

variable "noncurrent_version_days" {
  description = "Days an older source bundle is kept after a newer one replaces it (to rebuild or audit a past release)."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.noncurrent_version_days >= 1 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number >= 1."
  }
}

variable "log_retention_days" {
  description = "Retention of the build log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "alarm_topic_arns" {
  description = "SNS topics notified when a build fails or EventBridge cannot start one."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.alarm_topic_arns : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", arn))])
    error_message = "alarm_topic_arns must hold SNS topic ARNs (arn:<partition>:sns:<region>:<account>:<name>)."
  }
}

variable "force_destroy" {
  description = "Whether destroy may delete the source bucket while it holds bundles (dev only)."
  type        = bool
  default     = false
  nullable    = false
}

variable "release_principal_arns" {
  description = "IAM roles or users (ARNs) that may upload a source bundle, and so release, besides the identity that applies Terraform, which always may. The bucket policy denies s3:PutObject and deletes to everyone else, whatever their IAM policies allow."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.release_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "release_principal_arns must hold IAM role or user ARNs (arn:<partition>:iam::<account>:role/<name> or :user/<name>): aws:PrincipalArn of a role session is its role's ARN, so session (assumed-role) ARNs would never match."
  }
}

variable "enhanced_scanning" {
  description = "Whether the repository has ECR enhanced scanning (the ecr module's output of that name): the build role then may read Amazon Inspector's findings, which the scan gate needs."
  type        = bool
  default     = false
  nullable    = false
}
