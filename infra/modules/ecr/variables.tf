variable "name" {
  description = "Name of the repository and prefix of its KMS key alias, e.g. \"currency-api\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}[a-z0-9]$", var.name))
    error_message = "name must be 2-31 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen, because it names the repository and the KMS alias."
  }
}

variable "keep_releases" {
  description = "How many tagged images (releases) the lifecycle policy keeps; older tagged images expire."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.keep_releases >= 1 && floor(var.keep_releases) == var.keep_releases
    error_message = "keep_releases must be a whole number >= 1: keeping no release would expire the image the service runs."
  }
}

variable "untagged_expire_days" {
  description = "Days after which untagged images (superseded layers of failed or re-run pushes) expire."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.untagged_expire_days >= 1 && floor(var.untagged_expire_days) == var.untagged_expire_days
    error_message = "untagged_expire_days must be a whole number >= 1, the smallest period an ECR lifecycle rule accepts."
  }
}

variable "push_principal_arns" {
  description = "IAM principal ARNs (the build pipeline's role) that may push. When set, the repository policy denies push to every other principal. Empty: push is governed by IAM policies alone."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.push_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "push_principal_arns must hold IAM role or user ARNs (arn:<partition>:iam::<account>:role/... or :user/...), because the deny-other-pushers condition compares aws:PrincipalArn against them."
  }
}

variable "pull_principal_arns" {
  description = "IAM principal ARNs allowed to pull through the repository policy, e.g. the ECS task execution role."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.pull_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user|root)(/.+)?$", arn))])
    error_message = "pull_principal_arns must hold IAM role, user or account-root ARNs, the principals an ECR repository policy accepts."
  }
}

variable "force_delete" {
  description = "Whether destroy may delete the repository while it still holds images (dev only; keep false in prod)."
  type        = bool
  default     = false
  nullable    = false
}

variable "enhanced_scanning" {
  description = "Turn on ECR enhanced scanning (Amazon Inspector, continuous) for this repository: it finds vulnerable Go modules in the image, which basic scanning cannot. Registry-wide setting: enable it in at most one environment per account and region. Costs per image scanned (infra/README.md)."
  type        = bool
  default     = false
  nullable    = false
}
