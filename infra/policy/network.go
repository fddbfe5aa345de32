package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// SecretHeader is the origin header CloudFront adds and the ALB requires.
const SecretHeader = "X-CloudFront-Secret"

// CloudFrontPrefixList is the AWS-managed prefix list of CloudFront's
// origin-facing addresses.
const CloudFrontPrefixList = "com.amazonaws.global.cloudfront.origin-facing"

var checkALBInternalPrivate = Check{
	Name: "alb-internal-private",
	Promise: "Every load balancer is internal (internal = true) and placed in private subnets " +
		"(its subnets refer only to a variable, module output, aws_subnet or aws_subnets named private).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, lb := range cfg.resources("aws_lb") {
			m := lb.Module
			if !m.isTrue(attr(lb.Body, "internal")) {
				out = append(out, finding(lb.Range, "%s: internal must be the literal true", lb.Address()))
			}
			subnets := []hclsyntax.Expression{attr(lb.Body, "subnets")}
			for _, sm := range nested(lb.Body, "subnet_mapping") {
				subnets = append(subnets, attr(sm, "subnet_id"))
			}
			out = append(out, lb.Module.checkPrivateSubnets(lb.Range, lb.Address(), subnets...)...)
		}
		return out
	},
}

var checkPrivateSubnetWiring = Check{
	Name: "private-subnet-wiring",
	Promise: "Every module argument named like private_subnet_ids is fed from private subnets, " +
		"so the name the ALB and ECS checks rely on tells the truth where modules are composed.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			for _, call := range m.Calls {
				for name, a := range call.Body.Attributes {
					if strings.Contains(name, "private_subnet") {
						out = append(out, m.checkPrivateSubnets(a.SrcRange, call.Address()+"."+name, a.Expr)...)
					}
				}
			}
		}
		return out
	},
}

// checkPrivateSubnets reports subnet expressions that are missing or refer to
// anything but private subnets.
func (m *Module) checkPrivateSubnets(r hcl.Range, what string, exprs ...hclsyntax.Expression) []Finding {
	var refs []string
	for _, e := range exprs {
		for _, ref := range m.refs(e) {
			switch strings.SplitN(ref, ".", 2)[0] {
			case "count", "each", "path", "terraform", "self":
				continue // indexes, not subnets
			}
			refs = append(refs, ref)
		}
	}
	if len(refs) == 0 {
		return []Finding{finding(r, "%s: subnets must refer to private subnets (e.g. var.private_subnet_ids), found no reference", what)}
	}
	var out []Finding
	for _, ref := range refs {
		if !isPrivateSubnetRef(ref) {
			out = append(out, finding(r, "%s: subnets refer to %s, which is not named as private subnets", what, ref))
		}
	}
	return out
}

// isPrivateSubnetRef reports whether a reference names private subnets:
// var.*private*subnet*, module.X.*private*subnet*, aws_subnet.*private*,
// data.aws_subnets.*private* (never anything named public).
func isPrivateSubnetRef(ref string) bool {
	parts := strings.Split(ref, ".")
	var name string
	switch {
	case parts[0] == "var" && len(parts) >= 2:
		name = parts[1]
	case parts[0] == "module" && len(parts) >= 3:
		name = parts[2]
	case parts[0] == "aws_subnet" && len(parts) >= 2:
		name = parts[1] + "_subnet"
	case parts[0] == "data" && len(parts) >= 3 && (parts[1] == "aws_subnets" || parts[1] == "aws_subnet"):
		name = parts[2] + "_subnet"
	default:
		return false
	}
	name = strings.ToLower(name)
	return strings.Contains(name, "private") && strings.Contains(name, "subnet") && !strings.Contains(name, "public")
}

var checkListenerDefault403 = Check{
	Name:    "listener-default-403",
	Promise: "Every ALB listener's default action is a fixed-response 403, so only an explicit rule can reach the service.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, l := range cfg.resources("aws_lb_listener") {
			m := l.Module
			actions := nested(l.Body, "default_action")
			if len(actions) == 0 {
				out = append(out, finding(l.Range, "%s has no default_action", l.Address()))
			}
			for _, a := range actions {
				if !m.is(attr(a, "type"), "fixed-response") {
					out = append(out, finding(a.SrcRange, "%s: default_action type must be \"fixed-response\" (403)", l.Address()))
					continue
				}
				responses := nested(a, "fixed_response")
				if len(responses) == 0 {
					out = append(out, finding(a.SrcRange, "%s: default_action has no fixed_response block", l.Address()))
				}
				for _, fr := range responses {
					if !m.is(attr(fr, "status_code"), "403") {
						out = append(out, finding(fr.SrcRange, "%s: default fixed_response status_code must be \"403\"", l.Address()))
					}
				}
			}
		}
		return out
	},
}

var checkListenerForwardNeedsSecret = Check{
	Name: "listener-forward-needs-secret",
	Promise: "No listener's default action forwards, and every listener rule that forwards requires the " +
		SecretHeader + " header with a value that comes from a reference, not a literal.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, l := range cfg.resources("aws_lb_listener") {
			for _, a := range nested(l.Body, "default_action") {
				if l.Module.forwards(a) {
					out = append(out, finding(a.SrcRange, "%s: default_action forwards, so the secret-header rule protects nothing", l.Address()))
				}
			}
		}
		for _, r := range cfg.resources("aws_lb_listener_rule") {
			if !slices.ContainsFunc(nested(r.Body, "action"), r.Module.forwards) {
				continue
			}
			out = append(out, r.Module.checkSecretCondition(r)...)
		}
		return out
	},
}

// forwards reports whether an ALB action may forward: its type is "forward"
// or not a literal, or it has a forward block or target group.
func (m *Module) forwards(action *hclsyntax.Body) bool {
	typ, ok := m.str(attr(action, "type"))
	return !ok || typ == "forward" || len(nested(action, "forward")) > 0 || attr(action, "target_group_arn") != nil
}

func (m *Module) checkSecretCondition(rule *Block) []Finding {
	h := m.secretHeaderCondition(rule)
	if h == nil {
		return []Finding{finding(rule.Range, "%s forwards without an http_header condition on %s", rule.Address(), SecretHeader)}
	}
	if msg := m.secretValueProblem(attr(h, "values")); msg != "" {
		return []Finding{finding(h.SrcRange, "%s: %s condition: argument values %s", rule.Address(), SecretHeader, msg)}
	}
	return nil
}

// secretHeaderCondition returns the rule's first http_header condition on
// SecretHeader, or nil.
func (m *Module) secretHeaderCondition(rule *Block) *hclsyntax.Body {
	for _, c := range nested(rule.Body, "condition") {
		for _, h := range nested(c, "http_header") {
			if name, _ := m.str(attr(h, "http_header_name")); strings.EqualFold(name, SecretHeader) {
				return h
			}
		}
	}
	return nil
}

// secretValueProblem says what is wrong with the expression of a secret
// value, or returns "": it must come from a reference (a variable without a
// default, a resource, a module output), never from a literal string.
func (m *Module) secretValueProblem(e hclsyntax.Expression) string {
	switch {
	case e == nil:
		return "is missing"
	case len(m.refs(e)) == 0:
		return "is a literal: the secret must come from a reference (the Secrets Manager secret or a variable)"
	case len(m.strings(e)) > 0:
		return "contains a literal string (or a variable default): the secret must not be written in the code"
	}
	return ""
}

var checkECSPrivateNoPublicIP = Check{
	Name:    "ecs-private-no-public-ip",
	Promise: "Every ECS service runs in private subnets with assign_public_ip = false stated explicitly.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, s := range cfg.resources("aws_ecs_service") {
			m := s.Module
			ncs := nested(s.Body, "network_configuration")
			if len(ncs) == 0 {
				out = append(out, finding(s.Range, "%s has no network_configuration (awsvpc: subnets and assign_public_ip)", s.Address()))
			}
			for _, nc := range ncs {
				if !m.isFalse(attr(nc, "assign_public_ip")) {
					out = append(out, finding(nc.SrcRange, "%s: network_configuration must set assign_public_ip = false", s.Address()))
				}
				out = append(out, s.Module.checkPrivateSubnets(nc.SrcRange, s.Address(), attr(nc, "subnets"))...)
			}
		}
		return out
	},
}

// ingress is one security group ingress rule, whichever way it is written.
type ingress struct {
	rng         hcl.Range
	what        string   // the resource address, for messages
	targets     []string // addresses of the aws_security_group(s) it opens
	cidrs       []hclsyntax.Expression
	prefixLists []hclsyntax.Expression
	groups      []hclsyntax.Expression
	self        bool
	rule        *Block // the aws_vpc_security_group_ingress_rule, when written as one
}

// ingressRules returns every ingress rule in the module:
// aws_vpc_security_group_ingress_rule, aws_security_group_rule of type
// ingress, and inline ingress of aws_security_group and aws_default_security_group.
func (m *Module) ingressRules() []ingress {
	var out []ingress
	for _, r := range m.resources("aws_vpc_security_group_ingress_rule") {
		out = append(out, ingress{
			rng: r.Range, what: r.Address(), rule: r,
			targets:     m.securityGroups(attr(r.Body, "security_group_id")),
			cidrs:       present(attr(r.Body, "cidr_ipv4"), attr(r.Body, "cidr_ipv6")),
			prefixLists: present(attr(r.Body, "prefix_list_id")),
			groups:      present(attr(r.Body, "referenced_security_group_id")),
		})
	}
	for _, r := range m.resources("aws_security_group_rule") {
		if typ, ok := m.str(attr(r.Body, "type")); ok && typ != "ingress" {
			continue
		}
		out = append(out, ingress{
			rng: r.Range, what: r.Address(),
			targets:     m.securityGroups(attr(r.Body, "security_group_id")),
			cidrs:       present(attr(r.Body, "cidr_blocks"), attr(r.Body, "ipv6_cidr_blocks")),
			prefixLists: present(attr(r.Body, "prefix_list_ids")),
			groups:      present(attr(r.Body, "source_security_group_id")),
			self:        m.isTrue(attr(r.Body, "self")),
		})
	}
	for _, typ := range []string{"aws_security_group", "aws_default_security_group"} {
		for _, sg := range m.resources(typ) {
			for _, in := range nested(sg.Body, "ingress") {
				out = append(out, ingress{
					rng: in.SrcRange, what: sg.Address() + " ingress",
					targets:     []string{sg.Address()},
					cidrs:       present(attr(in, "cidr_blocks"), attr(in, "ipv6_cidr_blocks")),
					prefixLists: present(attr(in, "prefix_list_ids")),
					groups:      present(attr(in, "security_groups")),
					self:        m.isTrue(attr(in, "self")),
				})
			}
			// `ingress = [...]` (attribute syntax; `ingress = []` removes all rules).
			if e := attr(sg.Body, "ingress"); e != nil {
				if list, ok := m.tree(e).([]any); !ok || len(list) > 0 {
					out = append(out, ingress{rng: sg.Body.Attributes["ingress"].SrcRange,
						what: sg.Address() + " ingress", targets: []string{sg.Address()}, cidrs: []hclsyntax.Expression{e}})
				}
			}
		}
	}
	return out
}

// present returns the expressions that are set: not absent, null or [].
func present(exprs ...hclsyntax.Expression) []hclsyntax.Expression {
	var out []hclsyntax.Expression
	for _, e := range exprs {
		if e == nil {
			continue
		}
		if lit, ok := e.(*hclsyntax.LiteralValueExpr); ok && lit.Val.IsNull() {
			continue
		}
		if t, ok := e.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == 0 {
			continue
		}
		out = append(out, e)
	}
	return out
}

// securityGroups returns the aws_security_group addresses an expression
// refers to ("aws_security_group.alb").
func (m *Module) securityGroups(e hclsyntax.Expression) []string {
	var out []string
	for _, r := range m.refs(e) {
		parts := strings.Split(r, ".")
		if len(parts) >= 2 && parts[0] == "aws_security_group" {
			out = append(out, parts[0]+"."+parts[1])
		}
	}
	return out
}

var checkSGIngressSources = Check{
	Name: "sg-ingress-sources",
	Promise: "In a module with a load balancer or ECS service, ingress never comes from a CIDR; the ALB security group " +
		"admits only the CloudFront origin-facing managed prefix list and, through " + listenerClientPattern + ", " +
		"the listener's clients; the task security group admits only the ALB security group.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			lbs, services := m.resources("aws_lb"), m.resources("aws_ecs_service")
			if len(lbs) == 0 && len(services) == 0 {
				continue
			}
			albSGs, albFindings := sgsOf(lbs, "the ALB", func(b *hclsyntax.Body) []hclsyntax.Expression {
				return []hclsyntax.Expression{attr(b, "security_groups")}
			})
			taskSGs, taskFindings := sgsOf(services, "the tasks", func(b *hclsyntax.Body) []hclsyntax.Expression {
				var es []hclsyntax.Expression
				for _, nc := range nested(b, "network_configuration") {
					es = append(es, attr(nc, "security_groups"))
				}
				return es
			})
			out = append(out, albFindings...)
			out = append(out, taskFindings...)
			for _, in := range m.ingressRules() {
				out = append(out, m.checkIngressSources(in, albSGs, taskSGs)...)
			}
		}
		return out
	},
}

// sgsOf returns the security groups of this module that the blocks attach,
// and a finding for each block whose groups cannot be told.
func sgsOf(blocks []*Block, role string, groups func(*hclsyntax.Body) []hclsyntax.Expression) ([]string, []Finding) {
	var all []string
	var out []Finding
	for _, b := range blocks {
		var sgs []string
		for _, e := range groups(b.Body) {
			sgs = append(sgs, b.Module.securityGroups(e)...)
		}
		if len(sgs) == 0 {
			out = append(out, finding(b.Range, "%s: security groups of %s must refer to an aws_security_group of this module, so that its ingress can be checked", b.Address(), role))
		}
		all = append(all, sgs...)
	}
	return all, out
}

func (m *Module) checkIngressSources(in ingress, albSGs, taskSGs []string) []Finding {
	var out []Finding
	if len(in.cidrs) > 0 {
		out = append(out, finding(in.rng, "%s admits a CIDR range; ingress here must come from a security group or prefix list", in.what))
	}
	opens := func(sgs []string) bool {
		return slices.ContainsFunc(in.targets, func(t string) bool { return slices.Contains(sgs, t) })
	}
	switch {
	case opens(albSGs):
		if len(in.groups) > 0 || in.self {
			if problems := m.listenerClientProblems(in); len(problems) > 0 {
				out = append(out, finding(in.rng, "%s admits a security group to the ALB (%s); besides the CloudFront origin-facing prefix list, "+
					"only %s may reach it", in.what, strings.Join(problems, "; "), listenerClientPattern))
			}
		}
		for _, pl := range in.prefixLists {
			if !m.isCloudFrontPrefixList(pl) {
				out = append(out, finding(in.rng, "%s: the ALB's prefix list must be data.aws_ec2_managed_prefix_list named %s", in.what, CloudFrontPrefixList))
			}
		}
	case opens(taskSGs):
		if len(in.prefixLists) > 0 || in.self {
			out = append(out, finding(in.rng, "%s admits a prefix list or itself to the tasks; only the ALB security group may reach them", in.what))
		}
		for _, g := range in.groups {
			sgs := m.securityGroups(g)
			if len(sgs) == 0 || slices.ContainsFunc(sgs, func(sg string) bool { return !slices.Contains(albSGs, sg) }) {
				out = append(out, finding(in.rng, "%s: the tasks may be reached only from the ALB's security group", in.what))
			}
		}
	}
	return out
}

// listenerClientPattern is the one way a security group may reach the ALB:
// the listener's clients (the rotation Lambda's probe) on the listener port.
// Clients gain nothing by it: the listener forwards only requests carrying
// the secret header (listener-default-403, listener-forward-needs-secret).
const listenerClientPattern = "an aws_vpc_security_group_ingress_rule with for_each = var.listener_client_security_group_ids, " +
	"referenced_security_group_id = each.value, ip_protocol = \"tcp\" and from_port = to_port = the listener's port " +
	"(the literal port of the module's aws_lb_listener, else 80)"

// listenerClientProblems says how an ingress rule that admits a security
// group to the ALB departs from listenerClientPattern; none when it follows it.
// Each part must be written exactly so: a rule that names its group, or
// for_each over anything else, admits clients nobody declared as such.
func (m *Module) listenerClientProblems(in ingress) []string {
	if in.self {
		return []string{"self = true"}
	}
	if in.rule == nil {
		return []string{"not an aws_vpc_security_group_ingress_rule"}
	}
	body := in.rule.Body
	var problems []string
	if !isTraversal(attr(body, "for_each"), "var.listener_client_security_group_ids") {
		problems = append(problems, "for_each is not var.listener_client_security_group_ids")
	}
	if !isTraversal(attr(body, "referenced_security_group_id"), "each.value") {
		problems = append(problems, "referenced_security_group_id is not each.value")
	}
	if s, ok := literalString(attr(body, "ip_protocol")); !ok || s != "tcp" {
		problems = append(problems, "ip_protocol is not the literal \"tcp\"")
	}
	port := m.listenerPort()
	for _, name := range []string{"from_port", "to_port"} {
		if s, ok := literalString(attr(body, name)); !ok || s != port {
			problems = append(problems, fmt.Sprintf("%s is not the literal %s", name, port))
		}
	}
	return problems
}

// listenerPort returns the port of the module's ALB listener when exactly one
// listener's port is written literally (and no other listener's port is
// unreadable), else "80": the HTTP port the origin is reached on.
func (m *Module) listenerPort() string {
	ports := map[string]bool{}
	for _, l := range m.resources("aws_lb_listener") {
		p, ok := literalString(attr(l.Body, "port"))
		if !ok {
			return "80"
		}
		ports[p] = true
	}
	if len(ports) != 1 {
		return "80"
	}
	for p := range ports {
		return p
	}
	return "80"
}

// isTraversal reports whether e is exactly the reference name ("each.value"),
// with no index, attribute or function around it.
func isTraversal(e hclsyntax.Expression, name string) bool {
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	return ok && len(st.Traversal) == len(strings.Split(name, ".")) && traversalName(st.Traversal) == name
}

// isCloudFrontPrefixList reports whether e refers only to
// data.aws_ec2_managed_prefix_list data sources that select CloudFront's
// origin-facing list (by name, or a prefix-list-name filter).
func (m *Module) isCloudFrontPrefixList(e hclsyntax.Expression) bool {
	refs := m.refs(e)
	if len(refs) == 0 {
		return false
	}
	for _, r := range refs {
		parts := strings.Split(r, ".")
		if len(parts) < 3 || parts[0] != "data" || parts[1] != "aws_ec2_managed_prefix_list" {
			return false
		}
		d := m.lookup(strings.Join(parts[:3], "."))
		if d == nil {
			return false
		}
		ok := m.is(attr(d.Body, "name"), CloudFrontPrefixList)
		for _, f := range nested(d.Body, "filter") {
			if m.is(attr(f, "name"), "prefix-list-name") && slices.Contains(m.strings(attr(f, "values")), CloudFrontPrefixList) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

var checkNoOpenIngress = Check{
	Name:    "no-open-ingress",
	Promise: "No security group ingress anywhere admits 0.0.0.0/0 or ::/0, on any port.",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			for _, in := range m.ingressRules() {
				for _, e := range in.cidrs {
					for _, s := range m.strings(e) {
						if s == "0.0.0.0/0" || s == "::/0" {
							out = append(out, finding(in.rng, "%s admits %s", in.what, s))
						}
					}
				}
			}
		}
		return out
	},
}

// vpcOriginUnsupportedZones are the Availability Zone IDs in which CloudFront
// VPC origins are not supported. IDs, not names: names differ per account.
var vpcOriginUnsupportedZones = []string{"use1-az3", "usw1-az2", "apne1-az3", "cac1-az3"}

// The zones are listed in "Restrict access with VPC origins", CloudFront
// Developer Guide:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
var checkVPCOriginZones = Check{
	Name: "vpc-origin-zones",
	Promise: "Every aws_availability_zones data source excludes, by exclude_zone_ids (a list literal or a local value holding one), " +
		"the zones in which the CloudFront Developer Guide says VPC origins are not supported: " + strings.Join(vpcOriginUnsupportedZones, ", ") + ".",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, m := range cfg.Modules {
			for _, d := range m.data("aws_availability_zones") {
				if msg := m.zoneExclusionProblem(attr(d.Body, "exclude_zone_ids")); msg != "" {
					out = append(out, finding(d.Range, "%s: exclude_zone_ids %s: subnets there could not be reached "+
						"by CloudFront's VPC origin", d.Address(), msg))
				}
			}
		}
		return out
	},
}

// zoneExclusionProblem says what is wrong with an exclude_zone_ids
// expression, or returns "".
func (m *Module) zoneExclusionProblem(e hclsyntax.Expression) string {
	if e == nil {
		return "is missing"
	}
	v, ok := literal(m.resolve(e))
	if !ok || !(v.Type().IsTupleType() || v.Type().IsListType()) {
		return "must be a list literal (or a local value holding one)"
	}
	var excluded []string
	for _, z := range asList(ctyToGo(v)) {
		if s, ok := z.(string); ok {
			excluded = append(excluded, s)
		}
	}
	var missing []string
	for _, z := range vpcOriginUnsupportedZones {
		if !slices.Contains(excluded, z) {
			missing = append(missing, fmt.Sprintf("%q", z))
		}
	}
	if len(missing) > 0 {
		return "does not exclude " + strings.Join(missing, ", ")
	}
	return ""
}
