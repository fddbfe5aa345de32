variable "private_subnet_ids" {
  type = list(string)
}

variable "listener_client_security_group_ids" {
  type = map(string)
}

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_security_group" "alb" {
  name = "alb"
}

resource "aws_security_group" "task" {
  name = "task"
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

resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "403"
    }
  }
}

# The listener's clients (the rotation Lambda's probe), on the listener's port.
resource "aws_vpc_security_group_ingress_rule" "alb_from_listener_clients" {
  for_each = var.listener_client_security_group_ids

  security_group_id            = aws_security_group.alb.id
  description                  = "HTTP from ${each.key}: the listener forwards it only with the secret header"
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_ingress_rule" "task_from_alb" {
  security_group_id            = aws_security_group.task.id
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
}

resource "aws_security_group_rule" "task_from_alb_legacy" {
  type                     = "ingress"
  security_group_id        = aws_security_group.task.id
  source_security_group_id = aws_security_group.alb.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
}
