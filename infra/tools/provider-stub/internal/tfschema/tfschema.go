// Package tfschema is the on-disk model of a provider schema shared by the
// generator (cmd/genschema) and the stub provider (cmd/terraform-provider-aws).
//
// The format is deliberately the one `tofu providers schema -json` prints
// (format_version 1.0, provider_schemas → provider / resource_schemas /
// data_source_schemas, blocks with "attributes" and "block_types", attribute
// types in cty's JSON type syntax). Two reasons:
//   - it is documented and familiar, so the generated file can be read and
//     diffed by anyone who knows Terraform;
//   - a dump made with the REAL provider on a machine with network can be
//     dropped in instead of the generated one, and the stub serves it as is.
package tfschema

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// FormatVersion is the value `tofu providers schema -json` uses.
const FormatVersion = "1.0"

// File is the whole JSON document.
type File struct {
	FormatVersion string `json:"format_version"`
	// Generator records where the schema came from (package, hashes, counts).
	// It is our own addition; tofu's dumps have no such key, and the stub
	// ignores it.
	Generator       *Generator                 `json:"generator,omitempty"`
	ProviderSchemas map[string]*ProviderSchema `json:"provider_schemas"`
}

// Generator is the provenance stamp written by cmd/genschema.
type Generator struct {
	Source          string `json:"source"`           // e.g. "npm:@cdktf/provider-aws@21.22.1"
	SourceSHA256    string `json:"source_sha256"`    // sha256 of the npm tarball
	ProviderVersion string `json:"provider_version"` // hashicorp/aws version the package was generated from
	Stamp           string `json:"stamp"`            // what build.sh compares to decide on regeneration
	Resources       int    `json:"resources"`
	DataSources     int    `json:"data_sources"`
	// Notes lists every place where the derivation had to guess, so that a
	// reviewer can see the gaps without reading the generator.
	Notes []string `json:"notes,omitempty"`
}

// ProviderSchema is one provider's entry.
type ProviderSchema struct {
	Provider          *Schema            `json:"provider"`
	ResourceSchemas   map[string]*Schema `json:"resource_schemas"`
	DataSourceSchemas map[string]*Schema `json:"data_source_schemas"`
}

// Schema is one resource type / data source / provider configuration.
type Schema struct {
	Version int64  `json:"version"`
	Block   *Block `json:"block"`
}

// Block is a configuration block body.
type Block struct {
	Attributes map[string]*Attribute   `json:"attributes,omitempty"`
	BlockTypes map[string]*NestedBlock `json:"block_types,omitempty"`
}

// Attribute is an argument or exported attribute. Type is a cty JSON type:
// "string", "number", "bool", "dynamic", ["list", T], ["set", T], ["map", T],
// ["object", {"name": T, ...}].
type Attribute struct {
	Type      json.RawMessage `json:"type"`
	Required  bool            `json:"required,omitempty"`
	Optional  bool            `json:"optional,omitempty"`
	Computed  bool            `json:"computed,omitempty"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// NestedBlock is a nested block type. NestingMode is "single", "list", "set"
// or "map" (tofu's JSON spelling).
type NestedBlock struct {
	NestingMode string `json:"nesting_mode"`
	Block       *Block `json:"block"`
	MinItems    int64  `json:"min_items,omitempty"`
	MaxItems    int64  `json:"max_items,omitempty"`
}

// Load reads a schema file from disk.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(f.ProviderSchemas) == 0 {
		return nil, fmt.Errorf("%s: no provider_schemas", path)
	}
	return &f, nil
}

// Pick returns the provider schema whose address ends in "/"+typeName (for a
// dump of a whole configuration that holds several providers), or the only
// one there is.
func (f *File) Pick(typeName string) (string, *ProviderSchema, error) {
	keys := make([]string, 0, len(f.ProviderSchemas))
	for k := range f.ProviderSchemas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 1 {
		return keys[0], f.ProviderSchemas[keys[0]], nil
	}
	for _, k := range keys {
		if len(k) > len(typeName) && k[len(k)-len(typeName)-1:] == "/"+typeName {
			return k, f.ProviderSchemas[k], nil
		}
	}
	return "", nil, fmt.Errorf("no provider schema for %q among %v", typeName, keys)
}

// Primitive cty JSON types, pre-encoded.
var (
	TypeString  = json.RawMessage(`"string"`)
	TypeNumber  = json.RawMessage(`"number"`)
	TypeBool    = json.RawMessage(`"bool"`)
	TypeDynamic = json.RawMessage(`"dynamic"`)
)

// Collection wraps an element type in "list", "set" or "map".
func Collection(kind string, elem json.RawMessage) json.RawMessage {
	return json.RawMessage(`["` + kind + `",` + string(elem) + `]`)
}

// Object builds an object type from its attribute types; keys are emitted in
// sorted order so the output is deterministic.
func Object(attrs map[string]json.RawMessage) json.RawMessage {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	buf := []byte(`["object",{`)
	for i, n := range names {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, _ := json.Marshal(n)
		buf = append(buf, k...)
		buf = append(buf, ':')
		buf = append(buf, attrs[n]...)
	}
	buf = append(buf, "}]"...)
	return json.RawMessage(buf)
}

// MarkOptionalComputed makes every optional attribute of every resource and
// data source Optional+Computed. The cdktf package does not say which scalar
// arguments the provider computes when unset, so the derived schema marks
// only "id", "tags_all" and annotated complex attributes; this is the opt-in
// for the opposite trade-off (see README: "Optional+Computed").
func (ps *ProviderSchema) MarkOptionalComputed() {
	var mark func(b *Block)
	mark = func(b *Block) {
		if b == nil {
			return
		}
		for _, a := range b.Attributes {
			if a.Optional {
				a.Computed = true
			}
		}
		for _, nb := range b.BlockTypes {
			mark(nb.Block)
		}
	}
	for _, s := range ps.ResourceSchemas {
		mark(s.Block)
	}
	for _, s := range ps.DataSourceSchemas {
		mark(s.Block)
	}
}
