# Promises of the edge module, checked against mocked providers: CloudFront
# reaches the internal ALB only through the VPC origin with the secret header,
# the ALB forwards only requests that carry it, viewers are redirected to
# HTTPS, caching follows the origin, security headers are set, the log bucket
# is locked down, and every variable rejects what AWS would reject.

mock_provider "aws" {
  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/wrong-region/00000000-0000-0000-0000-000000000000"
    }
  }
}

mock_provider "aws" {
  alias = "us_east_1"

  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/test-edge/11111111-1111-1111-1111-111111111111"
    }
  }
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111122223333"
  }
}

override_data {
  target = data.aws_partition.current
  values = {
    partition = "aws"
  }
}

override_data {
  target = data.aws_canonical_user_id.current
  values = {
    id = "0000000000000000000000000000000000000000000000000000000000000001"
  }
}

override_data {
  target = data.aws_cloudfront_log_delivery_canonical_user_id.current
  values = {
    id = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
  }
}

override_data {
  target = data.aws_secretsmanager_random_password.origin
  values = {
    random_password = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
  }
}

# Until a rotation, AWSCURRENT is the bootstrap value, on the one version.
override_data {
  target = data.aws_secretsmanager_secret_version.current
  values = {
    secret_string = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
  }
}

override_data {
  target = data.aws_secretsmanager_secret_versions.origin
  values = {
    versions = [{
      version_id         = "00000000-0000-0000-0000-000000000001"
      version_stages     = ["AWSCURRENT", "TERRAFORM_BOOTSTRAP"]
      created_time       = "2026-12-01T00:00:00Z"
      last_accessed_date = "2026-12-01T00:00:00Z"
    }]
  }
}

variables {
  name             = "currency-api-test"
  alb_arn          = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/currency-api-test/0123456789abcdef"
  alb_dns_name     = "internal-test-alb-123456789.eu-west-1.elb.amazonaws.com"
  listener_arn     = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/currency-api-test/0123456789abcdef/fedcba9876543210"
  target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/currency-api-test/0123456789abcdef"
}

run "origin_is_the_vpc_origin_with_the_secret_header" {
  command = apply

  assert {
    condition     = length(aws_cloudfront_distribution.this.origin) == 1
    error_message = "The distribution must have exactly one origin."
  }

  assert {
    condition     = length(one(aws_cloudfront_distribution.this.origin).vpc_origin_config) == 1
    error_message = "The origin must use vpc_origin_config."
  }

  assert {
    condition     = length(one(aws_cloudfront_distribution.this.origin).custom_origin_config) == 0 && length(one(aws_cloudfront_distribution.this.origin).s3_origin_config) == 0
    error_message = "The origin must not be a public custom or S3 origin."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.origin).domain_name == "internal-test-alb-123456789.eu-west-1.elb.amazonaws.com"
    error_message = "The origin domain must be the ALB's DNS name."
  }

  assert {
    condition = anytrue([
      for header in one(aws_cloudfront_distribution.this.origin).custom_header :
      header.name == "X-CloudFront-Secret" && header.value == "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
    ])
    error_message = "The origin must send X-CloudFront-Secret with the secret's value."
  }

  assert {
    condition     = aws_cloudfront_vpc_origin.this.vpc_origin_endpoint_config[0].arn == var.alb_arn
    error_message = "The VPC origin must point at the ALB."
  }

  assert {
    condition     = aws_cloudfront_vpc_origin.this.vpc_origin_endpoint_config[0].origin_protocol_policy == "http-only" && aws_cloudfront_vpc_origin.this.vpc_origin_endpoint_config[0].http_port == 80
    error_message = "The VPC origin must speak HTTP on port 80 to the certificate-less internal ALB."
  }

  assert {
    condition = alltrue([
      for t in [aws_cloudfront_vpc_origin.this.timeouts.create, aws_cloudfront_vpc_origin.this.timeouts.update, aws_cloudfront_vpc_origin.this.timeouts.delete] :
      can(regex("^[0-9]+m$", t)) && tonumber(trimsuffix(t, "m")) >= 30
    ])
    error_message = "The VPC origin's create, update and delete timeouts must be at least 30 minutes."
  }
}

run "secret_is_kms_encrypted_and_generated_once" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret.origin.kms_key_id == aws_kms_key.secret.arn
    error_message = "The origin secret must be encrypted with the module's customer-managed key."
  }

  assert {
    condition     = aws_kms_key.secret.enable_key_rotation == true && aws_kms_key.logs.enable_key_rotation == true
    error_message = "Every KMS key must rotate."
  }

  assert {
    condition     = data.aws_secretsmanager_random_password.origin.password_length >= 32 && data.aws_secretsmanager_random_password.origin.exclude_punctuation == true
    error_message = "The secret must be at least 32 characters without punctuation (it travels as an HTTP header value)."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.this.secret_string == data.aws_secretsmanager_random_password.origin.random_password
    error_message = "The secret version must be created from the generated password."
  }
}

run "only_the_secret_header_rule_forwards" {
  command = apply

  assert {
    condition     = aws_lb_listener_rule.origin_secret.listener_arn == var.listener_arn && aws_lb_listener_rule.origin_secret.priority == 1
    error_message = "The secret-header rule must be on the given listener with priority 1."
  }

  assert {
    condition     = length(aws_lb_listener_rule.origin_secret.condition) == 1
    error_message = "The forward rule must have exactly one condition: the secret header."
  }

  assert {
    condition     = one(one(aws_lb_listener_rule.origin_secret.condition).http_header).http_header_name == "X-CloudFront-Secret"
    error_message = "The forward rule's condition must be the X-CloudFront-Secret header."
  }

  assert {
    condition     = one(one(aws_lb_listener_rule.origin_secret.condition).http_header).values == toset([data.aws_secretsmanager_secret_version.current.secret_string])
    error_message = "The forward rule must match exactly the value CloudFront sends."
  }

  assert {
    condition     = length(aws_lb_listener_rule.origin_secret.action) == 1 && aws_lb_listener_rule.origin_secret.action[0].type == "forward" && aws_lb_listener_rule.origin_secret.action[0].target_group_arn == var.target_group_arn
    error_message = "The rule's only action must forward to the given target group."
  }
}

run "viewers_use_https_and_caching_follows_the_origin" {
  command = apply

  assert {
    condition = alltrue([
      for behaviour in concat(aws_cloudfront_distribution.this.default_cache_behavior, aws_cloudfront_distribution.this.ordered_cache_behavior) :
      behaviour.viewer_protocol_policy == "redirect-to-https"
    ])
    error_message = "Every cache behaviour must redirect HTTP viewers to HTTPS."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods == toset(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"])
    error_message = "All seven methods must be allowed."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].cached_methods == toset(["GET", "HEAD"])
    error_message = "Only GET and HEAD may be cached."
  }

  assert {
    condition     = aws_cloudfront_cache_policy.this.min_ttl == 0 && aws_cloudfront_cache_policy.this.default_ttl == 0 && aws_cloudfront_cache_policy.this.max_ttl == 86400
    error_message = "Cache TTLs must be min 0 / default 0 / max 86400 so the origin's Cache-Control decides."
  }

  assert {
    condition     = aws_cloudfront_cache_policy.this.parameters_in_cache_key_and_forwarded_to_origin[0].query_strings_config[0].query_string_behavior == "all"
    error_message = "All query strings must be in the cache key."
  }

  assert {
    condition     = aws_cloudfront_cache_policy.this.parameters_in_cache_key_and_forwarded_to_origin[0].cookies_config[0].cookie_behavior == "none"
    error_message = "Cookies must not be in the cache key."
  }

  assert {
    condition     = aws_cloudfront_cache_policy.this.parameters_in_cache_key_and_forwarded_to_origin[0].headers_config[0].headers[0].items == toset(["Origin"])
    error_message = "Origin must be the only header in the cache key (the API's CORS answer depends on it)."
  }

  assert {
    condition     = aws_cloudfront_cache_policy.this.parameters_in_cache_key_and_forwarded_to_origin[0].enable_accept_encoding_gzip && aws_cloudfront_cache_policy.this.parameters_in_cache_key_and_forwarded_to_origin[0].enable_accept_encoding_brotli
    error_message = "gzip and brotli must be enabled."
  }

  assert {
    condition     = aws_cloudfront_origin_request_policy.this.query_strings_config[0].query_string_behavior == "all" && aws_cloudfront_origin_request_policy.this.cookies_config[0].cookie_behavior == "none"
    error_message = "The origin request policy must forward all query strings and no cookies."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.http_version == "http2and3" && aws_cloudfront_distribution.this.is_ipv6_enabled
    error_message = "The distribution must serve HTTP/2 and HTTP/3 over IPv4 and IPv6."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.price_class == "PriceClass_100"
    error_message = "The default price class must be PriceClass_100."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.restrictions[0].geo_restriction[0].restriction_type == "none"
    error_message = "There must be no geo restriction by default."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate == true && aws_cloudfront_distribution.this.viewer_certificate[0].acm_certificate_arn == null
    error_message = "Without a certificate the default CloudFront certificate must be used."
  }

  assert {
    condition     = length(aws_route53_record.alias) == 0
    error_message = "No DNS records without aliases and a zone."
  }
}

run "security_headers" {
  command = apply

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].response_headers_policy_id == aws_cloudfront_response_headers_policy.this.id
    error_message = "The default behaviour must use the security headers policy."
  }

  assert {
    condition = (
      aws_cloudfront_response_headers_policy.this.security_headers_config[0].strict_transport_security[0].access_control_max_age_sec >= 31536000 &&
      aws_cloudfront_response_headers_policy.this.security_headers_config[0].strict_transport_security[0].include_subdomains &&
      aws_cloudfront_response_headers_policy.this.security_headers_config[0].strict_transport_security[0].override
    )
    error_message = "HSTS must be at least one year, include subdomains and override the origin."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.this.security_headers_config[0].content_type_options[0].override
    error_message = "X-Content-Type-Options: nosniff must be set."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.this.security_headers_config[0].frame_options[0].frame_option == "DENY" && aws_cloudfront_response_headers_policy.this.security_headers_config[0].frame_options[0].override
    error_message = "X-Frame-Options must be DENY."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.this.security_headers_config[0].referrer_policy[0].referrer_policy == "strict-origin-when-cross-origin" && aws_cloudfront_response_headers_policy.this.security_headers_config[0].referrer_policy[0].override
    error_message = "Referrer-Policy must be strict-origin-when-cross-origin."
  }

  # Cached responses would replay the first requester's X-Request-Id.
  assert {
    condition     = [for item in aws_cloudfront_response_headers_policy.this.remove_headers_config[0].items : lower(item.header)] == ["x-request-id"]
    error_message = "The edge must remove X-Request-Id from responses (and nothing else)."
  }

  assert {
    condition     = aws_s3_bucket.logs.force_destroy == false
    error_message = "The log bucket keeps its logs on destroy unless force_destroy says otherwise."
  }
}

run "log_bucket_is_locked_down" {
  command = apply

  assert {
    condition     = aws_cloudfront_distribution.this.logging_config[0].prefix == "cloudfront/" && aws_cloudfront_distribution.this.logging_config[0].include_cookies == false
    error_message = "Standard logging must be on, without cookies."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.logs.block_public_acls &&
      aws_s3_bucket_public_access_block.logs.block_public_policy &&
      aws_s3_bucket_public_access_block.logs.ignore_public_acls &&
      aws_s3_bucket_public_access_block.logs.restrict_public_buckets
    )
    error_message = "The log bucket must block all public access."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.logs.rule[0].object_ownership == "BucketOwnerPreferred"
    error_message = "Legacy CloudFront logging needs ACLs: ownership must be BucketOwnerPreferred."
  }

  assert {
    condition = anytrue([
      for grant in aws_s3_bucket_acl.logs.access_control_policy[0].grant :
      grant.permission == "FULL_CONTROL" && grant.grantee[0].id == "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
    ])
    error_message = "The awslogsdelivery account must have the ACL grant CloudFront logging needs."
  }

  assert {
    condition     = length(aws_s3_bucket_acl.logs.access_control_policy[0].grant) == 2
    error_message = "The log bucket ACL must grant only the owner and the log delivery account."
  }

  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.logs.rule :
      rule.apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" && rule.apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.logs.arn
    ])
    error_message = "The log bucket must be encrypted with the module's customer-managed key."
  }

  assert {
    condition     = contains([for s in jsondecode(aws_kms_key.logs.policy).Statement : try(s.Principal.Service, "")], "delivery.logs.amazonaws.com")
    error_message = "The log key policy must let CloudFront's log delivery use the key."
  }

  assert {
    condition     = aws_s3_bucket_versioning.logs.versioning_configuration[0].status == "Enabled"
    error_message = "The log bucket must be versioned."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration[0].days == 90
    error_message = "Logs must expire after log_retention_days (default 90)."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.logs.policy).Statement :
      s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false"
    ])
    error_message = "The log bucket policy must deny requests without TLS."
  }

  assert {
    condition = alltrue(flatten([
      for policy in [aws_kms_key.secret.policy, aws_kms_key.logs.policy, aws_s3_bucket_policy.logs.policy] : [
        for s in jsondecode(policy).Statement : s.Effect == "Deny" || alltrue([
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ])
      ]
    ]))
    error_message = "No Allow statement may grant * or a service wildcard."
  }
}

run "waf_is_off_by_default" {
  command = apply

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && aws_cloudfront_distribution.this.web_acl_id == null
    error_message = "No web ACL may be created or attached when enable_waf is false."
  }
}

run "waf_when_enabled" {
  command = apply

  variables {
    enable_waf     = true
    waf_rate_limit = 500
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 1 && aws_wafv2_web_acl.this[0].scope == "CLOUDFRONT"
    error_message = "enable_waf must create one CLOUDFRONT-scoped web ACL."
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this[0].default_action[0].allow) == 1
    error_message = "The web ACL's default action must be allow (the rules block)."
  }

  assert {
    condition     = length(jsondecode(aws_wafv2_web_acl.this[0].rule_json)) == 2
    error_message = "The web ACL must have exactly two rules."
  }

  assert {
    condition = anytrue([
      for rule in jsondecode(aws_wafv2_web_acl.this[0].rule_json) :
      try(rule.Statement.ManagedRuleGroupStatement.VendorName == "AWS" && rule.Statement.ManagedRuleGroupStatement.Name == "AWSManagedRulesCommonRuleSet" && keys(rule.OverrideAction) == ["None"], false)
    ])
    error_message = "The web ACL must run AWSManagedRulesCommonRuleSet with override action none."
  }

  assert {
    condition = anytrue([
      for rule in jsondecode(aws_wafv2_web_acl.this[0].rule_json) :
      try(rule.Statement.RateBasedStatement.Limit == 500 && rule.Statement.RateBasedStatement.AggregateKeyType == "IP" && keys(rule.Action) == ["Block"], false)
    ])
    error_message = "The web ACL must block per IP above waf_rate_limit."
  }

  assert {
    condition = alltrue([
      for rule in jsondecode(aws_wafv2_web_acl.this[0].rule_json) :
      rule.VisibilityConfig.CloudWatchMetricsEnabled && rule.VisibilityConfig.SampledRequestsEnabled
    ])
    error_message = "Every rule must publish metrics and sampled requests."
  }
}

run "waf_goes_through_the_us_east_1_provider" {
  command = apply

  variables {
    enable_waf = true
  }

  assert {
    condition     = startswith(output.web_acl_arn, "arn:aws:wafv2:us-east-1:")
    error_message = "The web ACL must be created by the aws.us_east_1 provider."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.web_acl_id == output.web_acl_arn
    error_message = "The distribution must be attached to the web ACL."
  }

  assert {
    condition     = output.url == "https://${aws_cloudfront_distribution.this.domain_name}"
    error_message = "Without aliases the URL must be the cloudfront.net domain over HTTPS."
  }
}

run "certificate_aliases_and_dns" {
  command = apply

  variables {
    acm_certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/01234567-89ab-cdef-0123-456789abcdef"
    aliases             = ["api.example.com", "www.api.example.com"]
    route53_zone_id     = "Z0123456789ABCDEFGHIJ"
  }

  assert {
    condition = (
      aws_cloudfront_distribution.this.viewer_certificate[0].acm_certificate_arn == var.acm_certificate_arn &&
      aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate == false &&
      aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only" &&
      aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021"
    )
    error_message = "With a certificate the distribution must use it with SNI and TLS 1.2 (2021 policy)."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.aliases == toset(var.aliases)
    error_message = "The distribution must carry the aliases."
  }

  assert {
    condition     = toset(keys(aws_route53_record.alias)) == toset(["api.example.com/A", "api.example.com/AAAA", "www.api.example.com/A", "www.api.example.com/AAAA"])
    error_message = "Every alias must get an A and an AAAA alias record."
  }

  assert {
    condition     = alltrue([for record in aws_route53_record.alias : record.zone_id == var.route53_zone_id && length(record.alias) == 1])
    error_message = "The records must be alias records in the given zone."
  }

  assert {
    condition     = output.url == "https://api.example.com"
    error_message = "With aliases the URL must use the first alias."
  }
}

run "aliases_without_zone_create_no_records" {
  command = apply

  variables {
    acm_certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/01234567-89ab-cdef-0123-456789abcdef"
    aliases             = ["api.example.com"]
  }

  assert {
    condition     = length(aws_route53_record.alias) == 0
    error_message = "No records may be created without route53_zone_id."
  }
}

run "geo_restriction_and_price_class" {
  command = apply

  variables {
    price_class        = "PriceClass_All"
    geo_restriction    = { type = "whitelist", locations = ["DE", "FR"] }
    log_retention_days = 30
  }

  assert {
    condition     = aws_cloudfront_distribution.this.restrictions[0].geo_restriction[0].restriction_type == "whitelist" && aws_cloudfront_distribution.this.restrictions[0].geo_restriction[0].locations == toset(["DE", "FR"])
    error_message = "The geo restriction must come from the variable."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.price_class == "PriceClass_All"
    error_message = "The price class must come from the variable."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.logs.rule[0].expiration[0].days == 30
    error_message = "The log expiration must come from log_retention_days."
  }
}

################################################################################
# Validations
################################################################################

run "rejects_bad_name" {
  command = plan
  variables {
    name = "Currency_API"
  }
  expect_failures = [var.name]
}

run "rejects_non_alb_arn" {
  command = plan
  variables {
    alb_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/net/currency-api-test/0123456789abcdef"
  }
  expect_failures = [var.alb_arn]
}

run "rejects_public_alb_dns_name" {
  command = plan
  variables {
    alb_dns_name = "public-alb-123456789.eu-west-1.elb.amazonaws.com"
  }
  expect_failures = [var.alb_dns_name]
}

run "rejects_bad_listener_arn" {
  command = plan
  variables {
    listener_arn = "listener-1"
  }
  expect_failures = [var.listener_arn]
}

run "rejects_bad_target_group_arn" {
  command = plan
  variables {
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/x/1"
  }
  expect_failures = [var.target_group_arn]
}

run "rejects_unknown_price_class" {
  command = plan
  variables {
    price_class = "PriceClass_300"
  }
  expect_failures = [var.price_class]
}

run "rejects_unknown_geo_restriction_type" {
  command = plan
  variables {
    geo_restriction = { type = "allowlist", locations = ["DE"] }
  }
  expect_failures = [var.geo_restriction]
}

run "rejects_locations_without_restriction" {
  command = plan
  variables {
    geo_restriction = { locations = ["DE"] }
  }
  expect_failures = [var.geo_restriction]
}

run "rejects_restriction_without_locations" {
  command = plan
  variables {
    geo_restriction = { type = "blacklist" }
  }
  expect_failures = [var.geo_restriction]
}

run "rejects_lower_case_country" {
  command = plan
  variables {
    geo_restriction = { type = "whitelist", locations = ["de"] }
  }
  expect_failures = [var.geo_restriction]
}

run "rejects_rate_limit_below_waf_minimum" {
  command = plan
  variables {
    enable_waf     = true
    waf_rate_limit = 9
  }
  expect_failures = [var.waf_rate_limit]
}

run "rejects_fractional_rate_limit" {
  command = plan
  variables {
    waf_rate_limit = 150.5
  }
  expect_failures = [var.waf_rate_limit]
}

run "rejects_certificate_outside_us_east_1" {
  command = plan
  variables {
    acm_certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/01234567-89ab-cdef-0123-456789abcdef"
  }
  expect_failures = [var.acm_certificate_arn]
}

run "rejects_aliases_without_certificate" {
  command = plan
  variables {
    aliases = ["api.example.com"]
  }
  expect_failures = [var.aliases]
}

run "rejects_malformed_alias" {
  command = plan
  variables {
    acm_certificate_arn = "arn:aws:acm:us-east-1:111122223333:certificate/01234567-89ab-cdef-0123-456789abcdef"
    aliases             = ["https://api.example.com/"]
  }
  expect_failures = [var.aliases]
}

run "rejects_zero_log_retention" {
  command = plan
  variables {
    log_retention_days = 0
  }
  expect_failures = [var.log_retention_days]
}

run "log_bucket_follows_force_destroy" {
  command = apply

  variables {
    force_destroy = true
  }

  assert {
    condition     = aws_s3_bucket.logs.force_destroy == true
    error_message = "With force_destroy (dev) the log bucket must not block terraform destroy."
  }
}

# --- The rotation (infra/modules/rotation) and Terraform ----------------------
# These runs come last: the plans below read a secret rotated after the
# applies above.

run "bootstrap_version_keeps_a_label_of_its_own" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret_version.this.version_stages == toset(["AWSCURRENT", "TERRAFORM_BOOTSTRAP"])
    error_message = "The bootstrap version must carry TERRAFORM_BOOTSTRAP besides AWSCURRENT: once rotations take AWSCURRENT away, a version without labels may be deleted and Terraform would create a new AWSCURRENT value."
  }

  assert {
    condition = anytrue([
      for header in one(aws_cloudfront_distribution.this.origin).custom_header :
      header.name == "X-CloudFront-Secret" && header.value == data.aws_secretsmanager_secret_version.current.secret_string
    ]) && data.aws_secretsmanager_secret_version.current.version_stage == "AWSCURRENT"
    error_message = "CloudFront must send the AWSCURRENT value."
  }
}

# After a rotation, AWS holds: AWSCURRENT = the new value on a new version,
# CloudFront sending it, the rule accepting only it. The mocked state still
# holds the bootstrap value everywhere (mocks do not drift), so this plan
# shows what Terraform would write: the new value to CloudFront, which is
# what CloudFront already sends, and nothing to the rule (whose
# configuration now reads the new value too: only ignore_changes keeps the
# plan off it) or the bootstrap version. That Terraform leaves drifted
# values alone no mocked plan can show; the policy check
# origin-secret-left-to-rotation keeps the ignore_changes settings.
run "after_a_rotation_terraform_writes_only_what_the_rotation_left" {
  command = plan

  override_data {
    target = data.aws_secretsmanager_secret_version.current
    values = {
      secret_string = "rotated-value-made-by-the-rotation-function-0123456789"
    }
  }

  override_data {
    target = data.aws_secretsmanager_secret_versions.origin
    values = {
      versions = [
        {
          version_id         = "00000000-0000-0000-0000-000000000002"
          version_stages     = ["AWSCURRENT"]
          created_time       = "2026-12-02T00:00:00Z"
          last_accessed_date = "2026-12-02T00:00:00Z"
        },
        {
          version_id         = "00000000-0000-0000-0000-000000000001"
          version_stages     = ["AWSPREVIOUS", "TERRAFORM_BOOTSTRAP"]
          created_time       = "2026-12-01T00:00:00Z"
          last_accessed_date = "2026-12-01T00:00:00Z"
        },
      ]
    }
  }

  # Another random password is generated on every plan.
  override_data {
    target = data.aws_secretsmanager_random_password.origin
    values = {
      random_password = "a-new-random-password-on-every-plan-0123456789abcdefghijklmn"
    }
  }

  assert {
    condition = anytrue([
      for header in one(aws_cloudfront_distribution.this.origin).custom_header :
      header.name == "X-CloudFront-Secret" && header.value == "rotated-value-made-by-the-rotation-function-0123456789"
    ])
    error_message = "After a rotation, CloudFront's header must be planned as the rotated AWSCURRENT value, which it already sends."
  }

  assert {
    condition     = one(one(aws_lb_listener_rule.origin_secret.condition).http_header).values == toset(["0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"])
    error_message = "The plan must not write the rule's values after creation (ignore_changes on condition): they are the rotation's."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.this.secret_string == "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01" && aws_secretsmanager_secret_version.this.version_stages == toset(["AWSCURRENT", "TERRAFORM_BOOTSTRAP"])
    error_message = "The plan must neither rewrite the bootstrap version nor give it AWSCURRENT back in its configured stages."
  }
}

# Mid-rotation CloudFront sends the pending value while AWSCURRENT is the old
# one: a plan now would write the old value back, so it is refused.
run "a_plan_during_a_rotation_is_refused" {
  command = plan

  override_data {
    target = data.aws_secretsmanager_secret_versions.origin
    values = {
      versions = [
        {
          version_id         = "00000000-0000-0000-0000-000000000001"
          version_stages     = ["AWSCURRENT", "TERRAFORM_BOOTSTRAP"]
          created_time       = "2026-12-01T00:00:00Z"
          last_accessed_date = "2026-12-01T00:00:00Z"
        },
        {
          version_id         = "00000000-0000-0000-0000-000000000002"
          version_stages     = ["AWSPENDING"]
          created_time       = "2026-12-02T00:00:00Z"
          last_accessed_date = "2026-12-02T00:00:00Z"
        },
      ]
    }
  }

  expect_failures = [aws_cloudfront_distribution.this]
}

# A finished rotation may leave AWSPENDING on the current version (AWS
# allows it): that is no rotation in progress.
run "awspending_on_the_current_version_is_no_rotation" {
  command = plan

  override_data {
    target = data.aws_secretsmanager_secret_versions.origin
    values = {
      versions = [{
        version_id         = "00000000-0000-0000-0000-000000000002"
        version_stages     = ["AWSCURRENT", "AWSPENDING"]
        created_time       = "2026-12-02T00:00:00Z"
        last_accessed_date = "2026-12-02T00:00:00Z"
      }]
    }
  }
}

