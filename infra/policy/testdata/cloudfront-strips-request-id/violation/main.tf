variable "origin_secret" {
  type      = string
  sensitive = true
}

variable "response_headers_policy_id" {
  type = string
}

# Security headers only: the service's X-Request-Id is cached and replayed.
resource "aws_cloudfront_response_headers_policy" "security" {
  name = "security-headers"

  security_headers_config {
    content_type_options {
      override = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  enabled = true

  origin {
    origin_id   = "alb"
    domain_name = "internal-alb.example"

    vpc_origin_config {
      vpc_origin_id = "vo-123"
    }

    custom_header {
      name  = "X-CloudFront-Secret"
      value = var.origin_secret
    }
  }

  default_cache_behavior { # want "aws_cloudfront_distribution.this: response_headers_policy_id must be a reference to an aws_cloudfront_response_headers_policy of this module that removes X-Request-Id, but it is not set"
    target_origin_id       = "alb"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  ordered_cache_behavior { # want "aws_cloudfront_distribution.this: aws_cloudfront_response_headers_policy.security does not remove X-Request-Id"
    path_pattern               = "/v1/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  ordered_cache_behavior { # want "but it is the literal \"67f7725c-6f97-4210-82d7-5512b31e9d03\""
    path_pattern               = "/v2/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    response_headers_policy_id = "67f7725c-6f97-4210-82d7-5512b31e9d03"
  }

  ordered_cache_behavior { # want "but it is built from var.response_headers_policy_id"
    path_pattern               = "/v3/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    response_headers_policy_id = var.response_headers_policy_id
  }
}
