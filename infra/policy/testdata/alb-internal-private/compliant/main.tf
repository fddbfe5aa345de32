variable "private_subnet_ids" {
  type = list(string)
}

resource "aws_security_group" "alb" {
  name = "alb"
}

resource "aws_lb" "this" {
  internal        = true
  subnets         = var.private_subnet_ids
  security_groups = [aws_security_group.alb.id]
}

# subnet_mapping and a local are followed too.
locals {
  subnets = var.private_subnet_ids
}

resource "aws_lb" "mapped" {
  internal        = true
  security_groups = [aws_security_group.alb.id]

  subnet_mapping {
    subnet_id = local.subnets[0]
  }
}
