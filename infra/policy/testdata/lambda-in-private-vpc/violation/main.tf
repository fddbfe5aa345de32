variable "private_subnet_ids" {
  type = list(string)
}

variable "security_group_ids" {
  type = list(string)
}

resource "aws_security_group" "lambda" {
  name = "lambda"
}

resource "aws_lambda_function" "no_vpc" { # want "has no vpc_config" # want "does not set reserved_concurrent_executions"
  function_name = "no-vpc"
  role          = "arn:aws:iam::123456789012:role/lambda"
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  filename      = "bootstrap.zip"
}

resource "aws_lambda_function" "literal_subnets" {
  function_name                  = "literal-subnets"
  role                           = "arn:aws:iam::123456789012:role/lambda"
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  filename                       = "bootstrap.zip"
  reserved_concurrent_executions = 1

  vpc_config { # want "subnet_ids must come from a reference"
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = [aws_security_group.lambda.id]
  }
}

resource "aws_lambda_function" "foreign_groups" {
  function_name                  = "foreign-groups"
  role                           = "arn:aws:iam::123456789012:role/lambda"
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  filename                       = "bootstrap.zip"
  reserved_concurrent_executions = 1

  vpc_config { # want "security_group_ids must refer only to aws_security_group resources of this module"
    subnet_ids         = var.private_subnet_ids
    security_group_ids = concat([aws_security_group.lambda.id], var.security_group_ids)
  }
}

resource "aws_lambda_function" "unreserved" { # want "reserved_concurrent_executions = -1 reserves nothing"
  function_name                  = "unreserved"
  role                           = "arn:aws:iam::123456789012:role/lambda"
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  filename                       = "bootstrap.zip"
  reserved_concurrent_executions = -1

  vpc_config { # want "security_group_ids must refer only to aws_security_group"
    subnet_ids         = var.private_subnet_ids
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
