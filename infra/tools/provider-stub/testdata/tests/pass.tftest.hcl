# `tofu test` against the valid fixture with the AWS provider mocked, so no
# credentials or network are involved. Every assert must hold.
mock_provider "aws" {
  mock_resource "aws_lb" {
    defaults = {
      dns_name = "internal-currency-api-123.eu-west-1.elb.amazonaws.com"
    }
  }
}

# The case asked for: a plan-only run.
run "plan_with_mocked_aws" {
  command = plan

  assert {
    condition     = aws_s3_bucket.logs.bucket == "currency-api-alb-logs"
    error_message = "the log bucket name should come from the configuration"
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].fixed_response[0].status_code == "404"
    error_message = "the listener's default action should answer 404"
  }

  assert {
    condition     = one(aws_ecs_task_definition.api.runtime_platform).cpu_architecture == "ARM64"
    error_message = "the task should run on ARM64"
  }
}

# An apply run: the mocked "apply" leaves state behind, so at the end tofu
# destroys it, which makes it call the stub's UpgradeResourceState (a mocked
# provider forwards that call to the real plugin).
run "apply_with_mocked_aws" {
  command = apply

  assert {
    condition     = one(aws_cloudfront_distribution.cdn.origin).domain_name == "internal-currency-api-123.eu-west-1.elb.amazonaws.com"
    error_message = "the CloudFront origin should point at the (mocked) ALB"
  }

  assert {
    condition     = output.cdn_domain_name != null
    error_message = "the mocked distribution should get a domain name"
  }
}
