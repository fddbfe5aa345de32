mock_provider "aws" {
  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:role/terraform"
      user_id    = "AROAEXAMPLE"
    }
  }

  override_data {
    target = data.aws_partition.current
    values = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.key
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AccountRootAdministersKey\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.repository
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowedPulls\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/exec\"},\"Action\":\"ecr:BatchGetImage\"}]}"
    }
  }
}

variables {
  name = "currency-api-dev"
}

run "repository_is_immutable_scanned_and_cmk_encrypted" {
  command = apply

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable."
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push == true
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS"
    error_message = "The repository must be encrypted with KMS."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "The customer-managed key must rotate."
  }

  assert {
    condition     = aws_ecr_repository.this.force_delete == false
    error_message = "force_delete must default to false."
  }
}

run "basic_scanning_by_default" {
  command = apply

  assert {
    condition     = length(aws_ecr_registry_scanning_configuration.this) == 0 && output.enhanced_scanning == false
    error_message = "The registry's scanning setting is account-wide: the module leaves it alone unless asked."
  }
}

run "enhanced_scanning_covers_this_repository_continuously" {
  command = apply

  variables {
    enhanced_scanning = true
  }

  assert {
    condition = (
      aws_ecr_registry_scanning_configuration.this[0].scan_type == "ENHANCED" &&
      one(aws_ecr_registry_scanning_configuration.this[0].rule).scan_frequency == "CONTINUOUS_SCAN" &&
      one(one(aws_ecr_registry_scanning_configuration.this[0].rule).repository_filter).filter == "currency-api-dev" &&
      output.enhanced_scanning == true
    )
    error_message = "Enhanced scanning must cover this repository, continuously (new CVEs in an image already deployed)."
  }
}

run "key_policy_is_account_root_without_wildcard" {
  command = apply

  assert {
    condition     = length(data.aws_iam_policy_document.key.statement) == 1
    error_message = "The key policy has exactly one statement, the account root's."
  }

  assert {
    condition     = toset(one(data.aws_iam_policy_document.key.statement[0].principals).identifiers) == toset(["arn:aws:iam::123456789012:root"])
    error_message = "The key policy's principal must be the account root."
  }

  assert {
    condition     = contains(data.aws_iam_policy_document.key.statement[0].actions, "kms:PutKeyPolicy")
    error_message = "The account root must keep kms:PutKeyPolicy, or the key could become unmanageable."
  }

  assert {
    condition     = alltrue([for a in data.aws_iam_policy_document.key.statement[0].actions : a != "*" && !endswith(a, ":*")])
    error_message = "No wildcard action in the key policy."
  }
}

run "lifecycle_expires_untagged_and_keeps_n_releases" {
  command = apply

  variables {
    keep_releases        = 12
    untagged_expire_days = 3
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[0].selection == { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 3 }
    error_message = "Rule 1 must expire untagged images after untagged_expire_days."
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection == { tagStatus = "tagged", tagPatternList = ["*"], countType = "imageCountMoreThan", countNumber = 12 }
    error_message = "Rule 2 must keep the last keep_releases tagged images, any tag."
  }

  assert {
    condition     = alltrue([for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.action.type == "expire"])
    error_message = "Every lifecycle rule expires."
  }
}

run "no_principals_no_repository_policy" {
  command = apply

  assert {
    condition     = length(aws_ecr_repository_policy.this) == 0
    error_message = "Without principals there is no repository policy (an empty one is invalid)."
  }
}

run "push_principals_only_may_push" {
  command = apply

  variables {
    push_principal_arns = ["arn:aws:iam::123456789012:role/pipeline"]
    pull_principal_arns = ["arn:aws:iam::123456789012:role/currency-api-dev-execution"]
  }

  assert {
    condition     = length(aws_ecr_repository_policy.this) == 1
    error_message = "With principals there is a repository policy."
  }

  assert {
    condition = [for s in data.aws_iam_policy_document.repository.statement : s.sid] == [
      "PipelinePushes", "OnlyPipelinePushes", "AllowedPulls",
    ]
    error_message = "The repository policy holds the push allow, the push deny and the pull allow."
  }

  assert {
    condition = toset(data.aws_iam_policy_document.repository.statement[0].actions) == toset([
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
    ])
    error_message = "The push allow is the ECR User Guide's push set, BatchGetImage included."
  }

  assert {
    condition = (
      data.aws_iam_policy_document.repository.statement[1].effect == "Deny" &&
      toset(one(data.aws_iam_policy_document.repository.statement[1].principals).identifiers) == toset(["*"]) &&
      toset(data.aws_iam_policy_document.repository.statement[1].actions) == toset(["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]) &&
      one(data.aws_iam_policy_document.repository.statement[1].condition).test == "ArnNotEquals" &&
      one(data.aws_iam_policy_document.repository.statement[1].condition).variable == "aws:PrincipalArn" &&
      toset(one(data.aws_iam_policy_document.repository.statement[1].condition).values) == toset(["arn:aws:iam::123456789012:role/pipeline"])
    )
    error_message = "Every principal but the push principals is denied the push actions, and only those."
  }

  assert {
    condition = alltrue([
      for a in data.aws_iam_policy_document.repository.statement[1].actions :
      !contains(["ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:BatchDeleteImage", "ecr:DeleteRepository"], a)
    ])
    error_message = "The deny must leave administrators' emergency actions alone."
  }

  assert {
    condition = (
      toset(data.aws_iam_policy_document.repository.statement[2].actions) == toset(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]) &&
      toset(one(data.aws_iam_policy_document.repository.statement[2].principals).identifiers) == toset(["arn:aws:iam::123456789012:role/currency-api-dev-execution"])
    )
    error_message = "Pull principals get exactly the three pull actions."
  }
}

run "pull_only_has_no_push_statements" {
  command = apply

  variables {
    pull_principal_arns = ["arn:aws:iam::123456789012:role/currency-api-dev-execution"]
  }

  assert {
    condition     = [for s in data.aws_iam_policy_document.repository.statement : s.sid] == ["AllowedPulls"]
    error_message = "Without push principals the policy only allows pulls."
  }
}

run "apply_with_mocks" {
  command = apply

  variables {
    push_principal_arns = ["arn:aws:iam::123456789012:role/pipeline"]
    pull_principal_arns = ["arn:aws:iam::123456789012:role/currency-api-dev-execution"]
    force_delete        = true
  }

  assert {
    condition     = output.repository_name == "currency-api-dev"
    error_message = "The repository is named after name."
  }

  assert {
    condition     = output.kms_key_arn == aws_kms_key.this.arn && aws_ecr_repository.this.encryption_configuration[0].kms_key == aws_kms_key.this.arn
    error_message = "The repository uses the module's key, and the output names it."
  }
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "Currency_API"
  }

  expect_failures = [var.name]
}

run "rejects_zero_keep_releases" {
  command = plan

  variables {
    keep_releases = 0
  }

  expect_failures = [var.keep_releases]
}

run "rejects_zero_untagged_expire_days" {
  command = plan

  variables {
    untagged_expire_days = 0
  }

  expect_failures = [var.untagged_expire_days]
}

run "rejects_non_iam_push_principal" {
  command = plan

  variables {
    push_principal_arns = ["pipeline"]
  }

  expect_failures = [var.push_principal_arns]
}

run "rejects_non_iam_pull_principal" {
  command = plan

  variables {
    pull_principal_arns = ["arn:aws:ecs:eu-west-1:123456789012:cluster/x"]
  }

  expect_failures = [var.pull_principal_arns]
}
