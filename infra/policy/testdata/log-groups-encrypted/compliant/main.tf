resource "aws_kms_key" "logs" {
  description         = "logs"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/api"
  kms_key_id        = aws_kms_key.logs.arn
  retention_in_days = 30
}
