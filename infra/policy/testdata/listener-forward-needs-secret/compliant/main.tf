variable "origin_secret" {
  type      = string
  sensitive = true
}

locals {
  secret_header = "X-CloudFront-Secret"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn"
  port              = 80

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "403"
    }
  }
}

resource "aws_lb_listener_rule" "forward" {
  listener_arn = aws_lb_listener.http.arn

  condition {
    http_header {
      http_header_name = local.secret_header
      values           = [var.origin_secret]
    }
  }

  action {
    type             = "forward"
    target_group_arn = "arn"
  }
}

# A rule that does not forward needs no secret.
resource "aws_lb_listener_rule" "deny" {
  listener_arn = aws_lb_listener.http.arn

  condition {
    path_pattern {
      values = ["/admin/*"]
    }
  }

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "403"
    }
  }
}
