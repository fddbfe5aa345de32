variable "private_subnet_ids" {
  type = list(string)
}

variable "listener_client_security_group_ids" {
  type = map(string)
}

variable "other_security_group_ids" {
  type = map(string)
}

data "aws_ec2_managed_prefix_list" "s3" {
  name = "com.amazonaws.eu-west-1.s3"
}

data "aws_ec2_managed_prefix_list" "cloudfront" {
  filter {
    name   = "prefix-list-name"
    values = ["com.amazonaws.global.cloudfront.origin-facing"]
  }
}

resource "aws_security_group" "alb" {
  name = "alb"
}

resource "aws_security_group" "task" {
  name = "task"

  ingress { # want "admits a CIDR range"
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group" "other" {
  name = "other"
}

resource "aws_lb" "this" {
  internal        = true
  subnets         = var.private_subnet_ids
  security_groups = [aws_security_group.alb.id]
}

resource "aws_ecs_service" "this" {
  name = "api"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  alarms {
    alarm_names = ["api-target-5xx"]
    enable      = true
    rollback    = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = false
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_vpc" { # want "admits a CIDR range"
  security_group_id = aws_security_group.alb.id
  cidr_ipv4         = "10.0.0.0/16"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_task" { # want "admits a security group to the ALB"
  security_group_id            = aws_security_group.alb.id
  referenced_security_group_id = aws_security_group.task.id
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_s3_list" { # want "prefix list must be data.aws_ec2_managed_prefix_list named"
  security_group_id = aws_security_group.alb.id
  prefix_list_id    = data.aws_ec2_managed_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_ingress_rule" "task_from_cloudfront" { # want "admits a prefix list or itself to the tasks"
  security_group_id = aws_security_group.task.id
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
}

resource "aws_security_group_rule" "task_from_other" { # want "only from the ALB's security group"
  type                     = "ingress"
  security_group_id        = aws_security_group.task.id
  source_security_group_id = aws_security_group.other.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
}

# The allowed pattern, but on another port than the listener's.
resource "aws_vpc_security_group_ingress_rule" "alb_from_listener_clients_8080" { # want "admits a security group to the ALB \\(from_port is not the literal 80; to_port is not the literal 80\\).*for_each = var.listener_client_security_group_ids"
  for_each = var.listener_client_security_group_ids

  security_group_id            = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = each.value
}

# The allowed pattern, but over security groups nobody declared as listener clients.
resource "aws_vpc_security_group_ingress_rule" "alb_from_others" { # want "admits a security group to the ALB \\(for_each is not var.listener_client_security_group_ids\\)"
  for_each = var.other_security_group_ids

  security_group_id            = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = each.value
}

# The allowed for_each, but a concrete security group instead of each.value.
resource "aws_vpc_security_group_ingress_rule" "alb_from_task_per_client" { # want "admits a security group to the ALB \\(referenced_security_group_id is not each.value\\)"
  for_each = var.listener_client_security_group_ids

  security_group_id            = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = aws_security_group.task.id
}
