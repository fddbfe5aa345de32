variable "private_subnet_ids" {
  type = list(string)
}

variable "public_subnet_ids" {
  type = list(string)
}

variable "internal" {
  type = bool
}

resource "aws_security_group" "alb" {
  name = "alb"
}

resource "aws_lb" "public" { # want "internal must be the literal true"
  internal        = false
  subnets         = var.private_subnet_ids
  security_groups = [aws_security_group.alb.id]
}

resource "aws_lb" "from_variable" { # want "internal must be the literal true"
  internal        = var.internal
  subnets         = var.private_subnet_ids
  security_groups = [aws_security_group.alb.id]
}

resource "aws_lb" "public_subnets" { # want "refer to var.public_subnet_ids"
  internal        = true
  subnets         = var.public_subnet_ids
  security_groups = [aws_security_group.alb.id]
}

resource "aws_lb" "literal_subnets" { # want "found no reference"
  internal        = true
  subnets         = ["subnet-0123456789abcdef0"]
  security_groups = [aws_security_group.alb.id]
}
