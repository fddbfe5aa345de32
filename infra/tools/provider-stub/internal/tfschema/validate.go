package tfschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
)

// Validate applies the rules OpenTofu checks on every provider schema it
// loads (internal/configs/configschema/internal_validate.go in OpenTofu
// v1.12). tofu refuses the WHOLE provider when one resource type breaks
// them ("... has invalid schema for managed resource type ..., which is a
// bug in the provider"), so the generator runs this before writing a schema.
func (ps *ProviderSchema) Validate() error {
	var errs []error
	if ps.Provider != nil {
		errs = append(errs, validateBlock(ps.Provider.Block, "provider: "))
	}
	for _, n := range sortedNames(ps.ResourceSchemas) {
		errs = append(errs, validateBlock(ps.ResourceSchemas[n].Block, "resource "+n+": "))
	}
	for _, n := range sortedNames(ps.DataSourceSchemas) {
		errs = append(errs, validateBlock(ps.DataSourceSchemas[n].Block, "data source "+n+": "))
	}
	return errors.Join(errs...)
}

var validName = regexp.MustCompile(`^[a-z0-9_]+$`)

func validateBlock(b *Block, prefix string) error {
	if b == nil {
		return fmt.Errorf("%sblock schema is nil", prefix)
	}
	var errs []error
	for _, name := range sortedNames(b.Attributes) {
		a := b.Attributes[name]
		switch {
		case a == nil:
			errs = append(errs, fmt.Errorf("%s%s: attribute schema is nil", prefix, name))
			continue
		case !a.Optional && !a.Required && !a.Computed:
			errs = append(errs, fmt.Errorf("%s%s: must set Optional, Required or Computed", prefix, name))
		case a.Optional && a.Required:
			errs = append(errs, fmt.Errorf("%s%s: cannot set both Optional and Required", prefix, name))
		case a.Computed && a.Required:
			errs = append(errs, fmt.Errorf("%s%s: cannot set both Computed and Required", prefix, name))
		}
		if len(a.Type) == 0 {
			errs = append(errs, fmt.Errorf("%s%s: no type", prefix, name))
		}
	}
	for _, name := range sortedNames(b.BlockTypes) {
		nb := b.BlockTypes[name]
		if nb == nil {
			errs = append(errs, fmt.Errorf("%s%s: block schema is nil", prefix, name))
			continue
		}
		if _, dup := b.Attributes[name]; dup {
			errs = append(errs, fmt.Errorf("%s%s: name defined as both attribute and child block type", prefix, name))
		} else if !validName.MatchString(name) {
			errs = append(errs, fmt.Errorf("%s%s: name may contain only lowercase letters, digits and underscores", prefix, name))
		}
		if nb.MinItems < 0 || nb.MaxItems < 0 {
			errs = append(errs, fmt.Errorf("%s%s: MinItems and MaxItems must not be negative", prefix, name))
		}
		switch nb.NestingMode {
		case "single":
			if nb.MinItems != nb.MaxItems || nb.MinItems > 1 {
				errs = append(errs, fmt.Errorf("%s%s: MinItems and MaxItems must both be 0 or both be 1 in single mode", prefix, name))
			}
		case "group", "map":
			if nb.MinItems != 0 || nb.MaxItems != 0 {
				errs = append(errs, fmt.Errorf("%s%s: MinItems and MaxItems must be 0 in %s mode", prefix, name, nb.NestingMode))
			}
		case "list", "set":
			if nb.MaxItems != 0 && nb.MinItems > nb.MaxItems {
				errs = append(errs, fmt.Errorf("%s%s: MinItems must be <= MaxItems", prefix, name))
			}
			if nb.NestingMode == "set" && hasDynamic(nb.Block) {
				errs = append(errs, fmt.Errorf("%s%s: set blocks may not contain attributes of dynamic type", prefix, name))
			}
		default:
			errs = append(errs, fmt.Errorf("%s%s: invalid nesting mode %q", prefix, name, nb.NestingMode))
		}
		errs = append(errs, validateBlock(nb.Block, prefix+name+"."))
	}
	return errors.Join(errs...)
}

// hasDynamic reports whether any attribute type in b (at any depth) contains
// the dynamic pseudo-type. In cty's JSON type syntax the string "dynamic" can
// only appear as a type, never as an object attribute name (those are keys).
func hasDynamic(b *Block) bool {
	if b == nil {
		return false
	}
	for _, a := range b.Attributes {
		if bytes.Contains(a.Type, []byte(`"dynamic"`)) && typeHasDynamic(a.Type) {
			return true
		}
	}
	for _, nb := range b.BlockTypes {
		if hasDynamic(nb.Block) {
			return true
		}
	}
	return false
}

func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeHasDynamic walks a cty JSON type.
func typeHasDynamic(t json.RawMessage) bool {
	var prim string
	if json.Unmarshal(t, &prim) == nil {
		return prim == "dynamic"
	}
	var pair []json.RawMessage
	if json.Unmarshal(t, &pair) != nil || len(pair) < 2 {
		return false
	}
	var kind string
	_ = json.Unmarshal(pair[0], &kind)
	switch kind {
	case "object":
		var attrs map[string]json.RawMessage
		_ = json.Unmarshal(pair[1], &attrs)
		for _, at := range attrs {
			if typeHasDynamic(at) {
				return true
			}
		}
		return false
	case "tuple":
		var elems []json.RawMessage
		_ = json.Unmarshal(pair[1], &elems)
		for _, et := range elems {
			if typeHasDynamic(et) {
				return true
			}
		}
		return false
	}
	return typeHasDynamic(pair[1])
}
