package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// resourceStarActions are the actions that may be allowed on resource "*",
// because the API has no resource-level permissions (the IAM Service
// Authorization Reference lists no resource type for them). Keys are lower case.
var resourceStarActions = map[string]string{
	"ecr:getauthorizationtoken":        "the registry token is account-wide",
	"cloudwatch:putmetricdata":         "metrics have no ARN (scope with the cloudwatch:namespace condition)",
	"xray:puttracesegments":            "X-Ray segments have no ARN",
	"xray:puttelemetryrecords":         "X-Ray telemetry has no ARN",
	"ssmmessages:createcontrolchannel": "ECS Exec channels have no ARN",
	"ssmmessages:createdatachannel":    "ECS Exec channels have no ARN",
	"ssmmessages:opencontrolchannel":   "ECS Exec channels have no ARN",
	"ssmmessages:opendatachannel":      "ECS Exec channels have no ARN",
	// The pipeline's deploy step. A task definition revision gets its ARN
	// only once registered, so neither call can be scoped; what bounds a
	// registered task definition is the iam:PassRole statement beside it,
	// which names the roles it may carry (see passrole-conditioned).
	"ecs:describetaskdefinition": "ECS supports no resource-level permissions for it; the PassRole condition bounds what a task definition may carry",
	"ecs:registertaskdefinition": "ECS supports no resource-level permissions for it; the PassRole condition bounds what a task definition may carry",
	// The scan gate with ECR enhanced scanning: ECR reads the findings from
	// Amazon Inspector as the caller. The ECR User Guide's policy for it
	// grants both on "*" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html).
	"inspector2:listcoverage": "Inspector's coverage list is account-wide; ECR's documented policy grants it on *",
	"inspector2:listfindings": "Inspector's findings list is account-wide; ECR's documented policy grants it on *",
	// The rotation Lambda reads the listener's rules before it modifies its
	// own; the Service Authorization Reference lists no resource type for
	// DescribeRules (ModifyRule takes the listener-rule ARN):
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
	"elasticloadbalancing:describerules": "ELBv2 Describe calls have no resource-level permissions",
	// Lambda attaching a function to a VPC
	// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
	// The Service Authorization Reference
	// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html)
	// lists no resource type for the Describe calls, and the Lambda guide
	// says DescribeNetworkInterfaces works only on "*". The other four take
	// resources, but Lambda checks the execution role for them when the
	// function is created, before any interface exists (so no ec2:Vpc or
	// interface ID to match), and the guide says DeleteNetworkInterface must
	// name a unique interface or all of them, or the function may lose the
	// VPC; AWSLambdaVPCAccessExecutionRole grants all six on "*". Scoping
	// them risks a function that cannot be created or cleaned up; what they
	// can touch is bounded by Lambda, which makes these calls for the
	// function's own subnets and security groups.
	"ec2:describenetworkinterfaces":  "EC2 Describe calls have no resource-level permissions",
	"ec2:describesubnets":            "EC2 Describe calls have no resource-level permissions",
	"ec2:createnetworkinterface":     "Lambda checks a VPC function's role for it on \"*\" before any interface exists (AWSLambdaVPCAccessExecutionRole)",
	"ec2:deletenetworkinterface":     "the Lambda guide requires it on every interface ID, or the function may lose the VPC",
	"ec2:assignprivateipaddresses":   "Lambda checks a VPC function's role for it on \"*\" (AWSLambdaVPCAccessExecutionRole)",
	"ec2:unassignprivateipaddresses": "Lambda checks a VPC function's role for it on \"*\" (AWSLambdaVPCAccessExecutionRole)",
}

// statement is one IAM policy statement, from an aws_iam_policy_document or a
// JSON policy (jsonencode or a JSON string).
type statement struct {
	rng          hcl.Range
	effect       string // "Allow" or "Deny"; any other value counts as Allow
	actions      []any  // strings, or unknown
	notActions   bool
	excluded     []any // the NotAction list, when notActions
	resources    []any
	notResources bool
	principals   []any // identifiers of AWS principals ("arn:aws:iam::${…}:root")
	conditions   []condition
}

type condition struct {
	test, variable string
	values         []any
}

var checkIAMNoWildcards = Check{
	Name: "iam-no-wildcards",
	Promise: "No IAM policy statement allows action \"*\", a service wildcard (ecs:*) or a partial wildcard (s3:Get*), or NotAction; " +
		"resource \"*\" is allowed only with actions that have no resource-level permissions. KMS key policies are the " +
		"exception: there \"*\" means the key itself, and kms:* is allowed to the account root principal only.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			m.eachStatement(func(s statement, keyPolicy bool) {
				out = append(out, checkStatement(s, keyPolicy)...)
			})
		}
		return out
	},
}

// eachStatement calls fn for every policy statement written in the module:
// those of every aws_iam_policy_document and of every JSON policy. keyPolicy
// says whether the statement belongs to the policy of a KMS key.
func (m *Module) eachStatement(fn func(s statement, keyPolicy bool)) {
	keyPolicies := m.keyPolicyRefs()
	for _, d := range m.data("aws_iam_policy_document") {
		isKey := slices.Contains(keyPolicies, d.Address())
		for _, s := range documentStatements(m, d) {
			fn(s, isKey)
		}
	}
	m.eachJSONPolicy(func(where string, e hclsyntax.Expression, rng hcl.Range) {
		isKey := where == "key-policy" || slices.Contains(keyPolicies, where)
		for _, s := range m.jsonStatements(e, rng) {
			fn(s, isKey)
		}
	})
}

// actionMatches reports whether an IAM action pattern ("iam:PassRole",
// "iam:Pass*", "*", "iam:Pass?ole") matches the action, as IAM compares
// them: case-insensitively, * for any run of characters and ? for one.
func actionMatches(pattern, action string) bool {
	p, a := strings.ToLower(pattern), []rune(strings.ToLower(action))
	// match[j] says whether the pattern read so far matches a[:j].
	match := make([]bool, len(a)+1)
	match[0] = true
	for _, c := range p {
		next := make([]bool, len(a)+1)
		for j := range next {
			switch {
			case c == '*':
				next[j] = match[j] || (j > 0 && next[j-1])
			case j > 0 && (c == '?' || c == a[j-1]):
				next[j] = match[j-1]
			}
		}
		match = next
	}
	return match[len(a)]
}

func checkStatement(s statement, keyPolicy bool) []Finding {
	if s.effect == "Deny" {
		return nil // a broad deny only narrows
	}
	var out []Finding
	if s.notActions {
		out = append(out, finding(s.rng, "an Allow with not_actions/NotAction allows every other action"))
	}
	var wildcards []string
	for _, a := range s.actions {
		action, ok := a.(string)
		switch {
		case !ok:
			out = append(out, finding(s.rng, "actions are not literal strings, so they cannot be checked for wildcards"))
		case keyPolicy && rootOnly(s.principals) && strings.HasPrefix(strings.ToLower(action), "kms:"):
			// The standard key-administration statement: the account root
			// (that is, IAM policies in the account) may do anything with
			// the key, kms:* or any part of it.
		case action == "*":
			out = append(out, finding(s.rng, "allows every action (\"*\")"))
		case strings.ContainsAny(action, "*?"):
			wildcards = append(wildcards, fmt.Sprintf("%q", action))
		}
	}
	if len(wildcards) > 0 {
		out = append(out, finding(s.rng, "allows wildcard actions %s: list the actions", strings.Join(wildcards, ", ")))
	}
	if keyPolicy {
		return out
	}
	if needless := needlessStar(s); len(needless) > 0 {
		out = append(out, finding(s.rng, "resource \"*\" for %s, which support resource-level permissions", strings.Join(needless, ", ")))
	}
	return out
}

// needlessStar returns the literal actions that s allows on resource "*"
// although they support resource-level permissions (they are not in
// resourceStarActions). Wildcard actions are left to the wildcard findings.
func needlessStar(s statement) []string {
	if !slices.Contains(s.resources, any("*")) {
		return nil
	}
	var needless []string
	for _, a := range s.actions {
		if action, ok := a.(string); ok && !strings.ContainsAny(action, "*?") {
			if _, allowed := resourceStarActions[strings.ToLower(action)]; !allowed {
				needless = append(needless, action)
			}
		}
	}
	return needless
}

// rootOnly reports whether every principal is an account root ("arn:aws:iam::<account>:root").
func rootOnly(principals []any) bool {
	if len(principals) == 0 {
		return false
	}
	for _, p := range principals {
		s, ok := p.(string)
		if !ok || !strings.Contains(s, ":iam::") || !strings.HasSuffix(s, ":root") {
			return false
		}
	}
	return true
}

// keyPolicyRefs returns what the policies of the module's KMS keys refer to
// ("data.aws_iam_policy_document.key", "local.key_policy").
func (m *Module) keyPolicyRefs() []string {
	var out []string
	for _, typ := range []string{"aws_kms_key", "aws_kms_key_policy"} {
		for _, k := range m.resources(typ) {
			for _, r := range rawRefs(attr(k.Body, "policy")) {
				parts := strings.Split(r, ".")
				switch {
				case parts[0] == "data" && len(parts) >= 3:
					out = append(out, strings.Join(parts[:3], "."))
				case parts[0] == "local" && len(parts) >= 2:
					out = append(out, strings.Join(parts[:2], "."))
				}
			}
		}
	}
	return out
}

// eachJSONPolicy calls fn for every expression in the module that is written
// as a JSON policy: a jsonencode(...) call or a string holding JSON, as the
// value of a resource, data source or module argument (nested blocks
// included) or of a local value. where is "key-policy" for the policy of a
// KMS key, "local.<name>" for a local value, and "" otherwise.
func (m *Module) eachJSONPolicy(fn func(where string, e hclsyntax.Expression, rng hcl.Range)) {
	var walk func(b *Block, body *hclsyntax.Body)
	walk = func(b *Block, body *hclsyntax.Body) {
		for name, a := range body.Attributes {
			if isJSONPolicy(a.Expr) {
				where := ""
				if name == "policy" && body == b.Body && (b.Type == "aws_kms_key" || b.Type == "aws_kms_key_policy") {
					where = "key-policy"
				}
				fn(where, a.Expr, a.SrcRange)
			}
		}
		for _, nb := range body.Blocks {
			walk(b, nb.Body)
		}
	}
	for _, blocks := range [][]*Block{m.Resources, m.Data, m.Calls} {
		for _, b := range blocks {
			if b.Type != "aws_iam_policy_document" {
				walk(b, b.Body)
			}
		}
	}
	for name, e := range m.Locals {
		if isJSONPolicy(e) {
			fn("local."+name, e, e.Range())
		}
	}
}

// isJSONPolicy reports whether e is written as JSON: jsonencode(...) or a
// string (heredoc or quoted) starting with "{".
func isJSONPolicy(e hclsyntax.Expression) bool {
	if call, ok := e.(*hclsyntax.FunctionCallExpr); ok {
		return call.Name == "jsonencode"
	}
	if _, ok := e.(*hclsyntax.TemplateExpr); ok {
		if s, ok := literalString(e); ok {
			return strings.HasPrefix(strings.TrimSpace(s), "{")
		}
	}
	return false
}

// policyStatements returns the statements of a policy argument: a reference
// to an aws_iam_policy_document's json, or a JSON policy.
func (m *Module) policyStatements(e hclsyntax.Expression, rng hcl.Range) []statement {
	if e == nil {
		return nil
	}
	var out []statement
	for _, r := range m.refs(e) {
		parts := strings.Split(r, ".")
		if len(parts) >= 3 && parts[0] == "data" && parts[1] == "aws_iam_policy_document" {
			if d := m.lookup(strings.Join(parts[:3], ".")); d != nil {
				out = append(out, documentStatements(m, d)...)
			}
		}
	}
	return append(out, m.jsonStatements(e, rng)...)
}

// documentStatements reads the statement blocks of an aws_iam_policy_document.
func documentStatements(m *Module, d *Block) []statement {
	var out []statement
	for _, st := range nested(d.Body, "statement") {
		s := statement{rng: st.SrcRange, effect: "Allow"}
		if e := attr(st, "effect"); e != nil {
			s.effect, _ = m.str(e)
		}
		s.actions = m.list(attr(st, "actions"))
		s.notActions = len(present(attr(st, "not_actions"))) > 0
		s.excluded = m.list(attr(st, "not_actions"))
		s.resources = m.list(attr(st, "resources"))
		s.notResources = len(present(attr(st, "not_resources"))) > 0
		for _, p := range nested(st, "principals") {
			s.principals = append(s.principals, m.list(attr(p, "identifiers"))...)
		}
		for _, c := range nested(st, "condition") {
			test, _ := m.str(attr(c, "test"))
			variable, _ := m.str(attr(c, "variable"))
			s.conditions = append(s.conditions, condition{test: test, variable: variable, values: m.list(attr(c, "values"))})
		}
		out = append(out, s)
	}
	return out
}

func (m *Module) list(e hclsyntax.Expression) []any {
	if e == nil {
		return nil
	}
	return asList(m.tree(e))
}

// jsonStatements reads the statements of a JSON policy document.
func (m *Module) jsonStatements(e hclsyntax.Expression, rng hcl.Range) []statement {
	doc, ok := fromJSON(m.tree(e)).(map[string]any)
	if !ok {
		return nil
	}
	ranges := m.statementRanges(e)
	var out []statement
	for i, raw := range asList(doc["Statement"]) {
		if i < len(ranges) {
			rng = ranges[i]
		}
		st, ok := raw.(map[string]any)
		if !ok {
			out = append(out, statement{rng: rng, actions: []any{unknown{e}}})
			continue
		}
		s := statement{rng: rng, effect: "Allow"}
		if v, ok := st["Effect"]; ok {
			s.effect = fmt.Sprint(v)
		}
		s.actions = asList(st["Action"])
		excluded, notActions := st["NotAction"]
		s.notActions, s.excluded = notActions, asList(excluded)
		s.resources = asList(st["Resource"])
		_, s.notResources = st["NotResource"]
		s.principals = principalIdentifiers(st["Principal"])
		if conds, ok := st["Condition"].(map[string]any); ok {
			for test, vars := range conds {
				byVar, _ := vars.(map[string]any)
				for variable, values := range byVar {
					s.conditions = append(s.conditions, condition{test: test, variable: variable, values: asList(values)})
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// statementRanges returns the source range of each statement of a policy
// written as jsonencode({ Statement = [{...}, ...] }), so that findings point at
// the statement rather than the policy argument; nil when written otherwise.
func (m *Module) statementRanges(e hclsyntax.Expression) []hcl.Range {
	call, ok := m.resolve(e).(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return nil
	}
	doc, ok := m.resolve(call.Args[0]).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	for _, item := range doc.Items {
		if key, _ := objectKey(item.KeyExpr); key != "Statement" {
			continue
		}
		list, ok := m.resolve(item.ValueExpr).(*hclsyntax.TupleConsExpr)
		if !ok {
			return nil
		}
		var out []hcl.Range
		for _, x := range list.Exprs {
			out = append(out, x.Range())
		}
		return out
	}
	return nil
}

// principalIdentifiers flattens a JSON Principal: "*" or {"AWS": ..., "Service": ...}.
func principalIdentifiers(p any) []any {
	obj, ok := p.(map[string]any)
	if !ok {
		return asList(p)
	}
	var out []any
	for _, v := range obj {
		out = append(out, asList(v)...)
	}
	return out
}

// ecrPushActions are, beside ecr:PutImage, the actions an identity needs to
// push an image (ECR User Guide, "IAM permissions for pushing an image").
var ecrPushActions = []string{
	"ecr:BatchCheckLayerAvailability",
	"ecr:CompleteLayerUpload",
	"ecr:InitiateLayerUpload",
	"ecr:UploadLayerPart",
	"ecr:BatchGetImage",
}

// The push set is in the ECR User Guide, "IAM permissions for pushing an image":
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html
var checkECRPushActions = Check{
	Name: "ecr-push-actions",
	Promise: "Every Allow statement of an aws_iam_policy_document that allows ecr:PutImage also allows the rest of the push set " +
		"of the ECR User Guide (\"IAM permissions for pushing an image\"): " + strings.Join(ecrPushActions, ", ") + ".",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			for _, d := range m.data("aws_iam_policy_document") {
				for _, s := range documentStatements(m, d) {
					out = append(out, checkPushStatement(d, s)...)
				}
			}
		}
		return out
	},
}

// checkPushStatement reports a statement that allows ecr:PutImage without
// the other push actions. A Deny is left alone: denying only the writes (and
// not BatchGetImage, a read) is what a push-only restriction means.
func checkPushStatement(d *Block, s statement) []Finding {
	if s.effect == "Deny" || s.notActions {
		return nil
	}
	allows := func(action string) bool {
		return slices.ContainsFunc(s.actions, func(a any) bool {
			p, ok := a.(string)
			return ok && actionMatches(p, action)
		})
	}
	if !allows("ecr:PutImage") {
		return nil
	}
	var missing []string
	for _, a := range ecrPushActions {
		if !allows(a) {
			missing = append(missing, a)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	unread := ""
	if slices.ContainsFunc(s.actions, func(a any) bool { _, ok := a.(string); return !ok }) {
		unread = " (some of its actions cannot be read without evaluation)"
	}
	return []Finding{finding(s.rng, "%s: a statement allows ecr:PutImage but not %s%s: a push needs them all "+
		"(ECR User Guide, pushing an image), else it fails half-way", d.Address(), strings.Join(missing, ", "), unread)}
}
