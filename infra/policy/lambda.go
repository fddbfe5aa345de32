package policy

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A service principal acts for any customer: without source_account and
// source_arn, a resource of that service in another account could make it
// invoke the function (the confused deputy). AWS documents both for service
// principals in "Granting Lambda function access to AWS services":
// https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
var checkLambdaPermissionScoped = Check{
	Name: "lambda-permission-scoped",
	Promise: "Every aws_lambda_permission whose principal is a service principal (ends with \".amazonaws.com\"; a principal " +
		"that is not a literal counts as one) sets both source_account and source_arn, neither \"*\" nor containing a wildcard \"*\".",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, p := range cfg.resources("aws_lambda_permission") {
			if principal, ok := p.Module.str(attr(p.Body, "principal")); ok && !strings.HasSuffix(principal, ".amazonaws.com") {
				continue // an account or organization: the statement names it
			}
			for _, name := range []string{"source_account", "source_arn"} {
				if msg := p.Module.sourceProblem(attr(p.Body, name)); msg != "" {
					out = append(out, finding(p.Range, "%s: %s %s: a service principal may then invoke the function "+
						"on behalf of any account's resources (confused deputy)", p.Address(), name, msg))
				}
			}
		}
		return out
	},
}

// sourceProblem says what is wrong with a source_account or source_arn
// expression, or returns "". Literal parts are read through locals and
// variable defaults, so "arn:…:${var.x}:*" counts as a wildcard.
func (m *Module) sourceProblem(e hclsyntax.Expression) string {
	if len(present(e)) == 0 {
		return "is not set"
	}
	if slices.ContainsFunc(m.strings(e), func(s string) bool { return strings.Contains(s, "*") }) {
		return "contains a wildcard \"*\""
	}
	return ""
}

// The only Lambda of this architecture (the origin-secret rotation) must
// reach the internal ALB, which admits nothing from outside the VPC, and
// nothing public; its concurrency is bounded so that a flood of invocations
// cannot exhaust the account's pool or hammer the APIs it calls.
var checkLambdaInPrivateVPC = Check{
	Name: "lambda-in-private-vpc",
	Promise: "Every aws_lambda_function has a vpc_config whose subnet_ids is a reference (not a literal list or literal IDs) " +
		"and whose security_group_ids refer only to aws_security_group resources of the same module, and sets " +
		"reserved_concurrent_executions (any value or a reference, but not the literal -1, which reserves nothing).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, f := range cfg.resources("aws_lambda_function") {
			out = append(out, f.Module.checkLambdaVPC(f)...)
			out = append(out, f.Module.checkLambdaConcurrency(f)...)
		}
		return out
	},
}

func (m *Module) checkLambdaVPC(f *Block) []Finding {
	configs := nested(f.Body, "vpc_config")
	if len(configs) == 0 {
		return []Finding{finding(f.Range, "%s has no vpc_config: the function must run in the VPC's private subnets", f.Address())}
	}
	var out []Finding
	for _, vc := range configs {
		if subnets := attr(vc, "subnet_ids"); len(m.refs(subnets)) == 0 || len(m.strings(subnets)) > 0 {
			out = append(out, finding(vc.SrcRange, "%s: vpc_config subnet_ids must come from a reference "+
				"(the VPC's private subnets), not a literal list or literal IDs", f.Address()))
		}
		if !m.onlyOwnSecurityGroups(attr(vc, "security_group_ids")) {
			out = append(out, finding(vc.SrcRange, "%s: vpc_config security_group_ids must refer only to aws_security_group "+
				"resources of this module, so that its rules can be read", f.Address()))
		}
	}
	return out
}

// onlyOwnSecurityGroups reports whether e refers to at least one
// aws_security_group and to nothing else, each declared in this module.
func (m *Module) onlyOwnSecurityGroups(e hclsyntax.Expression) bool {
	refs, sgs := m.refs(e), m.securityGroups(e)
	if len(sgs) == 0 || len(sgs) != len(refs) || len(m.strings(e)) > 0 {
		return false
	}
	return !slices.ContainsFunc(sgs, func(sg string) bool { return m.lookup(sg) == nil })
}

func (m *Module) checkLambdaConcurrency(f *Block) []Finding {
	e := attr(f.Body, "reserved_concurrent_executions")
	switch {
	case len(present(e)) == 0:
		return []Finding{finding(f.Range, "%s does not set reserved_concurrent_executions: its concurrency must be bounded", f.Address())}
	case m.is(e, "-1"):
		return []Finding{finding(f.Range, "%s: reserved_concurrent_executions = -1 reserves nothing, so its concurrency is unbounded", f.Address())}
	}
	return nil
}
