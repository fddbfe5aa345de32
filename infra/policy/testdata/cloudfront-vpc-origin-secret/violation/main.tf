resource "aws_cloudfront_distribution" "custom_origin" {
  enabled = true

  origin { # want "must use vpc_origin_config" # want "does not set the X-CloudFront-Secret custom_header"
    origin_id   = "alb"
    domain_name = "alb.example"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
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

resource "aws_cloudfront_distribution" "hard_coded_secret" {
  enabled = true

  origin {
    origin_id   = "alb"
    domain_name = "alb.example"

    vpc_origin_config {
      vpc_origin_id = "vo-123"
    }

    custom_header { # want "is a literal"
      name  = "X-CloudFront-Secret"
      value = "hunter2"
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
