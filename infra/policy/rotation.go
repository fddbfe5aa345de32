package policy

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The edge module creates the origin secret's first value; infra/modules/rotation
// replaces it. Mocked plans cannot show drift, so whether a plan after a
// rotation writes an old value back rests on these lifecycle settings, and
// this check keeps them.
var checkSecretLeftToRotation = Check{
	Name: "origin-secret-left-to-rotation",
	Promise: "In a module with both the " + SecretHeader + " listener rule and the CloudFront origin header, Terraform never " +
		"writes the secret's value after creation: the rule has lifecycle ignore_changes on condition; the header reads a " +
		"data.aws_secretsmanager_secret_version with version_stage \"AWSCURRENT\"; the distribution has a precondition that reads " +
		"data.aws_secretsmanager_secret_versions (a plan during a rotation is refused); and every aws_secretsmanager_secret_version " +
		"ignores changes to secret_string and version_stages and keeps a label of its own in version_stages (a version without " +
		"labels may be deleted, and the provider would recreate it as AWSCURRENT).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			rules, distributions := m.secretRules(), m.secretDistributions()
			if len(rules) == 0 || len(distributions) == 0 {
				continue
			}
			for _, r := range rules {
				if !m.ignoresChanges(r, "condition") {
					out = append(out, finding(r.Range, "%s: lifecycle ignore_changes must include condition: after creation the "+
						"rotation owns the accepted values, and a plan would narrow them mid-rotation or put an old one back", r.Address()))
				}
			}
			for _, d := range distributions {
				out = append(out, m.checkHeaderReadsCurrent(d)...)
			}
			for _, v := range m.resources("aws_secretsmanager_secret_version") {
				out = append(out, m.checkBootstrapVersion(v)...)
			}
		}
		return out
	},
}

// secretRules are the listener rules whose condition checks SecretHeader.
func (m *Module) secretRules() []*Block {
	var out []*Block
	for _, r := range m.resources("aws_lb_listener_rule") {
		if m.secretHeaderCondition(r) != nil {
			out = append(out, r)
		}
	}
	return out
}

// secretDistributions are the distributions with a SecretHeader origin header.
func (m *Module) secretDistributions() []*Block {
	var out []*Block
	for _, d := range m.resources("aws_cloudfront_distribution") {
		if len(m.secretHeaderValues(d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// secretHeaderValues are the values of the distribution's SecretHeader
// origin headers, one per origin that sets it.
func (m *Module) secretHeaderValues(d *Block) []hclsyntax.Expression {
	var out []hclsyntax.Expression
	for _, o := range nested(d.Body, "origin") {
		if h := m.secretCustomHeader(o); h != nil {
			out = append(out, attr(h, "value"))
		}
	}
	return out
}

func (m *Module) checkHeaderReadsCurrent(d *Block) []Finding {
	var out []Finding
	for _, v := range m.secretHeaderValues(d) {
		ref, ok := m.exactRef(v)
		parts := strings.Split(ref, ".")
		var src *Block
		if ok && len(parts) == 4 && parts[0] == "data" && parts[1] == "aws_secretsmanager_secret_version" && parts[3] == "secret_string" {
			src = m.lookup(strings.Join(parts[:3], "."))
		}
		if src == nil || !m.is(attr(src.Body, "version_stage"), "AWSCURRENT") {
			out = append(out, finding(d.Range, "%s: the %s header must be data.aws_secretsmanager_secret_version.<name>.secret_string "+
				"with version_stage = \"AWSCURRENT\": what a finished rotation leaves CloudFront sending, so that a plan after it "+
				"writes nothing new", d.Address(), SecretHeader))
		}
	}
	guarded := false
	for _, lc := range nested(d.Body, "lifecycle") {
		for _, p := range nested(lc, "precondition") {
			if slices.ContainsFunc(m.refs(attr(p, "condition")), func(r string) bool {
				return strings.HasPrefix(r, "data.aws_secretsmanager_secret_versions.")
			}) {
				guarded = true
			}
		}
	}
	if !guarded {
		out = append(out, finding(d.Range, "%s needs a lifecycle precondition that reads data.aws_secretsmanager_secret_versions: "+
			"a plan during a rotation would write the old value back", d.Address()))
	}
	return out
}

func (m *Module) checkBootstrapVersion(v *Block) []Finding {
	var out []Finding
	for _, name := range []string{"secret_string", "version_stages"} {
		if !m.ignoresChanges(v, name) {
			out = append(out, finding(v.Range, "%s: lifecycle ignore_changes must include %s: the rotation moves the value and "+
				"its labels on, and Terraform must not move them back", v.Address(), name))
		}
	}
	own := slices.ContainsFunc(m.strings(attr(v.Body, "version_stages")), func(s string) bool { return !strings.HasPrefix(s, "AWS") })
	if !own {
		out = append(out, finding(v.Range, "%s: version_stages must hold a label of its own (not AWS...): two rotations leave "+
			"the version without labels, Secrets Manager may then delete it, and the provider would recreate it as AWSCURRENT", v.Address()))
	}
	return out
}

// ignoresChanges reports whether b's lifecycle ignore_changes lists name
// (as a reference or the old quoted form) or is all.
func (m *Module) ignoresChanges(b *Block, name string) bool {
	for _, lc := range nested(b.Body, "lifecycle") {
		e := attr(lc, "ignore_changes")
		if e == nil {
			continue
		}
		if st, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && len(st.Traversal) == 1 && st.Traversal.RootName() == "all" {
			return true
		}
		if slices.Contains(rawRefs(e), name) || slices.Contains(m.strings(e), name) {
			return true
		}
	}
	return false
}
