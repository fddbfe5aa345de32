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
    target = data.aws_region.current
    values = {
      region = "eu-west-1"
    }
  }

  override_data {
    target = data.aws_iam_session_context.applier
    values = {
      issuer_arn = "arn:aws:iam::123456789012:role/terraform"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.key
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.source
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.codebuild_assume
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.codebuild
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.events_assume
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  override_data {
    target = data.aws_iam_policy_document.events
    values = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::currency-api-dev-source-123456789012"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_codebuild_project" {
    defaults = {
      arn = "arn:aws:codebuild:eu-west-1:123456789012:project/currency-api-dev"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:123456789012:rule/currency-api-dev-source-uploaded"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/currency-api-dev-build"
    }
  }
}

variables {
  name                   = "currency-api-dev"
  ecr_repository_arn     = "arn:aws:ecr:eu-west-1:123456789012:repository/currency-api-dev"
  ecr_repository_url     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api-dev"
  cluster_name           = "currency-api-dev"
  service_name           = "currency-api-dev"
  task_definition_family = "currency-api-dev"
  task_role_arn          = "arn:aws:iam::123456789012:role/currency-api-dev-task"
  execution_role_arn     = "arn:aws:iam::123456789012:role/currency-api-dev-execution"
}

run "arm64_service_builds_on_arm64" {
  command = apply

  assert {
    condition     = aws_codebuild_project.this.environment[0].type == "ARM_CONTAINER" && aws_codebuild_project.this.environment[0].image == "aws/codebuild/amazonlinux-aarch64-standard:3.0"
    error_message = "An ARM64 service must be built on CodeBuild's ARM64 image."
  }

  assert {
    condition     = one([for v in aws_codebuild_project.this.environment[0].environment_variable : v.value if v.name == "TARGET_ARCH"]) == "arm64"
    error_message = "TARGET_ARCH must be arm64 for an ARM64 service."
  }
}

run "x86_service_builds_on_x86" {
  command = apply

  variables {
    cpu_architecture = "X86_64"
  }

  assert {
    condition     = aws_codebuild_project.this.environment[0].type == "LINUX_CONTAINER" && aws_codebuild_project.this.environment[0].image == "aws/codebuild/amazonlinux-x86_64-standard:5.0"
    error_message = "An X86_64 service must be built on CodeBuild's x86_64 image."
  }

  assert {
    condition     = one([for v in aws_codebuild_project.this.environment[0].environment_variable : v.value if v.name == "TARGET_ARCH"]) == "amd64"
    error_message = "TARGET_ARCH must be amd64 for an X86_64 service."
  }
}

run "build_gets_exactly_the_buildspec_contract" {
  command = apply

  variables {
    deploy_timeout_minutes = 25
    fail_on_severity       = "HIGH"
  }

  assert {
    condition = {
      for v in aws_codebuild_project.this.environment[0].environment_variable : v.name => v.value
      } == {
      REPOSITORY_URL   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api-dev"
      ECS_CLUSTER      = "currency-api-dev"
      ECS_SERVICE      = "currency-api-dev"
      CONTAINER_NAME   = "currency-api"
      IMAGE_PARAMETER  = "/currency-api-dev/image"
      TARGET_ARCH      = "arm64"
      DEPLOY_TIMEOUT   = "25m"
      FAIL_ON_SEVERITY = "HIGH"
      SOURCE_BUCKET    = "currency-api-dev-source-123456789012"
      SOURCE_KEY       = "source/currency-api.zip"
    }
    error_message = "The build environment must be exactly the variables buildspec.yml reads."
  }

  assert {
    condition     = alltrue([for v in aws_codebuild_project.this.environment[0].environment_variable : v.type == "PLAINTEXT"])
    error_message = "The build's variables are names and ARNs, not secrets."
  }
}

run "project_is_bounded_logged_and_encrypted" {
  command = apply

  assert {
    condition     = aws_codebuild_project.this.build_timeout == 75 && aws_codebuild_project.this.queued_timeout == 480
    error_message = "Builds must time out; a queued build (an upload waiting to deploy) waits as long as CodeBuild allows."
  }

  # At a concurrent build limit CodeBuild refuses StartBuild and EventBridge
  # does not retry that: an upload during a build would be lost.
  assert {
    condition     = aws_codebuild_project.this.concurrent_build_limit == null
    error_message = "The project must not limit concurrent builds: the deploy step serialises rollouts."
  }

  assert {
    condition     = aws_codebuild_project.this.source[0].type == "S3" && endswith(aws_codebuild_project.this.source[0].location, "/source/currency-api.zip")
    error_message = "The source is the bundle's key in the source bucket."
  }

  assert {
    condition     = aws_codebuild_project.this.source[0].buildspec == file("${path.module}/buildspec.yml") && startswith(aws_codebuild_project.this.source[0].buildspec, "#")
    error_message = "The buildspec is the module's own, inline (a file name would be read from the uploaded bundle)."
  }

  assert {
    condition     = aws_codebuild_project.this.logs_config[0].cloudwatch_logs[0].status == "ENABLED" && aws_codebuild_project.this.logs_config[0].s3_logs[0].status == "DISABLED"
    error_message = "Build logs go to the module's CloudWatch log group only."
  }

  assert {
    condition     = aws_cloudwatch_log_group.build.name == "/aws/codebuild/currency-api-dev" && aws_cloudwatch_log_group.build.retention_in_days == 30
    error_message = "The build log group must have a retention."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "The pipeline key must rotate."
  }
}

run "build_role_is_scoped_to_named_resources" {
  command = apply

  assert {
    condition = toset([
      for s in data.aws_iam_policy_document.codebuild.statement : s.sid if contains(s.resources, "*")
    ]) == toset(["RegistryToken", "TaskDefinitions"])
    error_message = "Only the registry token and the task-definition calls (no resource-level permissions) may use resource \"*\"."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.codebuild.statement : s.actions if s.sid == "RegistryToken"
    ]) == toset(["ecr:GetAuthorizationToken"])
    error_message = "The resource-\"*\" registry statement must hold ecr:GetAuthorizationToken alone."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.codebuild.statement : s.resources if s.sid == "PushToThisRepository"
    ]) == toset(["arn:aws:ecr:eu-west-1:123456789012:repository/currency-api-dev"])
    error_message = "Pushes must be limited to this repository."
  }

  assert {
    condition = length(setsubtract([
      "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
    ], one([for s in data.aws_iam_policy_document.codebuild.statement : s.actions if s.sid == "PushToThisRepository"]))) == 0
    error_message = "The push statement must hold every action of ECR's documented push policy, BatchGetImage included."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.codebuild.statement : s.resources if s.sid == "DeployThisService"
    ]) == toset(["arn:aws:ecs:eu-west-1:123456789012:service/currency-api-dev/currency-api-dev"])
    error_message = "Describe/UpdateService must be limited to this service."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.codebuild.statement : s.resources if s.sid == "PassTheTaskRoles"
      ]) == toset([
      "arn:aws:iam::123456789012:role/currency-api-dev-task",
      "arn:aws:iam::123456789012:role/currency-api-dev-execution",
    ])
    error_message = "PassRole must name the two task roles only."
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.codebuild.statement : [
        for c in s.condition : c.values if c.variable == "iam:PassedToService"
      ] if s.sid == "PassTheTaskRoles"
    ])) == toset(["ecs-tasks.amazonaws.com"])
    error_message = "PassRole must be conditioned on iam:PassedToService = ecs-tasks.amazonaws.com."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.codebuild.statement : s.resources if s.sid == "ReadSourceBundle"
    ]) == toset(["arn:aws:s3:::currency-api-dev-source-123456789012/source/currency-api.zip"])
    error_message = "The build may read the bundle's key only."
  }
}

run "eventbridge_starts_this_project_on_this_key_only" {
  command = apply

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.source.event_pattern)["detail-type"] == ["Object Created"] && jsondecode(aws_cloudwatch_event_rule.source.event_pattern).detail.object.key == ["source/currency-api.zip"]
    error_message = "Only an Object Created event for the bundle's key may start a build."
  }

  assert {
    condition = length(data.aws_iam_policy_document.events.statement) == 1 && alltrue([
      for s in data.aws_iam_policy_document.events.statement :
      s.actions == toset(["codebuild:StartBuild"]) && s.resources == toset(["arn:aws:codebuild:eu-west-1:123456789012:project/currency-api-dev"])
    ])
    error_message = "The EventBridge role may start this project and nothing else."
  }

  assert {
    condition     = aws_s3_bucket_notification.source.eventbridge == true
    error_message = "The bucket must send its events to EventBridge."
  }

  assert {
    condition = (
      length(aws_cloudwatch_event_target.build.input_transformer[0].input_paths) == 1 &&
      aws_cloudwatch_event_target.build.input_transformer[0].input_paths["version"] == "$.detail.object.version-id" &&
      jsondecode(replace(aws_cloudwatch_event_target.build.input_transformer[0].input_template, "<version>", "\"3HL4kqtJlcpXroDTDmJ\"")) == { sourceVersion = "3HL4kqtJlcpXroDTDmJ" }
    )
    error_message = "Each build must be pinned to the uploaded object version (StartBuild sourceVersion), so every upload builds what was uploaded."
  }
}

run "source_bucket_is_private_versioned_and_cmk_encrypted" {
  command = apply

  assert {
    condition     = aws_s3_bucket.source.bucket == "currency-api-dev-source-123456789012"
    error_message = "The bucket name carries the account id (bucket names are global)."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.source.block_public_acls &&
      aws_s3_bucket_public_access_block.source.block_public_policy &&
      aws_s3_bucket_public_access_block.source.ignore_public_acls &&
      aws_s3_bucket_public_access_block.source.restrict_public_buckets
    )
    error_message = "All four public access block flags must be on."
  }

  assert {
    condition     = aws_s3_bucket_versioning.source.versioning_configuration[0].status == "Enabled"
    error_message = "Bundles must be versioned."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.source.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "Bundles must be encrypted with the pipeline's KMS key."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.source.rule).noncurrent_version_expiration).noncurrent_days == 90
    error_message = "Superseded bundles must expire."
  }

  assert {
    condition = toset(one([
      for s in data.aws_iam_policy_document.source.statement : [
        for c in s.condition : c.values if c.variable == "aws:PrincipalArn" && c.test == "ArnNotEquals"
      ][0] if s.sid == "OnlyReleasePrincipalsWriteBundles" && s.effect == "Deny" && contains(s.actions, "s3:PutObject")
    ])) == toset(["arn:aws:iam::123456789012:role/terraform"])
    error_message = "By default only the identity that applies Terraform may upload a bundle: everyone else is denied s3:PutObject."
  }
}

run "release_principals_may_upload_besides_the_applier" {
  command = apply

  variables {
    release_principal_arns = ["arn:aws:iam::123456789012:role/ci-release", "arn:aws:iam::123456789012:role/terraform"]
  }

  assert {
    condition = toset(flatten([
      for s in data.aws_iam_policy_document.source.statement : [
        for c in s.condition : c.values if c.variable == "aws:PrincipalArn"
      ] if s.sid == "OnlyReleasePrincipalsWriteBundles"
    ])) == toset(["arn:aws:iam::123456789012:role/terraform", "arn:aws:iam::123456789012:role/ci-release"])
    error_message = "The release principals and the applier, each once, are the only ones not denied an upload."
  }
}

run "image_parameter_starts_at_a_reference_that_cannot_run" {
  command = apply

  assert {
    condition     = aws_ssm_parameter.image.type == "String" && aws_ssm_parameter.image.name == "/currency-api-dev/image"
    error_message = "The image parameter must be a plain String named after the environment."
  }

  assert {
    condition     = aws_ssm_parameter.image.insecure_value == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/currency-api-dev:awaiting-first-build"
    error_message = "Before the first build the service must point at a tag that does not exist, never at a placeholder image."
  }

  assert {
    condition     = output.image == aws_ssm_parameter.image.insecure_value
    error_message = "The image output must be the parameter's value."
  }
}

run "no_bootstrap_bundle_uploads_nothing" {
  command = apply

  assert {
    condition     = length(aws_s3_object.bootstrap) == 0
    error_message = "Without bootstrap_bundle nothing is uploaded."
  }
}

run "bootstrap_bundle_is_uploaded_to_the_trigger_key" {
  command = apply

  variables {
    bootstrap_bundle = "dist/currency-api-source.zip"
  }

  assert {
    condition     = aws_s3_object.bootstrap[0].key == "source/currency-api.zip" && aws_s3_object.bootstrap[0].source == "dist/currency-api-source.zip"
    error_message = "The bootstrap bundle must go to the key that starts a build."
  }
}

run "alarms_notify_the_given_topics" {
  command = apply

  variables {
    alarm_topic_arns = ["arn:aws:sns:eu-west-1:123456789012:currency-api-dev-alarms"]
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.build_failed.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:currency-api-dev-alarms"]) &&
      aws_cloudwatch_metric_alarm.start_failed.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:currency-api-dev-alarms"])
    )
    error_message = "Failed builds and failed starts must notify the alarm topics."
  }
}

run "apply_with_mocks" {
  variables {
    bootstrap_bundle = "dist/currency-api-source.zip"
  }

  assert {
    condition     = output.source_bucket == "currency-api-dev-source-123456789012" && output.source_key == "source/currency-api.zip"
    error_message = "The outputs must name the bucket and key make release uploads to."
  }
}

run "enhanced_scanning_lets_the_gate_read_inspector_findings" {
  command = apply

  variables {
    enhanced_scanning = true
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.codebuild.statement : s.actions if s.sid == "ReadEnhancedScanFindings"
    ]) == toset(["inspector2:ListCoverage", "inspector2:ListFindings"])
    error_message = "With enhanced scanning the build role must read Inspector's coverage and findings (ECR reads them as the caller)."
  }
}

run "basic_scanning_grants_no_inspector_access" {
  command = apply

  assert {
    condition     = length([for s in data.aws_iam_policy_document.codebuild.statement : s if s.sid == "ReadEnhancedScanFindings"]) == 0
    error_message = "Without enhanced scanning the build role has no Inspector access."
  }
}
