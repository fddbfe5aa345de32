package policy

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The checks of the delivery pipeline: S3 source bucket -> EventBridge rule
// -> CodeBuild project, which builds and pushes the image, registers a task
// definition revision, updates the service and writes the deployed image to
// an SSM parameter that the service module reads.

// drift is why image-no-drift matters, said in each of its findings.
const drift = "the next terraform apply would roll the service back to the image Terraform last saw"

var checkPassRoleConditioned = Check{
	Name: "passrole-conditioned",
	Promise: "Every Allow statement that may allow iam:PassRole (written out, through a wildcard such as " +
		"iam:Pass* or iam:*, through NotAction, or in actions that cannot be read) names the roles it may pass (no \"*\" in " +
		"any resource, no NotResource) and has a condition on iam:PassedToService (StringEquals, StringEqualsIgnoreCase, or StringLike without wildcards) with literal service principals.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			// Resource-based statements (trust, bucket, key policies) are
			// checked too: iam:PassRole has no meaning there, so one that
			// allows it is a mistake worth a finding.
			m.eachStatement(func(s statement, _ bool) {
				out = append(out, checkPassRole(s)...)
			})
		}
		return out
	},
}

const passRole = "iam:PassRole"

func checkPassRole(s statement) []Finding {
	if s.effect == "Deny" {
		return nil
	}
	how, allows := passRoleGrant(s)
	if !allows {
		return nil
	}
	var out []Finding
	if problem := passRoleResourcesProblem(s); problem != "" {
		out = append(out, finding(s.rng, "allows iam:PassRole%s %s: name the roles it may pass", how, problem))
	}
	if problem := passedToServiceProblem(s.conditions); problem != "" {
		out = append(out, finding(s.rng, "allows iam:PassRole%s %s: "+
			"add condition StringEquals iam:PassedToService = [\"<service>.amazonaws.com\"] so the roles go only to that service", how, problem))
	}
	return out
}

// passRoleGrant reports whether an Allow statement may allow iam:PassRole,
// and how, for messages: "" when the action is written out.
func passRoleGrant(s statement) (string, bool) {
	if s.notActions {
		for _, a := range s.excluded {
			if p, ok := a.(string); ok && actionMatches(p, passRole) {
				return "", false
			}
		}
		return " (through NotAction)", true
	}
	how, allows := "", false
	for _, a := range s.actions {
		p, ok := a.(string)
		switch {
		case ok && strings.EqualFold(p, passRole):
			return "", true
		case ok && actionMatches(p, passRole):
			how, allows = fmt.Sprintf(" (through %q)", p), true
		case !ok && !allows:
			how, allows = " (perhaps: its actions cannot be read)", true
		}
	}
	return how, allows
}

func passRoleResourcesProblem(s statement) string {
	switch {
	case s.notResources:
		return "on every role but those in NotResource"
	case len(s.resources) == 0:
		return "on no named role (resources are missing)"
	}
	var wild []string
	for _, r := range s.resources {
		if r, ok := r.(string); ok && strings.ContainsAny(r, "*?") {
			wild = append(wild, fmt.Sprintf("%q", r))
		}
	}
	if len(wild) > 0 {
		return "on " + strings.Join(wild, ", ")
	}
	return ""
}

// servicePrincipal is an AWS service principal: "ecs-tasks.amazonaws.com".
var servicePrincipal = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`)

// passedToServiceProblem says what is wrong with a statement's conditions on
// iam:PassedToService, or returns "" when one of them (conditions are ANDed)
// limits the passed roles to literal service principals.
func passedToServiceProblem(conds []condition) string {
	problem := "without a condition on iam:PassedToService"
	for _, c := range conds {
		if !strings.EqualFold(c.variable, "iam:PassedToService") {
			continue
		}
		switch {
		case !slices.ContainsFunc([]string{"StringEquals", "StringEqualsIgnoreCase", "StringLike"}, func(t string) bool {
			return strings.EqualFold(t, c.test)
		}):
			problem = fmt.Sprintf("with iam:PassedToService tested by %q", c.test)
		case len(c.values) == 0:
			problem = "with iam:PassedToService but no values"
		case slices.ContainsFunc(c.values, func(v any) bool {
			s, ok := v.(string)
			return !ok || !servicePrincipal.MatchString(s)
		}):
			problem = "with iam:PassedToService values that are not literal service principals"
		default:
			return ""
		}
	}
	return problem
}

var checkCodeBuildLeastPrivilege = Check{
	Name: "codebuild-least-privilege",
	Promise: "Every CodeBuild project's service_role is an aws_iam_role of its module whose policies are all inline and " +
		"readable (aws_iam_policy_document or JSON; no managed policies) and allow no wildcard action, NotAction or " +
		"NotResource, and resource \"*\" only with actions that have no resource-level permissions; the project sets " +
		"encryption_key (not an AWS-managed alias) and sends its logs to an aws_cloudwatch_log_group of its module.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, p := range cfg.resources("aws_codebuild_project") {
			m := p.Module
			roles := m.addresses(attr(p.Body, "service_role"), "aws_iam_role")
			if len(roles) == 0 {
				out = append(out, finding(p.Range, "%s: service_role must refer to an aws_iam_role of this module, so that its policies can be checked", p.Address()))
			}
			for _, role := range roles {
				statements, problems := m.rolePolicies(m.lookup(role))
				out = append(out, problems...)
				for _, s := range statements {
					out = append(out, checkBuildStatement(s, role)...)
				}
			}
			out = append(out, m.checkBuildEncryption(p)...)
			out = append(out, m.checkBuildLogs(p)...)
		}
		return dedupe(out)
	},
}

func checkBuildStatement(s statement, role string) []Finding {
	if s.effect == "Deny" {
		return nil
	}
	var out []Finding
	if s.notActions {
		out = append(out, finding(s.rng, "%s (a CodeBuild service role): an Allow with NotAction allows every other action", role))
	}
	if s.notResources {
		out = append(out, finding(s.rng, "%s (a CodeBuild service role): an Allow with NotResource allows every other resource", role))
	}
	var wild []string
	unreadable := false
	for _, a := range s.actions {
		action, ok := a.(string)
		switch {
		case !ok:
			unreadable = true
		case strings.ContainsAny(action, "*?"):
			wild = append(wild, fmt.Sprintf("%q", action))
		}
	}
	if unreadable {
		out = append(out, finding(s.rng, "%s (a CodeBuild service role): actions are not literal strings, so they cannot be checked", role))
	}
	if len(wild) > 0 {
		out = append(out, finding(s.rng, "%s (a CodeBuild service role) allows wildcard actions %s: list the actions the build needs", role, strings.Join(wild, ", ")))
	}
	if needless := needlessStar(s); len(needless) > 0 {
		out = append(out, finding(s.rng, "%s (a CodeBuild service role): resource \"*\" for %s, which support resource-level permissions", role, strings.Join(needless, ", ")))
	}
	return out
}

func (m *Module) checkBuildEncryption(p *Block) []Finding {
	keys := present(attr(p.Body, "encryption_key"))
	if len(keys) == 0 {
		return []Finding{finding(p.Range, "%s: encryption_key is missing (artifacts and cache would use the AWS-managed S3 key)", p.Address())}
	}
	if s, ok := m.str(keys[0]); ok && strings.Contains(s, "alias/aws/") {
		return []Finding{finding(p.Range, "%s: encryption_key %q is an AWS-managed key; use a customer-managed key", p.Address(), s)}
	}
	return nil
}

func (m *Module) checkBuildLogs(p *Block) []Finding {
	for _, lc := range nested(p.Body, "logs_config") {
		for _, cw := range nested(lc, "cloudwatch_logs") {
			if !m.is(attr(cw, "status"), "DISABLED") && len(m.addresses(attr(cw, "group_name"), "aws_cloudwatch_log_group")) > 0 {
				return nil
			}
		}
	}
	return []Finding{finding(p.Range, "%s: logs_config { cloudwatch_logs { group_name } } must name an aws_cloudwatch_log_group of this module "+
		"(else CodeBuild creates its own group, unencrypted and kept forever)", p.Address())}
}

// eventTargetActions is, by the resource type a target's arn refers to, the
// one action the target's role needs to start it.
var eventTargetActions = map[string]string{
	"aws_codebuild_project": "codebuild:StartBuild",
}

// grant is one action on one resource (a reference such as
// "aws_codebuild_project.this.arn").
type grant struct{ action, resource string }

var checkEventTargetRoleScoped = Check{
	Name: "event-target-role-scoped",
	Promise: "The role_arn of every EventBridge target (aws_cloudwatch_event_target) is an aws_iam_role of its module whose " +
		"policies are all inline and readable (no managed policies) and allow only the action that starts the target " +
		"(codebuild:StartBuild for a CodeBuild project) on exactly the target's arn; a target kind the check does not know is reported.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			var roles []string
			grants := map[string][]grant{}
			unknownKind := map[string]bool{}
			for _, t := range m.resources("aws_cloudwatch_event_target") {
				if len(present(attr(t.Body, "role_arn"))) == 0 {
					continue // the target needs no role (Lambda, SNS, SQS use resource policies)
				}
				targetRoles := m.addresses(attr(t.Body, "role_arn"), "aws_iam_role")
				if len(targetRoles) == 0 {
					out = append(out, finding(t.Range, "%s: role_arn must refer to an aws_iam_role of this module, so that what the role allows can be checked", t.Address()))
				}
				g, problem := m.targetGrant(t)
				if problem != "" {
					out = append(out, finding(t.Range, "%s: %s", t.Address(), problem))
				}
				for _, r := range targetRoles {
					if _, seen := grants[r]; !seen {
						roles = append(roles, r)
					}
					grants[r] = append(grants[r], g)
					unknownKind[r] = unknownKind[r] || problem != ""
				}
			}
			for _, r := range roles {
				statements, problems := m.rolePolicies(m.lookup(r))
				out = append(out, problems...)
				if unknownKind[r] {
					continue // reported at the target: what the role may do is not known
				}
				for _, s := range statements {
					out = append(out, m.checkTargetStatement(s, r, grants[r])...)
				}
			}
		}
		return out
	},
}

// targetGrant returns what the role of an event target needs, or says why
// the check cannot tell.
func (m *Module) targetGrant(t *Block) (grant, string) {
	arn, ok := m.exactRef(attr(t.Body, "arn"))
	if !ok {
		return grant{}, "arn must be a reference to the target resource (aws_codebuild_project.<name>.arn), " +
			"else the role's policies cannot be checked against it"
	}
	typ := strings.SplitN(arn, ".", 2)[0]
	action, known := eventTargetActions[typ]
	if !known {
		return grant{}, fmt.Sprintf("arn refers to %s, a target kind this check does not know (it knows %s), "+
			"so what its role may do cannot be checked", arn, strings.Join(knownTargetKinds(), ", "))
	}
	return grant{action: action, resource: arn}, ""
}

func knownTargetKinds() []string {
	var out []string
	for typ, action := range eventTargetActions {
		out = append(out, typ+" ("+action+")")
	}
	slices.Sort(out)
	return out
}

func (m *Module) checkTargetStatement(s statement, role string, grants []grant) []Finding {
	if s.effect == "Deny" {
		return nil
	}
	var actions, resources []string
	for _, g := range grants {
		if !slices.Contains(actions, g.action) {
			actions = append(actions, g.action)
		}
		if !slices.Contains(resources, g.resource) {
			resources = append(resources, g.resource)
		}
	}
	who := role + " (the role of an EventBridge target)"
	var out []Finding
	if s.notActions {
		out = append(out, finding(s.rng, "%s: an Allow with NotAction allows every other action; it may allow only %s", who, strings.Join(actions, ", ")))
	}
	var extra []string
	for _, a := range s.actions {
		action, ok := a.(string)
		if !ok || !slices.ContainsFunc(actions, func(want string) bool { return strings.EqualFold(action, want) }) {
			extra = append(extra, m.describe(a))
		}
	}
	if len(extra) > 0 {
		out = append(out, finding(s.rng, "%s allows %s; it may allow only %s", who, strings.Join(extra, ", "), strings.Join(actions, ", ")))
	}
	var wrong []string
	for _, r := range s.resources {
		if u, ok := r.(unknown); ok {
			if ref, ok := m.exactRef(u.expr); ok && slices.Contains(resources, ref) {
				continue
			}
		}
		wrong = append(wrong, m.describe(r))
	}
	switch {
	case s.notResources:
		out = append(out, finding(s.rng, "%s: an Allow with NotResource allows every other resource; resources must be exactly %s", who, strings.Join(resources, ", ")))
	case len(s.resources) == 0:
		out = append(out, finding(s.rng, "%s: resources are missing; they must be exactly %s", who, strings.Join(resources, ", ")))
	case len(wrong) > 0:
		out = append(out, finding(s.rng, "%s: resources must be exactly the target's arn (%s), found %s", who, strings.Join(resources, ", "), strings.Join(wrong, ", ")))
	}
	return out
}

// describe renders a value of a policy tree for a message.
func (m *Module) describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case unknown:
		if ref, ok := m.exactRef(v.expr); ok {
			return ref
		}
		return "a computed value"
	}
	return fmt.Sprint(v)
}

// rolePolicies returns the statements of every policy attached to an IAM role
// in its module (aws_iam_role_policy and inline_policy blocks), and a finding
// for each policy that cannot be checked: a managed policy (attached with
// aws_iam_role_policy_attachment, aws_iam_policy_attachment or
// managed_policy_arns) or one that cannot be read without evaluation.
// Policies attached from outside the module are not seen.
func (m *Module) rolePolicies(role *Block) ([]statement, []Finding) {
	var statements []statement
	var out []Finding
	read := func(e hclsyntax.Expression, rng hcl.Range, what string) {
		s, ok := m.readPolicy(e, rng, 0)
		statements = append(statements, s...)
		if !ok {
			out = append(out, finding(rng, "%s: the policy of %s cannot be read without evaluation: "+
				"write an aws_iam_policy_document or jsonencode({...})", what, role.Address()))
		}
	}
	for _, ip := range nested(role.Body, "inline_policy") {
		if e := attr(ip, "policy"); e != nil {
			read(e, ip.SrcRange, role.Address()+" inline_policy")
		}
	}
	if len(present(attr(role.Body, "managed_policy_arns"))) > 0 {
		out = append(out, finding(role.Range, "%s: managed_policy_arns attaches managed policies, which cannot be checked here: "+
			"write the permissions as an inline policy", role.Address()))
	}
	for _, rp := range m.resources("aws_iam_role_policy") {
		if m.refersTo(attr(rp.Body, "role"), role.Address()) {
			read(attr(rp.Body, "policy"), rp.Range, rp.Address())
		}
	}
	for _, a := range m.resources("aws_iam_role_policy_attachment") {
		if m.refersTo(attr(a.Body, "role"), role.Address()) {
			out = append(out, finding(a.Range, "%s attaches a managed policy to %s, which cannot be checked here: "+
				"write the permissions as an inline policy", a.Address(), role.Address()))
		}
	}
	for _, a := range m.resources("aws_iam_policy_attachment") {
		if m.refersTo(attr(a.Body, "roles"), role.Address()) {
			out = append(out, finding(a.Range, "%s attaches a managed policy to %s, which cannot be checked here: "+
				"write the permissions as an inline policy", a.Address(), role.Address()))
		}
	}
	return statements, out
}

// readPolicy returns the statements of a policy argument and whether all of
// it could be read: a reference to an aws_iam_policy_document's json (its
// source and override documents included) or a JSON policy.
func (m *Module) readPolicy(e hclsyntax.Expression, rng hcl.Range, depth int) ([]statement, bool) {
	if e == nil || depth > maxDepth {
		return nil, false
	}
	if ref, ok := m.exactRef(e); ok {
		parts := strings.Split(ref, ".")
		if len(parts) != 4 || parts[0] != "data" || parts[1] != "aws_iam_policy_document" || (parts[3] != "json" && parts[3] != "minified_json") {
			return nil, false
		}
		d := m.lookup(strings.Join(parts[:3], "."))
		if d == nil {
			return nil, false
		}
		statements, ok := documentStatements(m, d), true
		for _, name := range []string{"source_policy_documents", "override_policy_documents"} {
			docs := attr(d.Body, name)
			if docs == nil {
				continue
			}
			list, isList := m.resolve(docs).(*hclsyntax.TupleConsExpr)
			if !isList {
				ok = false
				continue
			}
			for _, x := range list.Exprs {
				s, read := m.readPolicy(x, rng, depth+1)
				statements, ok = append(statements, s...), ok && read
			}
		}
		for _, name := range []string{"source_json", "override_json"} {
			if x := attr(d.Body, name); x != nil {
				s, read := m.readPolicy(x, rng, depth+1)
				statements, ok = append(statements, s...), ok && read
			}
		}
		return statements, ok
	}
	if !isJSONPolicy(m.resolve(e)) {
		return nil, false
	}
	statements := m.jsonStatements(e, rng)
	return statements, len(statements) > 0
}

var checkImageNoDrift = Check{
	Name: "image-no-drift",
	Promise: "Every module argument image reads module.<pipeline>.<output>, where the output (in a loaded local module) reads an " +
		"aws_ssm_parameter's insecure_value or value, the parameter has lifecycle ignore_changes on the value it sets (or all), " +
		"and an aws_codebuild_project of that module passes the parameter's name in a plain-text environment_variable; " +
		"otherwise " + drift + ".",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			for _, call := range m.Calls {
				if a, ok := call.Body.Attributes["image"]; ok {
					out = append(out, cfg.checkImage(m, call.Address()+".image", a)...)
				}
			}
		}
		return dedupe(out)
	},
}

func (c *Config) checkImage(m *Module, what string, a *hclsyntax.Attribute) []Finding {
	ref, ok := m.exactRef(a.Expr)
	parts := strings.Split(ref, ".")
	if !ok || len(parts) != 3 || parts[0] != "module" {
		return []Finding{finding(a.SrcRange, "%s is %s, not an output of the pipeline module that reads its image parameter: %s",
			what, m.describeExpr(a.Expr), drift)}
	}
	callIdx := slices.IndexFunc(m.Calls, func(b *Block) bool { return b.Name == parts[1] })
	if callIdx < 0 {
		return []Finding{finding(a.SrcRange, "%s reads %s, but this module does not call module.%s", what, ref, parts[1])}
	}
	p, problem := c.calledModule(m.Calls[callIdx])
	if problem != "" {
		return []Finding{finding(a.SrcRange, "%s reads %s, but module.%s %s, so it cannot be checked that the image comes from "+
			"the parameter the pipeline writes (else %s)", what, ref, parts[1], problem, drift)}
	}
	output, ok := p.Outputs[parts[2]]
	if !ok {
		return []Finding{finding(a.SrcRange, "%s reads %s, but %s has no output %q", what, ref, p.Dir, parts[2])}
	}
	param, read := p.parameterRead(attr(output.Body, "value"))
	if param == nil {
		return []Finding{finding(output.Range, "output %q is used as a service image but does not read an aws_ssm_parameter of this module "+
			"(insecure_value or value): the image must come from the parameter the pipeline writes, or %s", output.Name, drift)}
	}
	var out []Finding
	for _, name := range p.unignoredValues(param, read) {
		out = append(out, finding(param.Range, "%s: lifecycle ignore_changes must include %s (or be all): the pipeline writes the deployed "+
			"image there, and without it Terraform resets the parameter and %s", param.Address(), name, drift))
	}
	if !p.passesParameterName(param) {
		out = append(out, finding(param.Range, "%s: no aws_codebuild_project of this module passes %s.name in a plain-text environment_variable, "+
			"so the pipeline is not told where to write the deployed image and %s", param.Address(), param.Address(), drift))
	}
	return out
}

// calledModule returns the loaded module that a module block's source names,
// or says why there is none.
func (c *Config) calledModule(call *Block) (*Module, string) {
	source, ok := call.Module.str(attr(call.Body, "source"))
	switch {
	case !ok:
		return nil, "has no literal source"
	case !strings.HasPrefix(source, "./") && !strings.HasPrefix(source, "../"):
		return nil, fmt.Sprintf("comes from %q, not a local directory", source)
	}
	want, err := filepath.Abs(filepath.Join(call.Module.Dir, source))
	if err != nil {
		return nil, err.Error()
	}
	for _, m := range c.Modules {
		if dir, err := filepath.Abs(m.Dir); err == nil && dir == want {
			return m, ""
		}
	}
	return nil, fmt.Sprintf("comes from %s, which is not among the loaded directories", filepath.Join(call.Module.Dir, source))
}

// parameterRead returns the aws_ssm_parameter of the module whose value
// (insecure_value or value) e reads, and that attribute's name.
func (m *Module) parameterRead(e hclsyntax.Expression) (*Block, string) {
	for _, r := range m.refs(e) {
		parts := strings.Split(r, ".")
		if len(parts) >= 3 && parts[0] == "aws_ssm_parameter" && (parts[2] == "insecure_value" || parts[2] == "value") {
			if b := m.lookup(parts[0] + "." + parts[1]); b != nil {
				return b, parts[2]
			}
		}
	}
	return nil, ""
}

// unignoredValues returns the value attributes that Terraform would reset on
// the parameter: those it sets (insecure_value, value; the one read when it
// sets neither) that lifecycle ignore_changes does not list, unless it is all.
func (m *Module) unignoredValues(param *Block, read string) []string {
	var set []string
	for _, name := range []string{"insecure_value", "value"} {
		if attr(param.Body, name) != nil {
			set = append(set, name)
		}
	}
	if len(set) == 0 {
		set = []string{read}
	}
	var out []string
	for _, name := range set {
		if !m.ignoresChanges(param, name) {
			out = append(out, name)
		}
	}
	return out
}

// passesParameterName reports whether an aws_codebuild_project of the module
// passes the parameter's name in a plain-text environment variable (with type
// PARAMETER_STORE CodeBuild would pass the parameter's value instead), written
// out or generated by `dynamic "environment_variable"` from a map or list
// that holds the name.
func (m *Module) passesParameterName(param *Block) bool {
	name := param.Address() + ".name"
	passes := func(v *hclsyntax.Body, values hclsyntax.Expression) bool {
		if typ, ok := m.str(attr(v, "type")); ok && typ != "PLAINTEXT" {
			return false
		}
		return slices.Contains(m.refs(values), name)
	}
	for _, p := range m.resources("aws_codebuild_project") {
		for _, env := range nested(p.Body, "environment") {
			for _, b := range env.Blocks {
				switch {
				case b.Type == "environment_variable":
					if passes(b.Body, attr(b.Body, "value")) {
						return true
					}
				case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == "environment_variable":
					iterator := "environment_variable"
					if it := attr(b.Body, "iterator"); it != nil {
						iterator = hcl.ExprAsKeyword(it)
					}
					for _, c := range b.Body.Blocks {
						if c.Type != "content" {
							continue
						}
						value := attr(c.Body, "value")
						// value = <iterator>.value: the name must be among the for_each values.
						if slices.Contains(rawRefs(value), iterator+".value") {
							value = attr(b.Body, "for_each")
						}
						if passes(c.Body, value) {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// describeExpr renders an expression for a message: its literal value, or
// what it refers to.
func (m *Module) describeExpr(e hclsyntax.Expression) string {
	if s, ok := m.str(e); ok {
		return fmt.Sprintf("the literal %q", s)
	}
	var refs []string
	for _, r := range m.refs(e) {
		if !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	if len(refs) == 0 {
		return "a computed value"
	}
	return "built from " + strings.Join(refs, ", ")
}

// addresses returns the addresses of the resources of the given type in the
// module that e refers to ("aws_iam_role.codebuild"), locals followed.
func (m *Module) addresses(e hclsyntax.Expression, typ string) []string {
	var out []string
	for _, r := range m.refs(e) {
		parts := strings.Split(r, ".")
		if len(parts) < 2 || parts[0] != typ {
			continue
		}
		if addr := parts[0] + "." + parts[1]; m.lookup(addr) != nil && !slices.Contains(out, addr) {
			out = append(out, addr)
		}
	}
	return out
}

// exactRef returns the reference that e is and nothing else, with index
// steps ("aws_codebuild_project.this.arn", "module.pipeline.image"), seen
// through parentheses, "${...}" and local values.
func (m *Module) exactRef(e hclsyntax.Expression) (string, bool) {
	for range maxDepth {
		switch x := e.(type) {
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		case *hclsyntax.TemplateWrapExpr:
			e = x.Wrapped
		case *hclsyntax.ScopeTraversalExpr:
			if x.Traversal.RootName() != "local" {
				return traversalString(x.Traversal), true
			}
			def, ok := m.localDef(traversalName(x.Traversal))
			if !ok || len(x.Traversal) != 2 {
				return "", false
			}
			e = def
		default:
			return "", false
		}
	}
	return "", false
}

// traversalString is traversalName with index steps: "aws_x.this[0].arn".
func traversalString(t hcl.Traversal) string {
	var sb strings.Builder
	sb.WriteString(t.RootName())
	for _, step := range t[1:] {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			sb.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			fmt.Fprintf(&sb, "[%v]", ctyToGo(s.Key))
		case hcl.TraverseSplat:
			sb.WriteString("[*]")
		}
	}
	return sb.String()
}

// dedupe drops repeated findings: one policy or parameter seen through
// several projects or callers is reported once.
func dedupe(findings []Finding) []Finding {
	seen := map[string]bool{}
	var out []Finding
	for _, f := range findings {
		if key := f.String(); !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	return out
}
