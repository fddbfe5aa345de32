package cdktf

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// The JavaScript that cdktf's generator emits (lib/<dir>/index.js, sometimes
// split into lib/<dir>/index-structs/structsN.js) is machine-written with a
// completely regular layout, so a line scanner is enough; no JS parser needed.
// It carries three facts the .jsii assembly lacks:
//
//  1. How each argument is rendered to HCL, in the `const attrs = {...}`
//     literal of every `fooToHclTerraform(struct)` function (one per config
//     struct) and of each resource class's `synthesizeHclAttributes()`:
//
//         cors_rule: {
//             value: ...,
//             isBlock: true,
//             type: "list",                 // simple|list|set|map|struct
//             storageClassType: "S3BucketCorsRuleList",
//         },
//
//     "type" is the only place where a set is told apart from a list.
//
//  2. Annotations the generator writes above complex members and above every
//     computed-only getter:
//
//         // arn - computed: true, optional: false, required: false
//         get arn() {
//             return this.getStringAttribute('arn');
//         }
//
//         // cors_rule - computed: false, optional: true, required: false
//         this._corsRule = new S3BucketCorsRuleList(this, "cors_rule", false);
//
//     They give the snake_case name, the computed/optional/required flags as
//     the provider's schema had them, and (through the getter or the class
//     constructed) the type of attributes that never appear in a config struct.
//
//  3. The resource type name: `S3Bucket.tfResourceType = "aws_s3_bucket";`.

// hclEntry is one entry of an attrs literal.
type hclEntry struct {
	IsBlock      bool
	Kind         string // "simple", "list", "set", "map" or "struct"
	StorageClass string // e.g. "string", "stringList", "S3BucketCorsRuleList"
}

// member is one annotated member of a class.
type member struct {
	TFName                       string
	Computed, Optional, Required bool
	// Getter is the cdktf accessor the getter calls ("getStringAttribute",
	// "getListAttribute", "interpolationForAttribute", ...) or "" when the
	// getter returns a field built in the constructor.
	Getter string
	// ToList is true when the getter wraps its value in cdktf.Fn.tolist(...),
	// which cdktf does exactly for set-typed attributes.
	ToList bool
	// CtorClass is the class constructed for the member, without any module
	// prefix except "cdktf." (e.g. "S3BucketCorsRuleList", "cdktf.StringMap").
	CtorClass string
	// WrapsSet is the third constructor argument of a ComplexList: true when
	// the list wraps a set.
	WrapsSet bool
}

// jsDir is everything parsed from one lib/<dir>/ directory.
type jsDir struct {
	// hcl maps a struct name (or "<ResourceClass>#config" for the attrs of
	// synthesizeHclAttributes) to its entries by Terraform name.
	hcl map[string]map[string]hclEntry
	// members maps a class name to its annotated members, in source order.
	members map[string][]*member
	// resourceType maps a resource/data source class to its type name.
	resourceType map[string]string
}

func newJSDir() *jsDir {
	return &jsDir{
		hcl:          map[string]map[string]hclEntry{},
		members:      map[string][]*member{},
		resourceType: map[string]string{},
	}
}

// memberByTF finds a class's annotated member by Terraform name.
func (d *jsDir) memberByTF(class, tf string) *member {
	for _, m := range d.members[class] {
		if m.TFName == tf {
			return m
		}
	}
	return nil
}

var (
	reClass      = regexp.MustCompile(`^class (\w+) extends ([\w.]+) \{`)
	reHclFunc    = regexp.MustCompile(`^function (\w+)ToHclTerraform\(struct\) \{`)
	reSynthHcl   = regexp.MustCompile(`^\s+synthesizeHclAttributes\(\) \{`)
	reEntryStart = regexp.MustCompile(`^\s+"?([A-Za-z0-9_-]+)"?: \{$`)
	reIsBlock    = regexp.MustCompile(`^\s+isBlock: (true|false),$`)
	reKind       = regexp.MustCompile(`^\s+type: "(\w+)",$`)
	reStorage    = regexp.MustCompile(`^\s+storageClassType: "(\w+)",$`)
	reAnnotation = regexp.MustCompile(`^\s+// ([A-Za-z0-9_-]+) - computed: (true|false), optional: (true|false), required: (true|false)$`)
	reGetter     = regexp.MustCompile(`^\s+get (\w+)\(\) \{$`)
	reAccessor   = regexp.MustCompile(`this\.(get\w+Attribute|interpolationForAttribute)\('([^']+)'\)`)
	reCtor       = regexp.MustCompile(`^\s+this\._(\w+) = new ([\w.]+)\(this, "([^"]+)"(?:, (true|false))?\);$`)
	reTFType     = regexp.MustCompile(`^(\w+)\.tfResourceType = "([^"]+)";$`)
)

// parseJS scans one JavaScript file into d.
func parseJS(r io.Reader, d *jsDir) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)

	var (
		class      string // current class (top-level `class X extends ...`)
		hclKey     string // current attrs literal owner, "" outside one
		entryName  string // current attrs entry
		entry      hclEntry
		pending    *member // annotation waiting for its getter/constructor line
		getterMemb *member // getter whose body line comes next
	)
	for sc.Scan() {
		line := sc.Text()

		// Top-level structure. A "}" in column 0 closes both a class and a
		// function, so it ends whatever attrs literal we were in.
		if strings.HasPrefix(line, "}") {
			class, hclKey, entryName = "", "", ""
			continue
		}
		if m := reClass.FindStringSubmatch(line); m != nil {
			class, hclKey = m[1], ""
			continue
		}
		if m := reHclFunc.FindStringSubmatch(line); m != nil {
			hclKey = upperFirst(m[1])
			continue
		}
		if m := reTFType.FindStringSubmatch(line); m != nil {
			d.resourceType[m[1]] = m[2]
			continue
		}
		if class != "" && reSynthHcl.MatchString(line) {
			hclKey = class + "#config"
			continue
		}

		// attrs literal entries.
		if hclKey != "" {
			if m := reEntryStart.FindStringSubmatch(line); m != nil {
				entryName, entry = m[1], hclEntry{}
				continue
			}
			if entryName != "" {
				if m := reIsBlock.FindStringSubmatch(line); m != nil {
					entry.IsBlock = m[1] == "true"
					continue
				}
				if m := reKind.FindStringSubmatch(line); m != nil {
					entry.Kind = m[1]
					continue
				}
				if m := reStorage.FindStringSubmatch(line); m != nil {
					entry.StorageClass = m[1]
					if d.hcl[hclKey] == nil {
						d.hcl[hclKey] = map[string]hclEntry{}
					}
					d.hcl[hclKey][entryName] = entry
					entryName = ""
					continue
				}
			}
		}

		if class == "" {
			continue
		}

		// Annotations and what follows them.
		if getterMemb != nil {
			if m := reAccessor.FindStringSubmatch(line); m != nil {
				getterMemb.Getter = m[1]
				getterMemb.ToList = strings.Contains(line, "cdktf.Fn.tolist(")
			}
			getterMemb = nil
			continue
		}
		if m := reAnnotation.FindStringSubmatch(line); m != nil {
			pending = &member{
				TFName:   m[1],
				Computed: m[2] == "true",
				Optional: m[3] == "true",
				Required: m[4] == "true",
			}
			continue
		}
		if pending != nil {
			// The annotated line comes right after the comment.
			p := pending
			pending = nil
			if reGetter.MatchString(line) {
				getterMemb = d.addMember(class, p)
				continue
			}
			if m := reCtor.FindStringSubmatch(line); m != nil && m[3] == p.TFName {
				mm := d.addMember(class, p)
				mm.CtorClass = stripModulePrefix(m[2])
				mm.WrapsSet = m[4] == "true"
				continue
			}
		}
	}
	return sc.Err()
}

// addMember records p for class, merging with an earlier annotation of the
// same attribute (a complex member is annotated both where the constructor
// builds it and above its getter).
func (d *jsDir) addMember(class string, p *member) *member {
	if old := d.memberByTF(class, p.TFName); old != nil {
		old.Computed = old.Computed || p.Computed
		old.Optional = old.Optional || p.Optional
		old.Required = old.Required || p.Required
		return old
	}
	d.members[class] = append(d.members[class], p)
	return p
}

// stripModulePrefix turns "index_structs_1.FooList" into "FooList" but keeps
// the "cdktf." of cdktf's own classes.
func stripModulePrefix(s string) string {
	if strings.HasPrefix(s, "cdktf.") {
		return s
	}
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
