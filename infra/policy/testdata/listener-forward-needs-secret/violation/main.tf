variable "origin_secret" {
  type    = string
  default = "changeme"
}

resource "aws_lb_listener" "forwarding" {
  load_balancer_arn = "arn"
  port              = 80

  default_action { # want "default_action forwards" # want listener-default-403 "type must be"
    type             = "forward"
    target_group_arn = "arn"
  }
}

resource "aws_lb_listener_rule" "no_condition" { # want "forwards without an http_header condition on X-CloudFront-Secret"
  listener_arn = aws_lb_listener.forwarding.arn

  condition {
    path_pattern {
      values = ["/*"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = "arn"
  }
}

resource "aws_lb_listener_rule" "hard_coded" {
  listener_arn = aws_lb_listener.forwarding.arn

  condition {
    http_header { # want "is a literal"
      http_header_name = "x-cloudfront-secret"
      values           = ["hunter2"]
    }
  }

  action {
    type = "forward"

    forward {
      target_group {
        arn = "arn"
      }
    }
  }
}

resource "aws_lb_listener_rule" "default_value" {
  listener_arn = aws_lb_listener.forwarding.arn

  condition {
    http_header { # want "contains a literal string \\(or a variable default\\)"
      http_header_name = "X-CloudFront-Secret"
      values           = [var.origin_secret]
    }
  }

  action {
    type             = "forward"
    target_group_arn = "arn"
  }
}
