# Must FAIL validate: default_action is a nested block in hashicorp/aws, so
# the attribute syntax `default_action = {...}` is rejected.
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/0123456789abcdef"
  port              = 80
  protocol          = "HTTP"

  default_action = {
    type = "fixed-response"
  }
}
