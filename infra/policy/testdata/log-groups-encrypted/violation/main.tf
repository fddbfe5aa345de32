resource "aws_kms_key" "logs" {
  description         = "logs"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "plain" { # want "kms_key_id is missing"
  name              = "/ecs/plain"
  retention_in_days = 30
}

resource "aws_cloudwatch_log_group" "forever" { # want "retention_in_days = 0 keeps logs forever"
  name              = "/ecs/forever"
  kms_key_id        = aws_kms_key.logs.arn
  retention_in_days = 0
}

resource "aws_cloudwatch_log_group" "unset" { # want "retention_in_days is missing"
  name       = "/ecs/unset"
  kms_key_id = aws_kms_key.logs.arn
}
