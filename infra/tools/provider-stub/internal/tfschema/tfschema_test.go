package tfschema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTypeBuilders(t *testing.T) {
	got := string(Collection("set", Object(map[string]json.RawMessage{
		"b": TypeNumber,
		"a": Collection("list", TypeString),
	})))
	want := `["set",["object",{"a":["list","string"],"b":"number"}]]`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Error("not valid JSON")
	}
}

func TestValidate(t *testing.T) {
	opt := func(typ json.RawMessage) *Attribute { return &Attribute{Type: typ, Optional: true} }
	for _, c := range []struct {
		name    string
		block   *Block
		wantErr string // "" = valid
	}{
		{"valid", &Block{
			Attributes: map[string]*Attribute{"a": opt(TypeString), "c": {Type: TypeString, Computed: true}},
			BlockTypes: map[string]*NestedBlock{
				"l": {NestingMode: "list", Block: &Block{}, MinItems: 1, MaxItems: 1},
				"s": {NestingMode: "single", Block: &Block{}, MinItems: 1, MaxItems: 1},
			},
		}, ""},
		{"no flags", &Block{Attributes: map[string]*Attribute{"a": {Type: TypeString}}}, "must set Optional, Required or Computed"},
		{"required+computed", &Block{Attributes: map[string]*Attribute{"a": {Type: TypeString, Required: true, Computed: true}}}, "both Computed and Required"},
		// The rule the wafv2 `rule { statement }` block tripped over.
		{"dynamic in a set block", &Block{BlockTypes: map[string]*NestedBlock{
			"rule": {NestingMode: "set", Block: &Block{Attributes: map[string]*Attribute{"statement": opt(TypeDynamic)}}},
		}}, "set blocks may not contain attributes of dynamic type"},
		{"dynamic deep in a set block", &Block{BlockTypes: map[string]*NestedBlock{
			"rule": {NestingMode: "set", Block: &Block{BlockTypes: map[string]*NestedBlock{
				"x": {NestingMode: "list", Block: &Block{Attributes: map[string]*Attribute{"m": opt(Collection("map", TypeDynamic))}}},
			}}},
		}}, "set blocks may not contain"},
		{"attribute named dynamic is fine", &Block{BlockTypes: map[string]*NestedBlock{
			"rule": {NestingMode: "set", Block: &Block{Attributes: map[string]*Attribute{
				"o": opt(Object(map[string]json.RawMessage{"dynamic": TypeString})),
			}}},
		}}, ""},
		{"single with min 1 max 0", &Block{BlockTypes: map[string]*NestedBlock{
			"s": {NestingMode: "single", Block: &Block{}, MinItems: 1},
		}}, "single mode"},
		{"name clash", &Block{
			Attributes: map[string]*Attribute{"x": opt(TypeString)},
			BlockTypes: map[string]*NestedBlock{"x": {NestingMode: "list", Block: &Block{}}},
		}, "both attribute and child block"},
	} {
		ps := &ProviderSchema{Provider: &Schema{Block: &Block{}}, ResourceSchemas: map[string]*Schema{"aws_x": {Block: c.block}}}
		err := ps.Validate()
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.wantErr)
		}
	}
}

func TestLoadAndPick(t *testing.T) {
	dir := t.TempDir()
	// A dump in the shape `tofu providers schema -json` prints, with two
	// providers: Pick must find aws by its type name.
	dump := `{"format_version":"1.0","provider_schemas":{
	  "registry.opentofu.org/hashicorp/aws":{"provider":{"version":0,"block":{}},"resource_schemas":{"aws_s3_bucket":{"version":0,"block":{"attributes":{"bucket":{"type":"string","optional":true,"computed":true,"description":"x","description_kind":"plain"}}}}}},
	  "registry.opentofu.org/hashicorp/random":{"provider":{"version":0,"block":{}}}}}`
	p := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(p, []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	addr, ps, err := f.Pick("aws")
	if err != nil || addr != "registry.opentofu.org/hashicorp/aws" {
		t.Fatalf("Pick = %q, %v", addr, err)
	}
	if a := ps.ResourceSchemas["aws_s3_bucket"].Block.Attributes["bucket"]; a == nil || !a.Computed {
		t.Errorf("bucket = %+v", a)
	}
	if _, _, err := f.Pick("google"); err == nil {
		t.Error("Pick(google) should fail")
	}
}

func TestMarkOptionalComputed(t *testing.T) {
	ps := &ProviderSchema{
		Provider: &Schema{Block: &Block{Attributes: map[string]*Attribute{"region": {Type: TypeString, Optional: true}}}},
		ResourceSchemas: map[string]*Schema{"aws_x": {Block: &Block{
			Attributes: map[string]*Attribute{"name": {Type: TypeString, Optional: true}, "req": {Type: TypeString, Required: true}},
			BlockTypes: map[string]*NestedBlock{"b": {NestingMode: "list", Block: &Block{Attributes: map[string]*Attribute{"n": {Type: TypeNumber, Optional: true}}}}},
		}}},
	}
	ps.MarkOptionalComputed()
	r := ps.ResourceSchemas["aws_x"].Block
	if !r.Attributes["name"].Computed || !r.BlockTypes["b"].Block.Attributes["n"].Computed {
		t.Error("optional attributes should become computed")
	}
	if r.Attributes["req"].Computed {
		t.Error("required attributes must stay as they are")
	}
	if ps.Provider.Block.Attributes["region"].Computed {
		t.Error("the provider's own config is left alone")
	}
	if err := ps.Validate(); err != nil {
		t.Error(err)
	}
}
