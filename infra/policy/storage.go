package policy

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var checkECRHardened = Check{
	Name: "ecr-hardened",
	Promise: "Every ECR repository has immutable tags, scans on push and is encrypted with KMS " +
		"using a customer-managed key (a reference to an aws_kms_key).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, r := range cfg.resources("aws_ecr_repository") {
			m := r.Module
			if !m.is(attr(r.Body, "image_tag_mutability"), "IMMUTABLE") {
				out = append(out, finding(r.Range, "%s: image_tag_mutability must be \"IMMUTABLE\"", r.Address()))
			}
			if !slices.ContainsFunc(nested(r.Body, "image_scanning_configuration"), func(b *hclsyntax.Body) bool {
				return m.isTrue(attr(b, "scan_on_push"))
			}) {
				out = append(out, finding(r.Range, "%s: image_scanning_configuration { scan_on_push = true } is missing", r.Address()))
			}
			if !slices.ContainsFunc(nested(r.Body, "encryption_configuration"), func(b *hclsyntax.Body) bool {
				return m.is(attr(b, "encryption_type"), "KMS") &&
					slices.ContainsFunc(r.Module.refs(attr(b, "kms_key")), func(ref string) bool {
						return strings.HasPrefix(ref, "aws_kms_key.")
					})
			}) {
				out = append(out, finding(r.Range, "%s: encryption_configuration must set encryption_type = \"KMS\" and kms_key to an aws_kms_key of this module", r.Address()))
			}
		}
		return out
	},
}

var checkKMSRotation = Check{
	Name:    "kms-rotation",
	Promise: "Every customer-managed KMS key rotates (enable_key_rotation = true).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, k := range cfg.resources("aws_kms_key") {
			m := k.Module
			if !m.isTrue(attr(k.Body, "enable_key_rotation")) {
				out = append(out, finding(k.Range, "%s: enable_key_rotation must be the literal true", k.Address()))
			}
		}
		return out
	},
}

// publicAccessFlags are the aws_s3_bucket_public_access_block arguments that
// must all be true.
var publicAccessFlags = []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"}

var checkS3Hardened = Check{
	Name: "s3-hardened",
	Promise: "Every S3 bucket has, in its module, a public access block with all four flags true, server-side encryption, " +
		"versioning enabled, a lifecycle configuration, and a bucket policy that denies requests without TLS (aws:SecureTransport = false).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, b := range cfg.resources("aws_s3_bucket") {
			m := b.Module
			m, addr := b.Module, b.Address()
			companions := func(typ string) []*Block {
				var cs []*Block
				for _, c := range m.resources(typ) {
					if m.refersTo(attr(c.Body, "bucket"), addr) {
						cs = append(cs, c)
					}
				}
				return cs
			}

			pabs := companions("aws_s3_bucket_public_access_block")
			if len(pabs) == 0 {
				out = append(out, finding(b.Range, "%s has no aws_s3_bucket_public_access_block", addr))
			}
			for _, p := range pabs {
				for _, flag := range publicAccessFlags {
					if !m.isTrue(attr(p.Body, flag)) {
						out = append(out, finding(p.Range, "%s: %s must be true", p.Address(), flag))
					}
				}
			}

			if len(companions("aws_s3_bucket_server_side_encryption_configuration")) == 0 {
				out = append(out, finding(b.Range, "%s has no aws_s3_bucket_server_side_encryption_configuration", addr))
			}

			if !slices.ContainsFunc(companions("aws_s3_bucket_versioning"), func(v *Block) bool {
				return slices.ContainsFunc(nested(v.Body, "versioning_configuration"), func(c *hclsyntax.Body) bool {
					return m.is(attr(c, "status"), "Enabled")
				})
			}) {
				out = append(out, finding(b.Range, "%s has no aws_s3_bucket_versioning with status \"Enabled\"", addr))
			}

			if len(companions("aws_s3_bucket_lifecycle_configuration")) == 0 {
				out = append(out, finding(b.Range, "%s has no aws_s3_bucket_lifecycle_configuration", addr))
			}

			policies := companions("aws_s3_bucket_policy")
			if !slices.ContainsFunc(policies, func(p *Block) bool {
				return slices.ContainsFunc(m.policyStatements(attr(p.Body, "policy"), p.Range), deniesInsecureTransport)
			}) {
				out = append(out, finding(b.Range, "%s has no aws_s3_bucket_policy denying requests with aws:SecureTransport = false", addr))
			}
		}
		return out
	},
}

// deniesInsecureTransport reports whether a statement is the TLS-only deny:
// Effect Deny with the condition Bool aws:SecureTransport = false.
func deniesInsecureTransport(s statement) bool {
	if s.effect != "Deny" {
		return false
	}
	return slices.ContainsFunc(s.conditions, func(c condition) bool {
		return strings.EqualFold(c.test, "Bool") && strings.EqualFold(c.variable, "aws:SecureTransport") &&
			slices.ContainsFunc(c.values, func(v any) bool { return v == "false" || v == false })
	})
}

var checkLogGroupsEncrypted = Check{
	Name:    "log-groups-encrypted",
	Promise: "Every CloudWatch log group is encrypted with a KMS key (kms_key_id) and has a finite retention (retention_in_days, not 0).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, g := range cfg.resources("aws_cloudwatch_log_group") {
			m := g.Module
			if len(present(attr(g.Body, "kms_key_id"))) == 0 {
				out = append(out, finding(g.Range, "%s: kms_key_id is missing", g.Address()))
			}
			retention := present(attr(g.Body, "retention_in_days"))
			switch {
			case len(retention) == 0:
				out = append(out, finding(g.Range, "%s: retention_in_days is missing (logs would be kept forever)", g.Address()))
			case m.is(retention[0], "0"):
				out = append(out, finding(g.Range, "%s: retention_in_days = 0 keeps logs forever", g.Address()))
			}
		}
		return out
	},
}

var checkBucketsFollowForceDestroy = Check{
	Name: "buckets-follow-force-destroy",
	Promise: "Every S3 bucket sets force_destroy from an input variable (a variable or an expression of one), so that every bucket " +
		"follows the environment's destroy setting: S3 refuses to delete a bucket that holds objects unless force_destroy is true.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, b := range cfg.resources("aws_s3_bucket") {
			m := b.Module
			e := attr(b.Body, "force_destroy")
			switch {
			case e == nil:
				out = append(out, finding(b.Range, "%s: force_destroy is not set, so destroying the environment fails while the "+
					"bucket holds objects: set it from the environment's variable (force_destroy = var.force_destroy)", b.Address()))
			case len(m.refs(e)) == 0:
				out = append(out, finding(b.Body.Attributes["force_destroy"].SrcRange, "%s: force_destroy is %s: a literal blocks "+
					"terraform destroy of a dev environment or silently allows it in prod; set it from the environment's variable "+
					"(force_destroy = var.force_destroy)", b.Address(), m.describeExpr(e)))
			case !slices.ContainsFunc(m.refs(e), func(r string) bool { return strings.HasPrefix(r, "var.") }):
				out = append(out, finding(b.Body.Attributes["force_destroy"].SrcRange, "%s: force_destroy is %s, not an input "+
					"variable, so the bucket does not follow the environment's destroy setting (force_destroy = var.force_destroy)",
					b.Address(), m.describeExpr(e)))
			}
		}
		return out
	},
}
