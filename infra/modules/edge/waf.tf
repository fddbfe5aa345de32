################################################################################
# Optional WAFv2 web ACL. CLOUDFRONT-scoped web ACLs exist only in us-east-1.
# The rules are written as rule_json (the WAF API's Rule list) rather than
# rule blocks: equivalent for the provider, and the offline schema stub cannot
# type the deeply nested rule.statement block.
################################################################################

locals {
  waf_rules = [
    {
      # First, so every request counts towards the per-IP rate.
      Name     = "rate-limit-per-ip"
      Priority = 0
      Action   = { Block = {} }
      Statement = {
        RateBasedStatement = {
          Limit               = var.waf_rate_limit
          EvaluationWindowSec = 300
          AggregateKeyType    = "IP"
        }
      }
      VisibilityConfig = {
        CloudWatchMetricsEnabled = true
        SampledRequestsEnabled   = true
        MetricName               = "${var.name}-rate-limit-per-ip"
      }
    },
    {
      Name           = "aws-managed-common"
      Priority       = 1
      OverrideAction = { None = {} }
      Statement = {
        ManagedRuleGroupStatement = {
          VendorName = "AWS"
          Name       = "AWSManagedRulesCommonRuleSet"
        }
      }
      VisibilityConfig = {
        CloudWatchMetricsEnabled = true
        SampledRequestsEnabled   = true
        MetricName               = "${var.name}-aws-managed-common"
      }
    },
  ]
}

resource "aws_wafv2_web_acl" "this" {
  count    = var.enable_waf ? 1 : 0
  provider = aws.us_east_1

  name        = "${var.name}-edge"
  description = "${var.name}: AWS managed common rules and a per-IP rate limit in front of CloudFront"
  scope       = "CLOUDFRONT"
  rule_json   = jsonencode(local.waf_rules)

  default_action {
    allow {}
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    sampled_requests_enabled   = true
    metric_name                = "${var.name}-edge"
  }
}
