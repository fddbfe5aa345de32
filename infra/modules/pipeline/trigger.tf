# S3 → EventBridge → CodeBuild: a new version of the bundle's key starts the
# project; nothing else in the bucket (or any other bucket) does.

resource "aws_cloudwatch_event_rule" "source" {
  name        = "${var.name}-source-uploaded"
  description = "A new ${var.name} source bundle was uploaded: build and deploy it"

  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
    detail = {
      bucket = { name = [aws_s3_bucket.source.id] }
      object = { key = [var.source_key] }
    }
  })
}

data "aws_iam_policy_document" "events_assume" {
  statement {
    sid     = "EventBridgeAssumesForThisRuleOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.source.arn]
    }
  }
}

resource "aws_iam_role" "events" {
  name               = "${var.name}-start-build"
  description        = "EventBridge role of ${var.name}: start the ${var.name} CodeBuild project, nothing else"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
}

data "aws_iam_policy_document" "events" {
  statement {
    sid       = "StartThisProjectOnly"
    effect    = "Allow"
    actions   = ["codebuild:StartBuild"]
    resources = [aws_codebuild_project.this.arn]
  }
}

resource "aws_iam_role_policy" "events" {
  name   = "start-build"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}

resource "aws_cloudwatch_event_target" "build" {
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = aws_codebuild_project.this.arn
  role_arn = aws_iam_role.events.arn

  # The build is pinned to the uploaded version (StartBuild sourceVersion is
  # the S3 object version of the zip), so every upload builds exactly what was
  # uploaded, however many land while a build runs. An unquoted placeholder
  # takes the JSON value, quotes included (EventBridge InputTransformer:
  # https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html).
  input_transformer {
    input_paths = {
      version = "$.detail.object.version-id"
    }
    input_template = "{\"sourceVersion\": <version>}"
  }

  # EventBridge retries throttling and service errors with back-off for up to
  # two hours; a start that still fails raises the FailedInvocations alarm.
  retry_policy {
    maximum_event_age_in_seconds = 7200
    maximum_retry_attempts       = 185
  }

  depends_on = [aws_iam_role_policy.events]
}

# The first apply uploads a bundle, so a fresh environment ends with the real
# service running. Created last: after the rule, its target and the bucket's
# EventBridge switch (or the upload's event would be lost), and after the ECS
# service exists (the tags read the service's name, which orders this upload
# after it), because the build ends by deploying to that service. After
# creation the object belongs to `make release`: Terraform ignores it.
resource "aws_s3_object" "bootstrap" {
  count = var.bootstrap_bundle == null ? 0 : 1

  bucket       = aws_s3_bucket.source.id
  key          = var.source_key
  source       = var.bootstrap_bundle
  content_type = "application/zip"

  tags = {
    DeploysTo = "${var.cluster_name}/${var.service_name}"
  }

  lifecycle {
    ignore_changes = all
  }

  depends_on = [
    aws_cloudwatch_event_target.build,
    aws_s3_bucket_notification.source,
    aws_s3_bucket_policy.source,
    aws_s3_bucket_server_side_encryption_configuration.source,
    aws_iam_role_policy.codebuild,
  ]
}

# --- Alarms -------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "build_failed" {
  alarm_name          = "${var.name}-build-failed"
  alarm_description   = "A ${var.name} build failed: tests, image build, scan gate or rollout (the build log says which)."
  namespace           = "AWS/CodeBuild"
  metric_name         = "FailedBuilds"
  dimensions          = { ProjectName = aws_codebuild_project.this.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns
}

resource "aws_cloudwatch_metric_alarm" "start_failed" {
  alarm_name          = "${var.name}-build-start-failed"
  alarm_description   = "EventBridge could not start a ${var.name} build for an uploaded bundle, even after retrying: the upload was not deployed."
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { RuleName = aws_cloudwatch_event_rule.source.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns
}
