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
