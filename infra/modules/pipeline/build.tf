locals {
  arm64 = var.cpu_architecture == "ARM64"

  # CodeBuild's Amazon Linux 2023 standard images. The build's Go comes from
  # GOTOOLCHAIN in buildspec.yml, so the image's own Go version does not matter.
  build_image = local.arm64 ? "aws/codebuild/amazonlinux-aarch64-standard:3.0" : "aws/codebuild/amazonlinux-x86_64-standard:5.0"

  service_arn     = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${var.cluster_name}/${var.service_name}"
  task_family_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.task_definition_family}:*"

  # What buildspec.yml reads (infra/policy checks the two agree).
  build_environment = {
    REPOSITORY_URL   = var.ecr_repository_url
    ECS_CLUSTER      = var.cluster_name
    ECS_SERVICE      = var.service_name
    CONTAINER_NAME   = var.container_name
    IMAGE_PARAMETER  = aws_ssm_parameter.image.name
    TARGET_ARCH      = local.arm64 ? "arm64" : "amd64"
    DEPLOY_TIMEOUT   = "${var.deploy_timeout_minutes}m"
    FAIL_ON_SEVERITY = var.fail_on_severity
    SOURCE_BUCKET    = aws_s3_bucket.source.bucket
    SOURCE_KEY       = var.source_key
  }
}

resource "aws_cloudwatch_log_group" "build" {
  name              = local.build_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}

# --- Build role -------------------------------------------------------------------

data "aws_iam_policy_document" "codebuild_assume" {
  statement {
    sid     = "CodeBuildAssumesForThisProjectOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }

    # Confused-deputy guard: only this account's project of this name.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:codebuild:${local.region}:${local.account_id}:project/${var.name}"]
    }
  }
}

resource "aws_iam_role" "codebuild" {
  name               = "${var.name}-build"
  description        = "CodeBuild role of ${var.name}: read the source bundle, push this repository's images, deploy this service"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
}

# Every statement names its resources; the two with "*" hold only actions
# that have no resource-level permissions (IAM Service Authorization
# Reference). The deploy step's own list of calls is in cmd/deploy's doc.
data "aws_iam_policy_document" "codebuild" {
  statement {
    sid       = "BuildLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.build_log_group_arn, "${local.build_log_group_arn}:log-stream:*"]
  }

  statement {
    sid       = "ReadSourceBundle"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.source.arn}/${var.source_key}"]
  }

  statement {
    sid       = "LocateSourceBucket"
    effect    = "Allow"
    actions   = ["s3:GetBucketAcl", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.source.arn]
  }

  statement {
    sid       = "UsePipelineKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }

  statement {
    sid       = "RegistryToken"
    effect    = "Allow"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"] # the token is account-wide: the action has no resource
  }

  statement {
    sid    = "PushToThisRepository"
    effect = "Allow"
    actions = [
      # The push set of the ECR User Guide ("Pushing an image": IAM
      # permissions, https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html):
      # BatchGetImage is in it, since a push reads the manifest back.
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImageScanFindings",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }

  # With enhanced scanning ECR answers DescribeImageScanFindings from Amazon
  # Inspector, as the caller: the caller needs Inspector's read actions, which
  # have no resource-level permissions
  # (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html).
  dynamic "statement" {
    for_each = var.enhanced_scanning ? [1] : []

    content {
      sid       = "ReadEnhancedScanFindings"
      effect    = "Allow"
      actions   = ["inspector2:ListCoverage", "inspector2:ListFindings"]
      resources = ["*"]
    }
  }

  statement {
    sid       = "TaskDefinitions"
    effect    = "Allow"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"] # ECS has no resource-level permissions for these; PassRole below bounds what a registration can use
  }

  statement {
    sid       = "TagOwnRevisions"
    effect    = "Allow"
    actions   = ["ecs:TagResource"]
    resources = [local.task_family_arn]

    # Only as part of registering a revision: the deploy step copies the
    # current revision's tags to the new one.
    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  # The deploy step reads the current revision's tags (DescribeTaskDefinition
  # with include = TAGS) to copy them. The ECS docs do not say whether that
  # needs ecs:ListTagsForResource; it is read-only and scoped to this family,
  # so it is granted rather than found missing in the first release.
  statement {
    sid       = "ReadOwnRevisionTags"
    effect    = "Allow"
    actions   = ["ecs:ListTagsForResource"]
    resources = [local.task_family_arn]
  }

  statement {
    sid       = "DeployThisService"
    effect    = "Allow"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [local.service_arn]
  }

  statement {
    sid       = "PassTheTaskRoles"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = [var.task_role_arn, var.execution_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "RecordDeployedImage"
    effect    = "Allow"
    actions   = ["ssm:PutParameter"]
    resources = [aws_ssm_parameter.image.arn]
  }
}

resource "aws_iam_role_policy" "codebuild" {
  name   = "build-push-deploy"
  role   = aws_iam_role.codebuild.id
  policy = data.aws_iam_policy_document.codebuild.json
}

# --- Project ----------------------------------------------------------------------

resource "aws_codebuild_project" "this" {
  name           = var.name
  description    = "Tests, builds, scans and pushes the ${var.name} image, then rolls it out to the ECS service"
  service_role   = aws_iam_role.codebuild.arn
  build_timeout  = var.build_timeout_minutes
  queued_timeout = 480 # CodeBuild's maximum: a queued build is an upload waiting to deploy
  encryption_key = aws_kms_key.this.arn
  # No concurrent_build_limit: at the limit CodeBuild refuses StartBuild
  # (AccountLimitExceededException), which EventBridge does not retry, so an
  # upload during a build was lost. Without it every upload gets a build
  # (CodeBuild queues past the account's concurrency quota), and the deploy
  # step serialises rollouts and lets only the newest upload land
  # (cmd/deploy: -source-version).

  artifacts {
    type = "NO_ARTIFACTS"
  }

  # Each build is pinned to the upload that started it: the EventBridge target
  # passes the object's version as sourceVersion (trigger.tf). The buildspec
  # is this module's, given inline: a buildspec file in the bundle would let
  # anyone who can upload change the tests and the gates the build runs.
  source {
    type      = "S3"
    location  = "${aws_s3_bucket.source.id}/${var.source_key}"
    buildspec = file("${path.module}/buildspec.yml")
  }

  environment {
    type                        = local.arm64 ? "ARM_CONTAINER" : "LINUX_CONTAINER"
    image                       = local.build_image
    compute_type                = var.compute_type
    image_pull_credentials_type = "CODEBUILD"
    # No Docker daemon: cmd/imagebuild assembles the image from the binary
    # and pushes it with the role's credentials, so the build's container
    # needs no access to the host's devices (README; policy
    # codebuild-unprivileged).
    privileged_mode = false

    dynamic "environment_variable" {
      for_each = local.build_environment

      content {
        name  = environment_variable.key
        value = environment_variable.value
        type  = "PLAINTEXT"
      }
    }
  }

  logs_config {
    cloudwatch_logs {
      status     = "ENABLED"
      group_name = aws_cloudwatch_log_group.build.name
    }

    s3_logs {
      status = "DISABLED"
    }
  }

  depends_on = [aws_iam_role_policy.codebuild]
}
