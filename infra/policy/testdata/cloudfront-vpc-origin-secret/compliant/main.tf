resource "aws_secretsmanager_secret_version" "origin" {
  secret_id     = "origin"
  secret_string = "generated elsewhere"
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

resource "aws_cloudfront_distribution" "this" {
  enabled = true

  origin {
    origin_id   = "alb"
    domain_name = "internal-alb.example"

    vpc_origin_config {
      vpc_origin_id = aws_cloudfront_vpc_origin.alb.id
    }

    custom_header {
      name  = "X-CloudFront-Secret"
      value = aws_secretsmanager_secret_version.origin.secret_string
    }
  }

  default_cache_behavior {
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
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
