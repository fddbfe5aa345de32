package cdktf

import (
	"encoding/json"
	"io"
	"regexp"
	"strings"
)

// The .jsii assembly is a single JSON document (~131 MB for provider-aws)
// describing every class and struct cdktf generated. Only the handful of
// fields below are decoded; encoding/json skips the rest.

type jsiiAssembly struct {
	Name    string               `json:"name"`
	Version string               `json:"version"`
	Types   map[string]*jsiiType `json:"types"`
}

type jsiiType struct {
	FQN      string     `json:"fqn"`
	Kind     string     `json:"kind"` // "class", "interface", "enum"
	Name     string     `json:"name"`
	Base     string     `json:"base"`     // classes: e.g. "cdktf.TerraformResource"
	Datatype bool       `json:"datatype"` // interfaces: true for config structs
	Docs     jsiiDocs   `json:"docs"`
	Props    []jsiiProp `json:"properties"`
	Init     *struct {
		Parameters []struct {
			Name string      `json:"name"`
			Type jsiiTypeRef `json:"type"`
		} `json:"parameters"`
	} `json:"initializer"`
	Location struct {
		Filename string `json:"filename"` // e.g. "src/s3-bucket/index.ts"
	} `json:"locationInModule"`
}

type jsiiDocs struct {
	Summary string `json:"summary"`
	Remarks string `json:"remarks"`
}

type jsiiProp struct {
	Name     string      `json:"name"`
	Optional bool        `json:"optional"`
	Static   bool        `json:"static"`
	Type     jsiiTypeRef `json:"type"`
	Docs     jsiiDocs    `json:"docs"`
}

// jsiiTypeRef is a jsii type reference: exactly one of the fields is set.
type jsiiTypeRef struct {
	Primitive  string `json:"primitive"` // "string", "number", "boolean", "any", ...
	FQN        string `json:"fqn"`
	Collection *struct {
		Kind        string      `json:"kind"` // "array" or "map"
		ElementType jsiiTypeRef `json:"elementtype"`
	} `json:"collection"`
	Union *struct {
		Types []jsiiTypeRef `json:"types"`
	} `json:"union"`
}

// unwrap drops cdktf.IResolvable from unions: cdktf adds it to every value
// that may also be a token, so `boolean | IResolvable` is just boolean.
func (t jsiiTypeRef) unwrap() jsiiTypeRef {
	if t.Union == nil {
		return t
	}
	for _, u := range t.Union.Types {
		if u.FQN != "cdktf.IResolvable" {
			return u.unwrap()
		}
	}
	return t
}

func decodeJSII(r io.Reader) (*jsiiAssembly, error) {
	var a jsiiAssembly
	if err := json.NewDecoder(r).Decode(&a); err != nil {
		return nil, err
	}
	return &a, nil
}

// dirOf maps "src/s3-bucket/index.ts" (or ".../index-structs/structs0.ts") to
// "s3-bucket", the lib/ directory whose JavaScript holds the same types.
func (t *jsiiType) dirOf() string {
	parts := strings.Split(t.Location.Filename, "/")
	if len(parts) >= 3 && parts[0] == "src" {
		return parts[1]
	}
	return ""
}

// reDocLink matches the registry link cdktf puts in every config property's
// docs: {@link https://registry.terraform.io/.../s3_bucket#bucket S3Bucket#bucket}.
// The text after the last '#' is the Terraform (snake_case) name.
var reDocLink = regexp.MustCompile(`\{@link https://registry\.terraform\.io/\S+ \w+#([A-Za-z0-9_-]+)\}`)

// tfName returns the Terraform name of a config property from its docs link.
func (p *jsiiProp) tfName() (string, bool) {
	for _, s := range []string{p.Docs.Summary, p.Docs.Remarks} {
		if m := reDocLink.FindStringSubmatch(s); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// isBlockDoc reports whether cdktf documented the property as a nested block:
// the generator writes the summary "<name> block." for block types and only
// for them (arguments get their description or a bare registry link).
func (p *jsiiProp) isBlockDoc(tf string) bool {
	return p.Docs.Summary == tf+" block."
}

// reTypeLink matches the class summary "Represents a {@link URL aws_s3_bucket}."
// and captures the URL and the type name.
var reTypeLink = regexp.MustCompile(`\{@link (https://registry\.terraform\.io/providers/[^/]+/[^/]+/([^/]+)/docs\S*) (\w+)\}`)

// camelToSnake is the fallback for the rare property without a docs link.
// It cannot undo every cdktf renaming (digits, reserved words), hence the note
// the caller records when it is used.
func camelToSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r - 'A' + 'a')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
