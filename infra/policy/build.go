package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The checks of what starts a CodeBuild project and what it runs: every
// upload must get a build, the build's steps come from Terraform and not from
// the upload, and only the release principals may upload.

// What happens at a project's concurrent build limit ("builds return an
// error", where without one builds past the account quota are queued),
// CodeBuild User Guide, Run builds:
// https://docs.aws.amazon.com/codebuild/latest/userguide/builds-working.html
var checkCodeBuildStartsNeverRefused = Check{
	Name: "codebuild-starts-never-refused",
	Promise: "No aws_codebuild_project sets concurrent_build_limit: at that limit CodeBuild refuses StartBuild (CodeBuild User Guide, " +
		"Run builds) and EventBridge does not retry the refusal, so an upload during a build would be lost; rollouts are serialised " +
		"by the deploy step instead.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, p := range cfg.resources("aws_codebuild_project") {
			if len(present(attr(p.Body, "concurrent_build_limit"))) > 0 {
				out = append(out, finding(p.Body.Attributes["concurrent_build_limit"].SrcRange,
					"%s sets concurrent_build_limit: at the limit CodeBuild refuses StartBuild, EventBridge does not retry, "+
						"and the upload that started it is never built; remove it (the deploy step serialises rollouts)", p.Address()))
			}
		}
		return out
	},
}

// What privileged mode is for ("enables running the Docker daemon inside a
// Docker container"), CodeBuild API Reference, ProjectEnvironment:
// https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectEnvironment.html
// and what it grants (the build's container gets access to all devices),
// Security Hub control CodeBuild.5:
// https://docs.aws.amazon.com/securityhub/latest/userguide/codebuild-controls.html#codebuild-5
var checkCodeBuildUnprivileged = Check{
	Name: "codebuild-unprivileged",
	Promise: "No aws_codebuild_project environment sets privileged_mode to anything but the literal false (absent is false): " +
		"privileged mode exists to run a Docker daemon and gives the build's container access to all devices (CodeBuild API " +
		"Reference, ProjectEnvironment; Security Hub CodeBuild.5), and the image is built and pushed without one (cmd/imagebuild).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, p := range cfg.resources("aws_codebuild_project") {
			for _, env := range nested(p.Body, "environment") {
				e := attr(env, "privileged_mode")
				if len(present(e)) > 0 && !p.Module.isFalse(e) {
					out = append(out, finding(env.Attributes["privileged_mode"].SrcRange,
						"%s sets privileged_mode to something other than false: the build's container would get access to all "+
							"devices; build and push the image without a daemon (cmd/imagebuild) and set it false", p.Address()))
				}
			}
		}
		return out
	},
}

// How CodeBuild reads the buildspec argument (an inline definition, or a
// path relative to the source directory), CodeBuild API Reference, ProjectSource:
// https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectSource.html
var checkBuildspecFromTerraform = Check{
	Name: "buildspec-from-terraform",
	Promise: "Every aws_codebuild_project source block sets buildspec from Terraform (file(), templatefile(), a reference, or a " +
		"multi-line string), never a one-line string, which CodeBuild reads as a path inside the uploaded source (CodeBuild API " +
		"Reference, ProjectSource), so that whoever can upload cannot change the build and its gates (NO_SOURCE has no upload).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, p := range cfg.resources("aws_codebuild_project") {
			m := p.Module
			for _, src := range nested(p.Body, "source") {
				out = append(out, m.checkBuildspec(p, src)...)
			}
		}
		return out
	},
}

func (m *Module) checkBuildspec(p *Block, src *hclsyntax.Body) []Finding {
	e := attr(src, "buildspec")
	if s, ok := m.str(e); len(present(e)) == 0 || (ok && strings.TrimSpace(s) == "") {
		return []Finding{finding(src.SrcRange, "%s: source sets no buildspec, so CodeBuild runs the buildspec.yml of the uploaded "+
			"source: whoever can upload could change the build and its gates; give it from Terraform (file(\"${path.module}/buildspec.yml\"))", p.Address())}
	}
	if m.is(attr(src, "type"), "NO_SOURCE") {
		return nil // there is no source to hold a path: the string is the buildspec
	}
	t, ok := m.resolve(e).(*hclsyntax.TemplateExpr)
	if !ok {
		return nil // a function call, a reference or a "${reference}"
	}
	var text strings.Builder
	for _, part := range t.Parts {
		if s, ok := literalString(part); ok {
			text.WriteString(s)
		} else {
			text.WriteString("${…}")
		}
	}
	if strings.Contains(strings.TrimSpace(text.String()), "\n") {
		return nil // inline YAML
	}
	return []Finding{finding(src.SrcRange, "%s: source buildspec is the one-line string %q, which CodeBuild reads as a path inside "+
		"the uploaded source: whoever can upload could change the build and its gates; give it from Terraform "+
		"(file(\"${path.module}/buildspec.yml\"))", p.Address(), text.String())}
}

// principalTests are the condition operators with which a Deny on
// aws:PrincipalArn exempts the named principals and covers every other one.
var principalTests = []string{"ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike"}

var checkSourceBucketWriters = Check{
	Name: "source-bucket-writers",
	Promise: "The aws_s3_bucket that an S3-sourced aws_codebuild_project reads (source.location) has an aws_s3_bucket_policy from an " +
		"aws_iam_policy_document with a Deny of s3:PutObject conditioned on aws:PrincipalArn (" + strings.Join(principalTests, ", ") +
		"), so that only the release principals can upload what is built and deployed.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, p := range cfg.resources("aws_codebuild_project") {
			m := p.Module
			for _, src := range nested(p.Body, "source") {
				if !m.is(attr(src, "type"), "S3") {
					continue
				}
				buckets := m.addresses(attr(src, "location"), "aws_s3_bucket")
				if len(buckets) == 0 {
					out = append(out, finding(src.SrcRange, "%s: source location refers to no aws_s3_bucket of this module, "+
						"so who may upload what it builds cannot be checked", p.Address()))
				}
				for _, b := range buckets {
					out = append(out, m.checkSourceWriters(p, m.lookup(b))...)
				}
			}
		}
		return dedupe(out)
	},
}

func (m *Module) checkSourceWriters(p *Block, bucket *Block) []Finding {
	why := fmt.Sprintf("anyone allowed s3:PutObject on it could start %s and deploy what they uploaded", p.Address())
	var policies []*Block
	for _, bp := range m.resources("aws_s3_bucket_policy") {
		if ref, ok := m.exactRef(attr(bp.Body, "bucket")); ok && (ref == bucket.Address()+".id" || ref == bucket.Address()+".bucket") {
			policies = append(policies, bp)
		}
	}
	if len(policies) == 0 {
		return []Finding{finding(bucket.Range, "%s (the source of %s) has no aws_s3_bucket_policy (bucket = %s.id): %s",
			bucket.Address(), p.Address(), bucket.Address(), why)}
	}
	var out []Finding
	var docs []*Block
	for _, bp := range policies {
		found := false
		for _, r := range m.refs(attr(bp.Body, "policy")) {
			parts := strings.Split(r, ".")
			if len(parts) == 4 && parts[0] == "data" && parts[1] == "aws_iam_policy_document" && (parts[3] == "json" || parts[3] == "minified_json") {
				if d := m.lookup(strings.Join(parts[:3], ".")); d != nil {
					docs, found = append(docs, d), true
				}
			}
		}
		if !found {
			out = append(out, finding(bp.Range, "%s: policy must be an aws_iam_policy_document's json, so that the Deny on "+
				"writers to %s can be checked", bp.Address(), bucket.Address()))
		}
	}
	for _, d := range docs {
		if slices.ContainsFunc(documentStatements(m, d), deniesOtherWriters) {
			return nil
		}
	}
	for _, d := range docs {
		out = append(out, finding(d.Range, "%s (the policy of %s, the source of %s) has no statement with effect Deny, actions "+
			"including s3:PutObject and a condition on aws:PrincipalArn (%s) naming the release principals: %s",
			d.Address(), bucket.Address(), p.Address(), strings.Join(principalTests, ", "), why))
	}
	return out
}

// deniesOtherWriters reports whether a statement denies s3:PutObject to every
// principal but those named in a negated condition on aws:PrincipalArn.
func deniesOtherWriters(s statement) bool {
	if s.effect != "Deny" || s.notActions {
		return false
	}
	if !slices.ContainsFunc(s.actions, func(a any) bool {
		p, ok := a.(string)
		return ok && actionMatches(p, "s3:PutObject")
	}) {
		return false
	}
	return slices.ContainsFunc(s.conditions, func(c condition) bool {
		return strings.EqualFold(c.variable, "aws:PrincipalArn") &&
			slices.ContainsFunc(principalTests, func(t string) bool { return strings.EqualFold(t, c.test) })
	})
}
