variable "origin_secret" {
  type      = string
  sensitive = true
}

variable "viewer_protocol_policy" {
  type = string
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

  default_cache_behavior { # want "viewer_protocol_policy must be"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "allow-all"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
  }

  ordered_cache_behavior {
    path_pattern               = "/v1/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "https-only"
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
  }

  dynamic "ordered_cache_behavior" {
    for_each = ["/v2/*"]
    content { # want "viewer_protocol_policy must be"
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = "alb"
      viewer_protocol_policy     = var.viewer_protocol_policy
      response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
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
