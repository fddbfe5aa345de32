package policy

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var checkCloudFrontVPCOriginSecret = Check{
	Name: "cloudfront-vpc-origin-secret",
	Promise: "Every CloudFront origin is a VPC origin (vpc_origin_config) and sends the " + SecretHeader +
		" custom header with a value from a reference, not a literal.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, d := range cfg.resources("aws_cloudfront_distribution") {
			origins := nested(d.Body, "origin")
			if len(origins) == 0 {
				out = append(out, finding(d.Range, "%s has no origin", d.Address()))
			}
			for _, o := range origins {
				if len(nested(o, "vpc_origin_config")) == 0 {
					out = append(out, finding(o.SrcRange, "%s: origin must use vpc_origin_config (the ALB is internal)", d.Address()))
				}
				out = append(out, d.Module.checkSecretHeader(d, o)...)
			}
		}
		return out
	},
}

func (m *Module) checkSecretHeader(d *Block, origin *hclsyntax.Body) []Finding {
	h := m.secretCustomHeader(origin)
	if h == nil {
		return []Finding{finding(origin.SrcRange, "%s: origin does not set the %s custom_header", d.Address(), SecretHeader)}
	}
	if msg := m.secretValueProblem(attr(h, "value")); msg != "" {
		return []Finding{finding(h.SrcRange, "%s: %s custom_header: argument value %s", d.Address(), SecretHeader, msg)}
	}
	return nil
}

// secretCustomHeader returns the origin's first custom_header named
// SecretHeader, or nil.
func (m *Module) secretCustomHeader(origin *hclsyntax.Body) *hclsyntax.Body {
	for _, h := range nested(origin, "custom_header") {
		if name, _ := m.str(attr(h, "name")); strings.EqualFold(name, SecretHeader) {
			return h
		}
	}
	return nil
}

var checkCloudFrontHTTPSRedirect = Check{
	Name:    "cloudfront-https-redirect",
	Promise: "Every CloudFront cache behaviour (default and ordered) has viewer_protocol_policy redirect-to-https or https-only.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, d := range cfg.resources("aws_cloudfront_distribution") {
			m := d.Module
			defaults := nested(d.Body, "default_cache_behavior")
			if len(defaults) == 0 {
				out = append(out, finding(d.Range, "%s has no default_cache_behavior", d.Address()))
			}
			for _, b := range append(defaults, nested(d.Body, "ordered_cache_behavior")...) {
				policy, _ := m.str(attr(b, "viewer_protocol_policy"))
				if policy != "redirect-to-https" && policy != "https-only" {
					out = append(out, finding(b.SrcRange, "%s: viewer_protocol_policy must be the literal \"redirect-to-https\" or \"https-only\"", d.Address()))
				}
			}
		}
		return out
	},
}

// requestIDHeader is the response header the service echoes from the request.
const requestIDHeader = "X-Request-Id"

// A response headers policy's remove_headers_config, CloudFront Developer
// Guide: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
var checkCloudFrontStripsRequestID = Check{
	Name: "cloudfront-strips-request-id",
	Promise: "Every CloudFront cache behaviour (default and ordered) sets response_headers_policy_id to an " +
		"aws_cloudfront_response_headers_policy of its module that removes " + requestIDHeader + " (remove_headers_config, " +
		"CloudFront Developer Guide), since CloudFront caches response headers with the body and would replay the first " +
		"requester's ID to everyone.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, d := range cfg.resources("aws_cloudfront_distribution") {
			m := d.Module
			for _, b := range append(nested(d.Body, "default_cache_behavior"), nested(d.Body, "ordered_cache_behavior")...) {
				out = append(out, m.checkRequestIDRemoved(d, b)...)
			}
		}
		return out
	},
}

func (m *Module) checkRequestIDRemoved(d *Block, behavior *hclsyntax.Body) []Finding {
	const typ = "aws_cloudfront_response_headers_policy"
	e := attr(behavior, "response_headers_policy_id")
	policies := m.addresses(e, typ)
	others := slices.ContainsFunc(m.refs(e), func(r string) bool { return !strings.HasPrefix(r, typ+".") })
	if len(policies) == 0 || others {
		found := "it is not set"
		if e != nil {
			found = "it is " + m.describeExpr(e)
		}
		return []Finding{finding(behavior.SrcRange, "%s: response_headers_policy_id must be a reference to an %s of this module "+
			"that removes %s, but %s: CloudFront would cache the first requester's %s and replay it to everyone",
			d.Address(), typ, requestIDHeader, found, requestIDHeader)}
	}
	var out []Finding
	for _, p := range policies {
		if !m.removesHeader(m.lookup(p), requestIDHeader) {
			out = append(out, finding(behavior.SrcRange, "%s: %s does not remove %s (remove_headers_config { items { header = %q } }): "+
				"CloudFront would cache the first requester's %s and replay it to everyone", d.Address(), p, requestIDHeader, requestIDHeader, requestIDHeader))
		}
	}
	return out
}

// removesHeader reports whether a response headers policy removes the header
// (names compared case-insensitively, as HTTP does).
func (m *Module) removesHeader(policy *Block, header string) bool {
	for _, rc := range nested(policy.Body, "remove_headers_config") {
		for _, it := range nested(rc, "items") {
			if h, ok := m.str(attr(it, "header")); ok && strings.EqualFold(h, header) {
				return true
			}
		}
	}
	return false
}
