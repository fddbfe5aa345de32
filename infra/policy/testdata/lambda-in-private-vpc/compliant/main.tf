variable "private_subnet_ids" {
  type = list(string)
}

variable "reserved_concurrency" {
  type    = number
  default = 1
}

resource "aws_security_group" "lambda" {
  name = "lambda"
}

resource "aws_lambda_function" "this" {
  function_name                  = "rotate"
  role                           = "arn:aws:iam::123456789012:role/lambda"
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  filename                       = "bootstrap.zip"
  reserved_concurrent_executions = var.reserved_concurrency

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }
}
