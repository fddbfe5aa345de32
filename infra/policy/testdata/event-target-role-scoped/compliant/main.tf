# The pipeline's shape: the rule starts the build, and the events role may
# start that build only.
resource "aws_iam_role" "events" {
  name               = "events"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
}

data "aws_iam_policy_document" "events" {
  statement {
    actions   = ["codebuild:StartBuild"]
    resources = [aws_codebuild_project.this.arn]
  }

  # A deny only narrows.
  statement {
    effect    = "Deny"
    actions   = ["codebuild:*"]
    resources = ["*"]

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "events" {
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}

resource "aws_cloudwatch_event_target" "build" {
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = aws_codebuild_project.this.arn
  role_arn = aws_iam_role.events.arn
}

# The other ways to write it: one role for two targets, its policy an
# inline_policy block in JSON, the arn through a local and "${...}", the
# action in lower case.
locals {
  other_project_arn = aws_codebuild_project.other.arn
}

resource "aws_iam_role" "shared" {
  name               = "shared-events"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json

  inline_policy {
    name = "start-builds"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Effect   = "Allow"
          Action   = "codebuild:startbuild"
          Resource = ["${aws_codebuild_project.this.arn}", local.other_project_arn]
        },
      ]
    })
  }
}

resource "aws_cloudwatch_event_target" "nightly_this" {
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = aws_codebuild_project.this.arn
  role_arn = aws_iam_role.shared.arn
}

resource "aws_cloudwatch_event_target" "nightly_other" {
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = local.other_project_arn
  role_arn = aws_iam_role.shared.arn
}

# A target without a role (SNS uses the topic's resource policy).
variable "topic_arn" {
  type = string
}

resource "aws_cloudwatch_event_target" "notify" {
  rule = aws_cloudwatch_event_rule.source.name
  arn  = var.topic_arn
}
