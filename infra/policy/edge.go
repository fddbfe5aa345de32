package policy

import (
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
	for _, h := range nested(origin, "custom_header") {
		name, _ := m.str(attr(h, "name"))
		if !strings.EqualFold(name, SecretHeader) {
			continue
		}
		if msg := m.secretValueProblem(attr(h, "value")); msg != "" {
			return []Finding{finding(h.SrcRange, "%s: %s custom_header: argument value %s", d.Address(), SecretHeader, msg)}
		}
		return nil
	}
	return []Finding{finding(origin.SrcRange, "%s: origin does not set the %s custom_header", d.Address(), SecretHeader)}
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
