resource "aws_secretsmanager_secret_version" "bootstrap" { # want "ignore_changes must include version_stages" # want "version_stages must hold a label of its own"
  secret_id      = "origin"
  secret_string  = "generated elsewhere"
  version_stages = ["AWSCURRENT"]

  lifecycle {
    ignore_changes = [secret_string]
  }
}

# A version Terraform keeps rewriting.
resource "aws_secretsmanager_secret_version" "rewritten" { # want "ignore_changes must include secret_string" # want "ignore_changes must include version_stages" # want "version_stages must hold a label of its own"
  secret_id     = "origin"
  secret_string = "generated elsewhere"
}

data "aws_secretsmanager_secret_version" "current" {
  secret_id     = aws_secretsmanager_secret_version.bootstrap.secret_id
  version_stage = "AWSCURRENT"
}

data "aws_secretsmanager_secret_versions" "origin" {
  secret_id = aws_secretsmanager_secret_version.bootstrap.secret_id
}

locals {
  rotating = [for v in data.aws_secretsmanager_secret_versions.origin.versions : v if contains(v.version_stages, "AWSPENDING")]
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

resource "aws_lb_listener_rule" "forward" { # want "ignore_changes must include condition"
  listener_arn = aws_lb_listener.http.arn

  condition {
    http_header {
      http_header_name = "X-CloudFront-Secret"
      values           = [aws_secretsmanager_secret_version.bootstrap.secret_string]
    }
  }

  action {
    type             = "forward"
    target_group_arn = "arn"
  }

  lifecycle {
    ignore_changes = [priority]
  }
}

resource "aws_cloudfront_vpc_origin" "alb" {
  vpc_origin_endpoint_config {
    name                   = "alb"
    arn                    = "arn"
    http_port              = 80
    https_port             = 443
    origin_protocol_policy = "http-only"

    origin_ssl_protocols {
      items    = ["TLSv1.2"]
      quantity = 1
    }
  }
}

resource "aws_cloudfront_distribution" "this" { # want "header must be data.aws_secretsmanager_secret_version" # want "needs a lifecycle precondition"
  enabled = true

  origin {
    origin_id   = "alb"
    domain_name = "internal-alb.example"

    vpc_origin_config {
      vpc_origin_id = aws_cloudfront_vpc_origin.alb.id
    }

    custom_header {
      name  = "X-CloudFront-Secret"
      value = aws_secretsmanager_secret_version.bootstrap.secret_string
    }
  }

  default_cache_behavior {
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
  }

  lifecycle {
    precondition {
      condition     = aws_secretsmanager_secret_version.bootstrap.secret_string != ""
      error_message = "Not the rotation guard."
    }
  }
}

# The right header source, but not AWSCURRENT.
data "aws_secretsmanager_secret_version" "previous" {
  secret_id     = aws_secretsmanager_secret_version.bootstrap.secret_id
  version_stage = "AWSPREVIOUS"
}

resource "aws_cloudfront_distribution" "previous" { # want "header must be data.aws_secretsmanager_secret_version"
  enabled = true

  origin {
    origin_id   = "alb"
    domain_name = "internal-alb.example"

    vpc_origin_config {
      vpc_origin_id = aws_cloudfront_vpc_origin.alb.id
    }

    custom_header {
      name  = "X-CloudFront-Secret"
      value = data.aws_secretsmanager_secret_version.previous.secret_string
    }
  }

  default_cache_behavior {
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
  }

  lifecycle {
    precondition {
      condition     = length(local.rotating) == 0
      error_message = "A rotation is in progress."
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "this" {
  name = "no-request-id"

  remove_headers_config {
    items {
      header = "X-Request-Id"
    }
  }
}
