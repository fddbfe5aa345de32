variable "vpc_cidr" {
  type = string
}

resource "aws_security_group" "endpoints" {
  name = "endpoints"
}

resource "aws_vpc_security_group_ingress_rule" "https_from_vpc" {
  security_group_id = aws_security_group.endpoints.id
  cidr_ipv4         = var.vpc_cidr
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# Egress to anywhere is not ingress.
resource "aws_vpc_security_group_egress_rule" "https_out" {
  security_group_id = aws_security_group.endpoints.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# The locked-down default security group.
resource "aws_default_security_group" "this" {
  vpc_id  = "vpc-123"
  ingress = []
  egress  = []
}
