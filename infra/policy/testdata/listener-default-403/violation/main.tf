resource "aws_lb_listener" "redirect" {
  load_balancer_arn = "arn"
  port              = 80

  default_action { # want "type must be \"fixed-response\""
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "ok_response" {
  load_balancer_arn = "arn"
  port              = 8080

  default_action {
    type = "fixed-response"

    fixed_response { # want "status_code must be \"403\""
      content_type = "text/plain"
      status_code  = "200"
    }
  }
}

resource "aws_lb_listener" "none" { # want "has no default_action"
  load_balancer_arn = "arn"
  port              = 8081
}
