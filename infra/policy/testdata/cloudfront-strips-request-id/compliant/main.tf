variable "origin_secret" {
  type      = string
  sensitive = true
}

# CloudFront caches response headers with the body: the echoed X-Request-Id
# must not reach the cache. Header names are case-insensitive.
resource "aws_cloudfront_response_headers_policy" "this" {
  name = "security-headers"

  remove_headers_config {
    items {
      header = "Server"
    }

    items {
      header = "x-request-id"
    }
  }

  security_headers_config {
    content_type_options {
      override = true
    }
  }
}

locals {
  response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
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

  default_cache_behavior {
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
  }

  ordered_cache_behavior {
    path_pattern               = "/v1/*"
    target_origin_id           = "alb"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    response_headers_policy_id = local.response_headers_policy_id
  }
}
