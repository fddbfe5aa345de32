variable "function_name" {
  type = string
}

variable "secret_arn" {
  type = string
}

variable "account_id" {
  type = string
}

variable "principal" {
  type = string
}

resource "aws_lambda_permission" "no_source" { # want "source_account is not set" # want "source_arn is not set"
  statement_id  = "SecretsManager"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "secretsmanager.amazonaws.com"
}

resource "aws_lambda_permission" "no_account" { # want "source_account is not set: a service principal may then invoke the function on behalf of any account's resources"
  statement_id  = "Events"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = var.secret_arn
}

resource "aws_lambda_permission" "star_account" { # want "source_account contains a wildcard"
  statement_id   = "StarAccount"
  action         = "lambda:InvokeFunction"
  function_name  = var.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = "*"
  source_arn     = var.secret_arn
}

resource "aws_lambda_permission" "partial_wildcard_arn" { # want "source_arn contains a wildcard"
  statement_id   = "AnySecret"
  action         = "lambda:InvokeFunction"
  function_name  = var.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = var.account_id
  source_arn     = "arn:aws:secretsmanager:eu-west-1:${var.account_id}:secret:*"
}

# A principal that cannot be read might be a service principal.
resource "aws_lambda_permission" "unknown_principal" { # want "source_arn is not set"
  statement_id   = "Unknown"
  action         = "lambda:InvokeFunction"
  function_name  = var.function_name
  principal      = var.principal
  source_account = var.account_id
}
