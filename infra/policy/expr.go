package policy

import (
	"encoding/json"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// maxDepth bounds how far local values are followed (locals may not be
// cyclic in valid Terraform, but the checks must not loop on invalid input).
const maxDepth = 16

// attr returns the expression of the named attribute, or nil.
func attr(body *hclsyntax.Body, name string) hclsyntax.Expression {
	if a, ok := body.Attributes[name]; ok {
		return a.Expr
	}
	return nil
}

// nested returns the bodies of the nested blocks of the given type, including
// the content of `dynamic "<type>"` blocks (which stand for zero or more of them).
func nested(body *hclsyntax.Body, typ string) []*hclsyntax.Body {
	var out []*hclsyntax.Body
	for _, b := range body.Blocks {
		switch {
		case b.Type == typ:
			out = append(out, b.Body)
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
			for _, c := range b.Body.Blocks {
				if c.Type == "content" {
					out = append(out, c.Body)
				}
			}
		}
	}
	return out
}

// literal returns the value of an expression that refers to nothing and calls
// no function, and false for anything else (or for null).
func literal(e hclsyntax.Expression) (cty.Value, bool) {
	if e == nil || len(e.Variables()) > 0 {
		return cty.NilVal, false
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return cty.NilVal, false
	}
	return v, true
}

// literalString returns the expression's value when it is a literal string
// (or a literal number or bool, converted as Terraform would).
func literalString(e hclsyntax.Expression) (string, bool) {
	v, ok := literal(e)
	if !ok {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", false
	}
	return s.AsString(), true
}

// resolve returns the definition of a local value that e names (local.x),
// followed through chains of locals, or e itself.
func (m *Module) resolve(e hclsyntax.Expression) hclsyntax.Expression {
	for range maxDepth {
		st, ok := e.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(st.Traversal) != 2 {
			return e
		}
		def, ok := m.localDef(traversalName(st.Traversal))
		if !ok {
			return e
		}
		e = def
	}
	return e
}

// str returns the literal string value of e, or of the local value it names.
func (m *Module) str(e hclsyntax.Expression) (string, bool) {
	return literalString(m.resolve(e))
}

// is reports whether e (or the local value it names) is the literal value
// want, compared after conversion to a string: "403" and 403 are the same.
func (m *Module) is(e hclsyntax.Expression, want string) bool {
	s, ok := m.str(e)
	return ok && s == want
}

// isTrue reports whether e is the literal true.
func (m *Module) isTrue(e hclsyntax.Expression) bool { return m.is(e, "true") }

// isFalse reports whether e is the literal false.
func (m *Module) isFalse(e hclsyntax.Expression) bool { return m.is(e, "false") }

// rawRefs returns the references in e as dotted names without index steps:
// var.x, module.net.private_subnet_ids, aws_kms_key.this.arn, local.y.
func rawRefs(e hclsyntax.Expression) []string {
	if e == nil {
		return nil
	}
	var out []string
	for _, t := range e.Variables() {
		out = append(out, traversalName(t))
	}
	return out
}

func traversalName(t hcl.Traversal) string {
	parts := []string{t.RootName()}
	for _, step := range t[1:] {
		if a, ok := step.(hcl.TraverseAttr); ok {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ".")
}

// refs is rawRefs with local values replaced by the references of their
// definitions, so `subnets = local.subnets` is judged by what local.subnets uses.
func (m *Module) refs(e hclsyntax.Expression) []string {
	return m.refsDepth(e, 0)
}

func (m *Module) refsDepth(e hclsyntax.Expression, depth int) []string {
	var out []string
	for _, r := range rawRefs(e) {
		if def, ok := m.localDef(r); ok && depth < maxDepth {
			out = append(out, m.refsDepth(def, depth+1)...)
			continue
		}
		out = append(out, r)
	}
	return out
}

// localDef returns the definition of the local value a reference names.
func (m *Module) localDef(ref string) (hclsyntax.Expression, bool) {
	parts := strings.Split(ref, ".")
	if len(parts) < 2 || parts[0] != "local" {
		return nil, false
	}
	def, ok := m.Locals[parts[1]]
	return def, ok
}

// refersTo reports whether any reference in e (locals followed) starts with
// the given address, e.g. "aws_s3_bucket.logs".
func (m *Module) refersTo(e hclsyntax.Expression, address string) bool {
	for _, r := range m.refs(e) {
		if r == address || strings.HasPrefix(r, address+".") {
			return true
		}
	}
	return false
}

// strings returns every literal string in e, following local values and the
// defaults of input variables: what a CIDR argument could end up being.
func (m *Module) strings(e hclsyntax.Expression) []string {
	return m.stringsDepth(e, 0)
}

func (m *Module) stringsDepth(e hclsyntax.Expression, depth int) []string {
	if e == nil || depth > maxDepth {
		return nil
	}
	var out []string
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.LiteralValueExpr:
			if n.Val.Type() == cty.String {
				out = append(out, n.Val.AsString())
			}
		case *hclsyntax.ScopeTraversalExpr:
			name := traversalName(n.Traversal)
			if def, ok := m.localDef(name); ok {
				out = append(out, m.stringsDepth(def, depth+1)...)
			} else if parts := strings.Split(name, "."); parts[0] == "var" && len(parts) > 1 {
				if v, ok := m.Variables[parts[1]]; ok {
					out = append(out, m.stringsDepth(attr(v.Body, "default"), depth+1)...)
				}
			}
		}
		return nil
	})
	return out
}

// unknown is a value in a tree that cannot be known without evaluation.
type unknown struct{ expr hclsyntax.Expression }

// tree converts an expression to the plain Go values encoding/json would
// produce from it (map[string]any, []any, string, bool, float64, nil), so
// that jsonencode(...) arguments can be read like JSON. It follows local
// values, understands jsonencode, merge, concat, tolist and toset, and
// reads a literal string holding JSON as that JSON. Anything else becomes
// unknown. A template with interpolations becomes a string with "${…}" in
// place of each interpolation (enough to read "arn:aws:iam::${…}:root").
func (m *Module) tree(e hclsyntax.Expression) any {
	return m.treeDepth(e, 0)
}

func (m *Module) treeDepth(e hclsyntax.Expression, depth int) any {
	if depth > maxDepth {
		return unknown{e}
	}
	switch e := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		obj := map[string]any{}
		for _, item := range e.Items {
			key, ok := objectKey(item.KeyExpr)
			if !ok {
				continue
			}
			obj[key] = m.treeDepth(item.ValueExpr, depth+1)
		}
		return obj
	case *hclsyntax.TupleConsExpr:
		list := make([]any, 0, len(e.Exprs))
		for _, x := range e.Exprs {
			list = append(list, m.treeDepth(x, depth+1))
		}
		return list
	case *hclsyntax.ParenthesesExpr:
		return m.treeDepth(e.Expression, depth+1)
	case *hclsyntax.TemplateWrapExpr:
		return m.treeDepth(e.Wrapped, depth+1)
	case *hclsyntax.FunctionCallExpr:
		return m.callTree(e, depth)
	case *hclsyntax.ConditionalExpr:
		// Lists on both sides, such as statements that appear only with an
		// input (cond ? [] : [{...}]): what either side may hold, so that
		// every element that can appear is checked.
		t, tok := m.treeDepth(e.TrueResult, depth+1).([]any)
		f, fok := m.treeDepth(e.FalseResult, depth+1).([]any)
		if tok && fok {
			return append(append([]any{}, t...), f...)
		}
		return unknown{e}
	case *hclsyntax.ScopeTraversalExpr:
		if def, ok := m.localDef(traversalName(e.Traversal)); ok {
			v := m.treeDepth(def, depth+1)
			for _, step := range e.Traversal[2:] {
				obj, ok := v.(map[string]any)
				a, isAttr := step.(hcl.TraverseAttr)
				if !ok || !isAttr {
					return unknown{e}
				}
				v = obj[a.Name]
			}
			return v
		}
		return unknown{e}
	case *hclsyntax.TemplateExpr:
		if v, ok := literal(e); ok {
			return ctyToGo(v)
		}
		var sb strings.Builder
		for _, part := range e.Parts {
			if s, ok := literalString(part); ok {
				sb.WriteString(s)
			} else {
				sb.WriteString("${…}")
			}
		}
		return sb.String()
	}
	if v, ok := literal(e); ok {
		return ctyToGo(v)
	}
	return unknown{e}
}

func (m *Module) callTree(e *hclsyntax.FunctionCallExpr, depth int) any {
	args := make([]any, 0, len(e.Args))
	for _, a := range e.Args {
		args = append(args, m.treeDepth(a, depth+1))
	}
	switch e.Name {
	case "jsonencode", "tolist", "toset":
		if len(args) == 1 {
			return args[0]
		}
	case "jsondecode":
		if len(args) == 1 {
			if s, ok := args[0].(string); ok {
				var v any
				if json.Unmarshal([]byte(s), &v) == nil {
					return v
				}
			}
		}
	case "merge":
		out := map[string]any{}
		for _, a := range args {
			obj, ok := a.(map[string]any)
			if !ok {
				return unknown{e}
			}
			for k, v := range obj {
				out[k] = v
			}
		}
		return out
	case "concat":
		var out []any
		for _, a := range args {
			list, ok := a.([]any)
			if !ok {
				return unknown{e}
			}
			out = append(out, list...)
		}
		return out
	}
	return unknown{e}
}

// objectKey returns the key of an object constructor item: a bare name
// (`Effect = ...`) or a literal string (`"aws:SecureTransport" = ...`).
func objectKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" && !k.ForceNonLiteral {
			return name, true
		}
		return literalString(k.Wrapped)
	}
	return literalString(e)
}

func ctyToGo(v cty.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case t.IsObjectType() || t.IsMapType():
		obj := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element()
			obj[k.AsString()] = ctyToGo(val)
		}
		return obj
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		var list []any
		for it := v.ElementIterator(); it.Next(); {
			_, val := it.Element()
			list = append(list, ctyToGo(val))
		}
		return list
	}
	return nil
}

// asList returns v as a list: a list as is, a single value as a one-element
// list (IAM's "Action": "s3:GetObject" means ["s3:GetObject"]), nil as empty.
func asList(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// fromJSON reads a string holding a JSON object or array, else returns v.
func fromJSON(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return v
	}
	return out
}

// instance is one instance of a resource: with for_each over a map of
// object literals, the element that each.value stands for; else nil (the
// resource's arguments are read as written).
type instance struct{ value *hclsyntax.ObjectConsExpr }

// instances returns the instances of a resource that can be told apart
// without evaluation: one per element when for_each is a map literal (or a
// local value holding one), else a single instance.
func (m *Module) instances(b *Block) []instance {
	obj, ok := m.resolve(attr(b.Body, "for_each")).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return []instance{{}}
	}
	var out []instance
	for _, item := range obj.Items {
		value, _ := m.resolve(item.ValueExpr).(*hclsyntax.ObjectConsExpr)
		out = append(out, instance{value: value})
	}
	return out
}

// arg returns the expression of a resource's argument for one instance: the
// argument as written, or, when it reads each.value.<key>, that key of the
// instance's element (nil when the element has no such key).
func (m *Module) arg(b *Block, in instance, name string) hclsyntax.Expression {
	e := attr(b.Body, name)
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok || in.value == nil || len(st.Traversal) != 3 {
		return e
	}
	parts := strings.Split(traversalName(st.Traversal), ".")
	if len(parts) != 3 || parts[0] != "each" || parts[1] != "value" {
		return e
	}
	for _, item := range in.value.Items {
		if k, ok := objectKey(item.KeyExpr); ok && k == parts[2] {
			return item.ValueExpr
		}
	}
	return nil
}
