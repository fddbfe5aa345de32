variable "function_name" {
  type = string
}

variable "secret_arn" {
  type = string
}

variable "account_id" {
  type = string
}

resource "aws_lambda_permission" "secretsmanager" {
  statement_id   = "SecretsManagerRotatesThisSecret"
  action         = "lambda:InvokeFunction"
  function_name  = var.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = var.account_id
  source_arn     = var.secret_arn
}

# An account principal is named by the statement itself: no source needed.
resource "aws_lambda_permission" "account" {
  statement_id  = "OtherAccount"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "123456789012"
}
