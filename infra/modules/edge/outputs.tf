output "distribution_id" {
  description = "ID of the CloudFront distribution (for invalidations and CloudFront metrics)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "The distribution's *.cloudfront.net domain name."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "url" {
  description = "Public HTTPS URL of the API: the first alias when aliases are set, else the cloudfront.net domain."
  value       = "https://${length(var.aliases) > 0 ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name}"
}

output "origin_secret" {
  description = "What the secret's rotation function needs: the secret's ARN and KMS key, the header's name, and the origin that sends it."
  value = {
    arn         = aws_secretsmanager_secret.origin.arn
    kms_key_arn = aws_kms_key.secret.arn
    header_name = local.origin_secret_header
    origin_id   = local.origin_id
  }
}

output "web_acl_arn" {
  description = "ARN of the WAFv2 web ACL attached to the distribution, or null when enable_waf is false."
  value       = one(aws_wafv2_web_acl.this[*].arn)
}

output "vpc_origin_id" {
  description = "ID of the CloudFront VPC origin pointing at the internal ALB."
  value       = aws_cloudfront_vpc_origin.this.id
}

output "log_bucket" {
  description = "Name of the S3 bucket receiving the CloudFront standard access logs."
  value       = aws_s3_bucket.logs.bucket
}

output "forward_rule" {
  description = "The listener rule that forwards requests carrying the origin secret: its ARN, listener and target group (the secret's rotation edits this rule)."
  value = {
    arn              = aws_lb_listener_rule.origin_secret.arn
    listener_arn     = aws_lb_listener_rule.origin_secret.listener_arn
    target_group_arn = one([for action in aws_lb_listener_rule.origin_secret.action : action.target_group_arn if action.type == "forward"])
  }
}
