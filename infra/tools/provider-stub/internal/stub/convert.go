package stub

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

// toProto converts one schema from the JSON model to protocol 5. Attributes
// and block types are emitted sorted by name: Terraform does not care, but a
// stable order keeps responses reproducible.
func toProto(s *tfschema.Schema) (*tfprotov5.Schema, error) {
	if s == nil || s.Block == nil {
		return &tfprotov5.Schema{Block: &tfprotov5.SchemaBlock{}}, nil
	}
	b, err := blockToProto(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.Schema{Version: s.Version, Block: b}, nil
}

func blockToProto(b *tfschema.Block) (*tfprotov5.SchemaBlock, error) {
	out := &tfprotov5.SchemaBlock{}
	for _, name := range sortedKeys(b.Attributes) {
		a := b.Attributes[name]
		typ, err := parseType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name:      name,
			Type:      typ,
			Required:  a.Required,
			Optional:  a.Optional,
			Computed:  a.Computed,
			Sensitive: a.Sensitive,
		})
	}
	for _, name := range sortedKeys(b.BlockTypes) {
		nb := b.BlockTypes[name]
		inner, err := blockToProto(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		mode, err := nestingMode(nb.NestingMode)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: name,
			Block:    inner,
			Nesting:  mode,
			MinItems: nb.MinItems,
			MaxItems: nb.MaxItems,
		})
	}
	return out, nil
}

func nestingMode(s string) (tfprotov5.SchemaNestedBlockNestingMode, error) {
	switch s {
	case "single":
		return tfprotov5.SchemaNestedBlockNestingModeSingle, nil
	case "list":
		return tfprotov5.SchemaNestedBlockNestingModeList, nil
	case "set":
		return tfprotov5.SchemaNestedBlockNestingModeSet, nil
	case "map":
		return tfprotov5.SchemaNestedBlockNestingModeMap, nil
	case "group":
		return tfprotov5.SchemaNestedBlockNestingModeGroup, nil
	}
	return 0, fmt.Errorf("unknown nesting mode %q", s)
}

// parseType decodes a cty JSON type ("string", ["list", T], ["object", {...}],
// ...) into a tftypes.Type. (tftypes.ParseJSONType does the same but is
// deprecated.)
func parseType(raw json.RawMessage) (tftypes.Type, error) {
	var prim string
	if err := json.Unmarshal(raw, &prim); err == nil {
		switch prim {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		case "dynamic":
			return tftypes.DynamicPseudoType, nil
		}
		return nil, fmt.Errorf("unknown primitive type %q", prim)
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) < 2 {
		return nil, fmt.Errorf("malformed type %s", raw)
	}
	var kind string
	if err := json.Unmarshal(pair[0], &kind); err != nil {
		return nil, fmt.Errorf("malformed type %s", raw)
	}
	switch kind {
	case "list", "set", "map":
		elem, err := parseType(pair[1])
		if err != nil {
			return nil, err
		}
		switch kind {
		case "list":
			return tftypes.List{ElementType: elem}, nil
		case "set":
			return tftypes.Set{ElementType: elem}, nil
		default:
			return tftypes.Map{ElementType: elem}, nil
		}
	case "object":
		var attrs map[string]json.RawMessage
		if err := json.Unmarshal(pair[1], &attrs); err != nil {
			return nil, fmt.Errorf("malformed object type %s", raw)
		}
		out := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		for n, t := range attrs {
			at, err := parseType(t)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			out.AttributeTypes[n] = at
		}
		// A third element lists optional attributes (Terraform 1.3+ type
		// constraints); providers never send it, but accept it.
		if len(pair) > 2 {
			var opt []string
			if err := json.Unmarshal(pair[2], &opt); err == nil && len(opt) > 0 {
				out.OptionalAttributes = map[string]struct{}{}
				for _, o := range opt {
					out.OptionalAttributes[o] = struct{}{}
				}
			}
		}
		return out, nil
	case "tuple":
		var elems []json.RawMessage
		if err := json.Unmarshal(pair[1], &elems); err != nil {
			return nil, fmt.Errorf("malformed tuple type %s", raw)
		}
		out := tftypes.Tuple{}
		for _, e := range elems {
			et, err := parseType(e)
			if err != nil {
				return nil, err
			}
			out.ElementTypes = append(out.ElementTypes, et)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown type kind %q", kind)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
