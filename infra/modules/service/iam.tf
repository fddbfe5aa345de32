# Both roles trust ECS tasks of this account only (confused-deputy guard).
data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    sid     = "EcsTasksOfThisAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

# Execution role: used by the ECS agent to pull the image and ship the logs.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  description        = "ECS task execution role of ${var.name}: image pull and logs"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid    = "PullFromTheServiceRepository"
    effect = "Allow"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid     = "EcrLogin"
    effect  = "Allow"
    actions = ["ecr:GetAuthorizationToken"]
    # GetAuthorizationToken is not scoped to a repository: "*" is the only
    # resource the API accepts.
    resources = ["*"]
  }

  statement {
    sid    = "WriteContainerLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "image-pull-and-logs"
  role   = aws_iam_role.execution.name
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: the application's own identity. It calls no AWS API, so the role
# has no policy at all; it exists so that the app never borrows the execution
# role's rights and so that a later need gets its own reviewed policy.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  description        = "ECS task role of ${var.name}: no permissions (the app calls no AWS API)"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}
