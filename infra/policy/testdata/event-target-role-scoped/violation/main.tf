variable "events_role_arn" {
  type = string
}

variable "project_arn_prefix" {
  type = string
}

resource "aws_iam_role" "events" {
  name               = "events"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json

  inline_policy {
    name = "stop-too"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { # want "aws_iam_role.events \\(the role of an EventBridge target\\) allows \"codebuild:StopBuild\"; it may allow only codebuild:StartBuild"
          Effect   = "Allow"
          Action   = ["codebuild:StartBuild", "codebuild:StopBuild"]
          Resource = aws_codebuild_project.this.arn
        },
      ]
    })
  }
}

data "aws_iam_policy_document" "events" {
  # Another project than the target's.
  statement { # want "resources must be exactly the target's arn \\(aws_codebuild_project.this.arn\\), found aws_codebuild_project.other.arn"
    actions   = ["codebuild:StartBuild"]
    resources = [aws_codebuild_project.this.arn, aws_codebuild_project.other.arn]
  }

  # The target's project, but written as a literal ARN.
  statement { # want "found \"arn:aws:codebuild:eu-west-1:123456789012:project/build\""
    actions   = ["codebuild:StartBuild"]
    resources = ["arn:aws:codebuild:eu-west-1:123456789012:project/build"]
  }

  statement { # want "allows \"codebuild:BatchGetBuilds\"; it may allow only codebuild:StartBuild"
    actions   = ["codebuild:BatchGetBuilds"]
    resources = [aws_codebuild_project.this.arn]
  }

  statement { # want "resources are missing"
    actions = ["codebuild:StartBuild"]
  }
}

resource "aws_iam_role_policy" "events" {
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}

resource "aws_iam_role_policy_attachment" "events" { # want "aws_iam_role_policy_attachment.events attaches a managed policy to aws_iam_role.events"
  role       = aws_iam_role.events.name
  policy_arn = "arn:aws:iam::aws:policy/AWSCodeBuildDeveloperAccess"
}

resource "aws_iam_role_policy" "events_from_file" { # want "the policy of aws_iam_role.events cannot be read"
  role   = aws_iam_role.events.name
  policy = file("${path.module}/events.json")
}

resource "aws_cloudwatch_event_target" "build" {
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = aws_codebuild_project.this.arn
  role_arn = aws_iam_role.events.arn
}

# A role from elsewhere cannot be checked.
resource "aws_cloudwatch_event_target" "borrowed_role" { # want "role_arn must refer to an aws_iam_role of this module"
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = aws_codebuild_project.this.arn
  role_arn = var.events_role_arn
}

# A target kind the check does not know: reported, not passed, and its
# role's policies are not judged against a guess (managed policies still are).
resource "aws_iam_role" "states" { # want "aws_iam_role.states: managed_policy_arns"
  name                = "states-events"
  assume_role_policy  = data.aws_iam_policy_document.events_assume.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AWSStepFunctionsFullAccess"]

  inline_policy {
    name = "start-execution"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "states:StartExecution"
        Resource = aws_sfn_state_machine.this.arn
      }]
    })
  }
}

resource "aws_cloudwatch_event_target" "state_machine" { # want "arn refers to aws_sfn_state_machine.this.arn, a target kind this check does not know \\(it knows aws_codebuild_project \\(codebuild:StartBuild\\)\\)"
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = aws_sfn_state_machine.this.arn
  role_arn = aws_iam_role.states.arn
}

# An arn that is not a reference cannot be compared.
resource "aws_iam_role" "computed" {
  name               = "computed-events"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
}

resource "aws_cloudwatch_event_target" "computed" { # want "arn must be a reference to the target resource"
  rule     = aws_cloudwatch_event_rule.source.name
  arn      = "${var.project_arn_prefix}/build"
  role_arn = aws_iam_role.computed.arn
}
