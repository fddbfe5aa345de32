variable "allowed_cidr" {
  type    = string
  default = "0.0.0.0/0"
}

locals {
  anywhere = ["0.0.0.0/0"]
}

resource "aws_security_group" "web" {
  name = "web"

  ingress { # want "admits ::/0"
    protocol         = "tcp"
    from_port        = 80
    to_port          = 80
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "http" { # want "admits 0.0.0.0/0"
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_security_group_rule" "via_local" { # want "admits 0.0.0.0/0"
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  cidr_blocks       = local.anywhere
  protocol          = "tcp"
  from_port         = 8080
  to_port           = 8080
}

resource "aws_vpc_security_group_ingress_rule" "via_default" { # want "admits 0.0.0.0/0"
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = var.allowed_cidr
  ip_protocol       = "-1"
}
