package cdktf

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

// Result is a derived provider schema plus what is needed to stamp it.
type Result struct {
	Schema          *tfschema.ProviderSchema
	ProviderVersion string // e.g. "6.25.0", read from the registry links in the docs
	// Notes summarise every place where the derivation had to guess.
	Notes []string
}

// maxDepth guards the recursion through struct references. cdktf never
// generates cycles (it cuts recursive schemas off with an `any`), so hitting
// it means the input is not what this code expects.
const maxDepth = 64

type kind int

const (
	kindResource kind = iota
	kindDataSource
	kindProvider
)

type deriver struct {
	p     *Package
	byFQN map[string]*jsiiType
	notes map[string][]string // note text -> examples
}

// Derive builds the provider schema from the package.
//
// The jsii assembly is the backbone: the resource/data source/provider
// classes, their config structs, each property's Terraform name (from its
// registry docs link), whether it is optional, its type, and whether it is a
// nested block (docs summary "<name> block."). The JavaScript adds list vs
// set, the nesting of single-struct blocks, computed flags and the
// computed-only attributes (see jsparse.go).
func (p *Package) Derive() (*Result, error) {
	d := &deriver{p: p, byFQN: p.jsii.Types, notes: map[string][]string{}}
	res := &Result{Schema: &tfschema.ProviderSchema{
		ResourceSchemas:   map[string]*tfschema.Schema{},
		DataSourceSchemas: map[string]*tfschema.Schema{},
	}}

	fqns := make([]string, 0, len(p.jsii.Types))
	for f := range p.jsii.Types {
		fqns = append(fqns, f)
	}
	sort.Strings(fqns) // deterministic notes and output

	for _, f := range fqns {
		t := p.jsii.Types[f]
		if t.Kind != "class" {
			continue
		}
		var k kind
		switch t.Base {
		case "cdktf.TerraformResource":
			k = kindResource
		case "cdktf.TerraformDataSource":
			k = kindDataSource
		case "cdktf.TerraformProvider":
			k = kindProvider
		default:
			continue
		}
		cfg := t.configStruct(p.jsii.Types)
		if cfg == nil {
			return nil, fmt.Errorf("%s: no config struct in its initializer", f)
		}
		dir := t.dirOf()
		js := p.js[dir]
		if js == nil {
			return nil, fmt.Errorf("%s: no JavaScript in lib/%s", f, dir)
		}
		block, err := d.block(cfg, js, t.Name+"#config", t.Name, k, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		schema := &tfschema.Schema{Version: 0, Block: block}

		link := reTypeLink.FindStringSubmatch(t.Docs.Summary)
		switch k {
		case kindProvider:
			res.Schema.Provider = schema
			if link == nil {
				return nil, fmt.Errorf("%s: no registry link in %q", f, t.Docs.Summary)
			}
			res.ProviderVersion = link[2]
		default:
			name := js.resourceType[t.Name]
			if name == "" && link != nil {
				name = link[3]
				d.note("type name taken from the docs link (no tfResourceType in the JS)", name)
			}
			if name == "" {
				return nil, fmt.Errorf("%s: cannot tell its Terraform type name", f)
			}
			target := res.Schema.ResourceSchemas
			if k == kindDataSource {
				target = res.Schema.DataSourceSchemas
			}
			if _, dup := target[name]; dup {
				return nil, fmt.Errorf("%s: type %s defined twice", f, name)
			}
			target[name] = schema
		}
	}
	if res.Schema.Provider == nil {
		return nil, fmt.Errorf("no provider class (base cdktf.TerraformProvider) in the assembly")
	}
	res.Notes = d.summary()
	return res, nil
}

// configStruct is the struct a resource/data source/provider class takes as
// its "config" constructor parameter. Its name is usually <Class>Config, but
// cdktf renames it on clashes (Wafv2WebAclAssociationConfigA), so ask jsii.
func (t *jsiiType) configStruct(types map[string]*jsiiType) *jsiiType {
	if t.Init == nil {
		return nil
	}
	for _, prm := range t.Init.Parameters {
		if prm.Name == "config" {
			return types[prm.Type.FQN]
		}
	}
	return nil
}

// block derives a block body from a config struct.
//
//	hclKey   names the attrs literal that renders this struct to HCL
//	         (the struct name, or "<Class>#config" for a top-level config);
//	outClass names the JS class whose getters expose the block's attributes
//	         (the resource class, or "<Struct>OutputReference").
func (d *deriver) block(st *jsiiType, js *jsDir, hclKey, outClass string, k kind, depth int) (*tfschema.Block, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nesting deeper than %d at %s", maxDepth, st.FQN)
	}
	top := depth == 0
	b := &tfschema.Block{Attributes: map[string]*tfschema.Attribute{}, BlockTypes: map[string]*tfschema.NestedBlock{}}
	hcl := js.hcl[hclKey]

	for i := range st.Props {
		prop := &st.Props[i]
		if prop.Static {
			continue
		}
		tf := d.tfName(st.Name, prop)
		// cdktf puts the provider meta-argument "alias" in the provider's
		// config struct; it is not part of the provider's schema.
		if k == kindProvider && top && tf == "alias" {
			continue
		}
		e, hasEntry := hcl[tf]
		if !hasEntry {
			d.note("argument not rendered in the JS attrs (list/set and nesting guessed)", st.Name+"."+tf)
		}
		ann := js.memberByTF(outClass, tf)

		if prop.isBlockDoc(tf) {
			nb, err := d.nestedBlock(prop, st, e, hasEntry, k, depth)
			if err != nil {
				return nil, err
			}
			b.BlockTypes[tf] = nb
			continue
		}

		typ, err := d.typeOf(prop.Type, st, e, hasEntry, depth)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", st.Name, tf, err)
		}
		a := &tfschema.Attribute{Type: typ, Optional: prop.Optional, Required: !prop.Optional}
		if ann != nil && ann.Computed {
			// The annotation is only written for complex members; it says
			// "computed: true, optional: true" for Optional+Computed ones.
			a.Computed, a.Optional, a.Required = true, true, false
		}
		// Heuristic for scalar Optional+Computed arguments, which cdktf does
		// not annotate: in hashicorp/aws, "id" (added by SDKv2 to every
		// resource and data source), "tags_all", and "region" (added by 6.0
		// to every regional resource and data source, defaulting to the
		// provider's) are always computed.
		if top && k != kindProvider && prop.Optional && (tf == "id" || tf == "tags_all" || tf == "region") {
			a.Computed = true
		}
		b.Attributes[tf] = a
	}

	// Computed-only attributes: annotated getters with no config property.
	for _, m := range js.members[outClass] {
		if !m.Computed || m.Optional || m.Required {
			continue
		}
		if b.Attributes[m.TFName] != nil || b.BlockTypes[m.TFName] != nil {
			continue
		}
		typ, err := d.memberType(m, st, depth)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", outClass, m.TFName, err)
		}
		b.Attributes[m.TFName] = &tfschema.Attribute{Type: typ, Computed: true}
	}

	if len(b.Attributes) == 0 {
		b.Attributes = nil
	}
	if len(b.BlockTypes) == 0 {
		b.BlockTypes = nil
	}
	return b, nil
}

// nestedBlock derives a nested block type.
func (d *deriver) nestedBlock(prop *jsiiProp, parent *jsiiType, e hclEntry, hasEntry bool, k kind, depth int) (*tfschema.NestedBlock, error) {
	tf, _ := prop.tfName()
	ref := prop.Type.unwrap()
	isArray := false
	if ref.Collection != nil && ref.Collection.Kind == "array" {
		ref, isArray = ref.Collection.ElementType.unwrap(), true
	}
	elem := d.byFQN[ref.FQN]
	if ref.FQN == "" || elem == nil || elem.Kind != "interface" {
		// cdktf types a block `any` where the provider's schema nests too
		// deeply for it (aws_wafv2_web_acl rule.statement, QuickSight
		// definition). Its contents are unknown. An empty list block keeps
		// the block syntax and a valid schema; a dynamic attribute would
		// not (tofu rejects dynamic types inside set blocks such as
		// wafv2 "rule"), and neither could validate the contents anyway.
		d.note("block typed `any` by cdktf: served as an EMPTY block, anything written inside it fails validate", parent.Name+"."+tf)
		nb := &tfschema.NestedBlock{NestingMode: "list", Block: &tfschema.Block{}}
		if !prop.Optional {
			nb.MinItems = 1
		}
		return nb, nil
	}
	ejs := d.p.js[elem.dirOf()]
	if ejs == nil {
		return nil, fmt.Errorf("%s: no JavaScript for %s", parent.Name, elem.FQN)
	}
	body, err := d.block(elem, ejs, elem.Name, elem.Name+"OutputReference", k, depth+1)
	if err != nil {
		return nil, err
	}
	nb := &tfschema.NestedBlock{Block: body}
	switch kindOf(e, hasEntry) {
	case "list":
		nb.NestingMode = "list"
		if !isArray {
			// cdktf turns a MaxItems:1 list block into a single struct.
			nb.MaxItems = 1
		}
	case "set":
		nb.NestingMode = "set"
		if !isArray {
			nb.MaxItems = 1
		}
	case "struct":
		nb.NestingMode = "single" // SDKv2 timeouts, framework SingleNestedBlock
		if !prop.Optional {
			// tofu requires min_items == max_items (0 or 1) for single blocks.
			nb.MinItems, nb.MaxItems = 1, 1
		}
		return nb, nil
	case "map":
		nb.NestingMode = "map"
	default:
		nb.NestingMode = "list"
		if !isArray {
			nb.MaxItems = 1
		}
		d.note("block nesting unknown: chose list", parent.Name+"."+tf)
	}
	if !prop.Optional {
		// cdktf makes a block required when the provider says MinItems > 0;
		// the exact minimum is not recorded, 1 is the common case.
		nb.MinItems = 1
	}
	return nb, nil
}

func kindOf(e hclEntry, ok bool) string {
	if !ok {
		return ""
	}
	return e.Kind
}

// typeOf maps a jsii type reference of a config property to a cty type.
// e (when present) is the property's attrs entry, whose Kind tells list from
// set for the outermost collection. Inner collections carry no such marker;
// they are taken to be lists.
func (d *deriver) typeOf(ref jsiiTypeRef, owner *jsiiType, e hclEntry, hasEntry bool, depth int) (json.RawMessage, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("type nesting deeper than %d", maxDepth)
	}
	ref = ref.unwrap()
	switch {
	case ref.Primitive != "":
		return primitive(ref.Primitive)
	case ref.Collection != nil:
		elem, err := d.typeOf(ref.Collection.ElementType, owner, hclEntry{}, false, depth+1)
		if err != nil {
			return nil, err
		}
		switch ref.Collection.Kind {
		case "array":
			if kindOf(e, hasEntry) == "set" {
				return tfschema.Collection("set", elem), nil
			}
			return tfschema.Collection("list", elem), nil
		case "map":
			return tfschema.Collection("map", elem), nil
		}
		return nil, fmt.Errorf("unknown collection kind %q", ref.Collection.Kind)
	case ref.FQN != "":
		st := d.byFQN[ref.FQN]
		if st == nil || st.Kind != "interface" {
			d.note("unknown type reference: served as dynamic", owner.Name+" -> "+ref.FQN)
			return tfschema.TypeDynamic, nil
		}
		obj, err := d.objectOf(st, depth+1)
		if err != nil {
			return nil, err
		}
		// A single struct that is not a block is an object-typed attribute,
		// or a MaxItems:1 list/set of objects (SDKv2 ConfigMode attr).
		switch kindOf(e, hasEntry) {
		case "list":
			return tfschema.Collection("list", obj), nil
		case "set":
			return tfschema.Collection("set", obj), nil
		}
		return obj, nil
	}
	d.note("empty type reference: served as dynamic", owner.Name)
	return tfschema.TypeDynamic, nil
}

// objectOf is the object type of a struct used as an attribute type: its
// config properties plus the computed-only attributes of its OutputReference.
func (d *deriver) objectOf(st *jsiiType, depth int) (json.RawMessage, error) {
	js := d.p.js[st.dirOf()]
	if js == nil {
		return nil, fmt.Errorf("no JavaScript for %s", st.FQN)
	}
	attrs := map[string]json.RawMessage{}
	hcl := js.hcl[st.Name]
	for i := range st.Props {
		prop := &st.Props[i]
		if prop.Static {
			continue
		}
		tf := d.tfName(st.Name, prop)
		e, hasEntry := hcl[tf]
		t, err := d.typeOf(prop.Type, st, e, hasEntry, depth+1)
		if err != nil {
			return nil, err
		}
		attrs[tf] = t
	}
	for _, m := range js.members[st.Name+"OutputReference"] {
		if _, done := attrs[m.TFName]; done || !m.Computed {
			continue
		}
		t, err := d.memberType(m, st, depth+1)
		if err != nil {
			return nil, err
		}
		attrs[m.TFName] = t
	}
	return tfschema.Object(attrs), nil
}

// memberType is the type of an annotated computed member, from the cdktf
// accessor its getter calls or the class its constructor builds.
func (d *deriver) memberType(m *member, owner *jsiiType, depth int) (json.RawMessage, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("type nesting deeper than %d", maxDepth)
	}
	coll := "list"
	if m.ToList {
		coll = "set"
	}
	switch m.Getter {
	case "getStringAttribute":
		return tfschema.TypeString, nil
	case "getNumberAttribute":
		return tfschema.TypeNumber, nil
	case "getBooleanAttribute":
		return tfschema.TypeBool, nil
	case "getStringMapAttribute":
		return tfschema.Collection("map", tfschema.TypeString), nil
	case "getNumberMapAttribute":
		return tfschema.Collection("map", tfschema.TypeNumber), nil
	case "getBooleanMapAttribute":
		return tfschema.Collection("map", tfschema.TypeBool), nil
	case "getAnyMapAttribute":
		return tfschema.Collection("map", tfschema.TypeDynamic), nil
	case "getListAttribute":
		return tfschema.Collection(coll, tfschema.TypeString), nil
	case "getNumberListAttribute":
		return tfschema.Collection(coll, tfschema.TypeNumber), nil
	case "interpolationForAttribute":
		// cdktf falls back to a raw interpolation for types it cannot
		// express (dynamic attributes, deep collections).
		d.note("computed attribute read by raw interpolation: served as dynamic", owner.Name+"."+m.TFName)
		return tfschema.TypeDynamic, nil
	case "":
	default:
		d.note("unknown getter accessor: served as dynamic", owner.Name+"."+m.TFName+" "+m.Getter)
		return tfschema.TypeDynamic, nil
	}

	switch c := m.CtorClass; {
	case c == "cdktf.StringMap":
		return tfschema.Collection("map", tfschema.TypeString), nil
	case c == "cdktf.NumberMap":
		return tfschema.Collection("map", tfschema.TypeNumber), nil
	case c == "cdktf.BooleanMap":
		return tfschema.Collection("map", tfschema.TypeBool), nil
	case c == "cdktf.AnyMap":
		return tfschema.Collection("map", tfschema.TypeDynamic), nil
	case strings.HasPrefix(c, "cdktf."):
	case strings.HasSuffix(c, "OutputReference"):
		return d.objectOfClass(strings.TrimSuffix(c, "OutputReference"), owner, depth)
	case strings.HasSuffix(c, "List"):
		obj, err := d.objectOfClass(strings.TrimSuffix(c, "List"), owner, depth)
		if err != nil {
			return nil, err
		}
		if m.WrapsSet {
			return tfschema.Collection("set", obj), nil
		}
		return tfschema.Collection("list", obj), nil
	case strings.HasSuffix(c, "Map"):
		obj, err := d.objectOfClass(strings.TrimSuffix(c, "Map"), owner, depth)
		if err != nil {
			return nil, err
		}
		return tfschema.Collection("map", obj), nil
	}
	d.note("computed attribute of unknown shape: served as dynamic", owner.Name+"."+m.TFName+" "+m.CtorClass)
	return tfschema.TypeDynamic, nil
}

// objectOfClass resolves a struct by its short name in owner's namespace.
func (d *deriver) objectOfClass(name string, owner *jsiiType, depth int) (json.RawMessage, error) {
	fqn := owner.FQN[:strings.LastIndexByte(owner.FQN, '.')+1] + name
	st := d.byFQN[fqn]
	if st == nil || st.Kind != "interface" {
		return nil, fmt.Errorf("no struct %s", fqn)
	}
	return d.objectOf(st, depth+1)
}

func primitive(p string) (json.RawMessage, error) {
	switch p {
	case "string":
		return tfschema.TypeString, nil
	case "number":
		return tfschema.TypeNumber, nil
	case "boolean":
		return tfschema.TypeBool, nil
	case "any", "json":
		return tfschema.TypeDynamic, nil
	}
	return nil, fmt.Errorf("unknown jsii primitive %q", p)
}

// tfName returns a property's Terraform name: from its registry link, or
// derived from its camelCase name (noted) when the docs have none.
func (d *deriver) tfName(structName string, prop *jsiiProp) string {
	tf, ok := prop.tfName()
	if !ok {
		tf = camelToSnake(prop.Name)
		d.note("name derived from camelCase (no registry link in the docs)", structName+"."+tf)
	}
	return tf
}

func (d *deriver) note(what, example string) {
	d.notes[what] = append(d.notes[what], example)
}

// summary renders the notes as "what (N): first examples".
func (d *deriver) summary() []string {
	keys := make([]string, 0, len(d.notes))
	for k := range d.notes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		ex := d.notes[k]
		shown := ex
		if len(shown) > 8 {
			shown = shown[:8]
		}
		s := fmt.Sprintf("%s (%d): %s", k, len(ex), strings.Join(shown, ", "))
		if len(ex) > len(shown) {
			s += ", ..."
		}
		out = append(out, s)
	}
	return out
}
