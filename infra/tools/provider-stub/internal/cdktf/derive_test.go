package cdktf

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

// The fixture below is a miniature cdktf provider package: the same .jsii
// shapes and JavaScript layout as @cdktf/provider-aws (copied from it and cut
// down), covering each rule the derivation relies on. The real package is
// exercised end to end by ../../fidelity_test.go.

const link = "https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs"

func doc(page, class, tf string) map[string]string {
	return map[string]string{"summary": "Docs at Terraform Registry: {@link " + link + "/" + page + "#" + tf + " " + class + "#" + tf + "}."}
}

func blockDoc(page, class, tf string) map[string]string {
	return map[string]string{"summary": tf + " block.", "remarks": "Docs at Terraform Registry: {@link " + link + "/" + page + "#" + tf + " " + class + "#" + tf + "}"}
}

var (
	tString = map[string]any{"primitive": "string"}
	tNumber = map[string]any{"primitive": "number"}
	tBool   = map[string]any{"union": map[string]any{"types": []any{map[string]any{"primitive": "boolean"}, map[string]any{"fqn": "cdktf.IResolvable"}}}}
	tAny    = map[string]any{"primitive": "any"}
)

func tArray(elem any) any {
	return map[string]any{"collection": map[string]any{"kind": "array", "elementtype": elem}}
}
func tMap(elem any) any {
	return map[string]any{"collection": map[string]any{"kind": "map", "elementtype": elem}}
}
func tResolvable(t any) any {
	return map[string]any{"union": map[string]any{"types": []any{map[string]any{"fqn": "cdktf.IResolvable"}, t}}}
}
func tRef(fqn string) any { return map[string]any{"fqn": "@cdktf/provider-aws." + fqn} }

func prop(name string, optional bool, typ any, docs map[string]string) map[string]any {
	p := map[string]any{"name": name, "type": typ, "docs": docs}
	if optional {
		p["optional"] = true
	}
	return p
}

func class(fqn, base, file, summary, config string) map[string]any {
	return map[string]any{
		"fqn": "@cdktf/provider-aws." + fqn, "kind": "class", "name": fqn[strings.LastIndexByte(fqn, '.')+1:],
		"base": base, "docs": map[string]string{"summary": summary},
		"locationInModule": map[string]string{"filename": file},
		"initializer": map[string]any{"parameters": []any{
			map[string]any{"name": "scope", "type": map[string]string{"fqn": "constructs.Construct"}},
			map[string]any{"name": "config", "type": map[string]string{"fqn": "@cdktf/provider-aws." + config}},
		}},
	}
}

func strct(fqn, file string, props ...map[string]any) map[string]any {
	return map[string]any{
		"fqn": "@cdktf/provider-aws." + fqn, "kind": "interface", "datatype": true,
		"name":             fqn[strings.LastIndexByte(fqn, '.')+1:],
		"locationInModule": map[string]string{"filename": file},
		"properties":       props,
	}
}

func fixtureJSII() map[string]any {
	pf, tf, df := "src/provider/index.ts", "src/thing/index.ts", "src/data-aws-thing/index.ts"
	types := []map[string]any{
		class("provider.AwsProvider", "cdktf.TerraformProvider", pf, "Represents a {@link "+link+" aws}.", "provider.AwsProviderConfig"),
		strct("provider.AwsProviderConfig", pf,
			prop("alias", true, tString, map[string]string{"summary": "Alias name. Docs at Terraform Registry: {@link " + link + "#alias AwsProvider#alias}"}),
			prop("region", true, tString, map[string]string{"summary": "The region where AWS operations will take place.", "remarks": "Docs at Terraform Registry: {@link " + link + "#region AwsProvider#region}"}),
			prop("defaultTags", true, tResolvable(tArray(tRef("provider.AwsProviderDefaultTags"))), map[string]string{"summary": "default_tags block.", "remarks": "Docs at Terraform Registry: {@link " + link + "#default_tags AwsProvider#default_tags}"}),
		),
		strct("provider.AwsProviderDefaultTags", pf, prop("tags", true, tMap(tString), map[string]string{"summary": "Resource tags to default across all resources. Docs at Terraform Registry: {@link " + link + "#tags AwsProvider#tags}"})),

		class("thing.Thing", "cdktf.TerraformResource", tf, "Represents a {@link "+link+"/resources/thing aws_thing}.", "thing.ThingConfigA"),
		strct("thing.ThingConfigA", tf,
			prop("name", false, tString, doc("resources/thing", "Thing", "name")),
			prop("id", true, tString, doc("resources/thing", "Thing", "id")),
			prop("tagsAll", true, tMap(tString), doc("resources/thing", "Thing", "tags_all")),
			prop("enabled", true, tBool, doc("resources/thing", "Thing", "enabled")),
			prop("ports", true, tArray(tNumber), doc("resources/thing", "Thing", "ports")),
			prop("ingress", true, tResolvable(tArray(tRef("thing.ThingIngress"))), doc("resources/thing", "Thing", "ingress")),
			prop("rule", true, tResolvable(tArray(tRef("thing.ThingRule"))), blockDoc("resources/thing", "Thing", "rule")),
			prop("settings", false, tRef("thing.ThingSettings"), blockDoc("resources/thing", "Thing", "settings")),
			prop("statement", true, tAny, blockDoc("resources/thing", "Thing", "statement")),
			prop("timeouts", true, tRef("thing.ThingTimeouts"), blockDoc("resources/thing", "Thing", "timeouts")),
		),
		strct("thing.ThingIngress", tf,
			prop("fromPort", true, tNumber, doc("resources/thing", "Thing", "from_port")),
			prop("cidrBlocks", true, tArray(tString), doc("resources/thing", "Thing", "cidr_blocks")),
		),
		strct("thing.ThingRule", tf, prop("priority", false, tNumber, doc("resources/thing", "Thing", "priority"))),
		strct("thing.ThingSettings", tf, prop("mode", true, tString, doc("resources/thing", "Thing", "mode"))),
		strct("thing.ThingTimeouts", tf, prop("create", true, tString, doc("resources/thing", "Thing", "create"))),

		class("dataAwsThing.DataAwsThing", "cdktf.TerraformDataSource", df, "Represents a {@link "+link+"/data-sources/thing aws_thing}.", "dataAwsThing.DataAwsThingConfig"),
		strct("dataAwsThing.DataAwsThingConfig", df, prop("name", false, tString, doc("data-sources/thing", "DataAwsThing", "name"))),
		strct("dataAwsThing.DataAwsThingItems", df),
	}
	m := map[string]any{}
	for _, t := range types {
		m[t["fqn"].(string)] = t
	}
	return map[string]any{"name": "@cdktf/provider-aws", "version": "0.0.1", "types": m}
}

const providerJS = `"use strict";
function awsProviderDefaultTagsToHclTerraform(struct) {
    const attrs = {
        tags: {
            value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(struct.tags),
            isBlock: false,
            type: "map",
            storageClassType: "stringMap",
        },
    };
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}
class AwsProvider extends cdktf.TerraformProvider {
    synthesizeHclAttributes() {
        const attrs = {
            region: {
                value: cdktf.stringToHclTerraform(this._region),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
            alias: {
                value: cdktf.stringToHclTerraform(this._alias),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
            default_tags: {
                value: cdktf.listMapperHcl(awsProviderDefaultTagsToHclTerraform, true)(this._defaultTags),
                isBlock: true,
                type: "list",
                storageClassType: "AwsProviderDefaultTagsList",
            },
        };
        return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
    }
}
exports.AwsProvider = AwsProvider;
AwsProvider.tfResourceType = "aws";
`

const thingJS = `"use strict";
function thingIngressToHclTerraform(struct) {
    const attrs = {
        cidr_blocks: {
            value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct.cidrBlocks),
            isBlock: false,
            type: "list",
            storageClassType: "stringList",
        },
        from_port: {
            value: cdktf.numberToHclTerraform(struct.fromPort),
            isBlock: false,
            type: "simple",
            storageClassType: "number",
        },
    };
}
class ThingIngressOutputReference extends cdktf.ComplexObject {
    // rule_id - computed: true, optional: false, required: false
    get ruleId() {
        return this.getStringAttribute('rule_id');
    }
}
function thingRuleToHclTerraform(struct) {
    const attrs = {
        priority: {
            value: cdktf.numberToHclTerraform(struct.priority),
            isBlock: false,
            type: "simple",
            storageClassType: "number",
        },
    };
}
class ThingRuleOutputReference extends cdktf.ComplexObject {
    get priority() {
        return this.getNumberAttribute('priority');
    }
    // arn - computed: true, optional: false, required: false
    get arn() {
        return this.getStringAttribute('arn');
    }
}
function thingSettingsToHclTerraform(struct) {
    const attrs = {
        mode: {
            value: cdktf.stringToHclTerraform(struct.mode),
            isBlock: false,
            type: "simple",
            storageClassType: "string",
        },
    };
}
function thingTimeoutsToHclTerraform(struct) {
    const attrs = {
        create: {
            value: struct.create === undefined ? null : cdktf.stringToHclTerraform(struct.create),
            isBlock: false,
            type: "simple",
            storageClassType: "string",
        },
    };
}
class Thing extends cdktf.TerraformResource {
    constructor(scope, id, config) {
        super(scope, id, {});
        // ingress - computed: true, optional: true, required: false
        this._ingress = new ThingIngressList(this, "ingress", true);
        // tags_all - computed: true, optional: false, required: false
        this._tagsAll = new cdktf.StringMap(this, "tags_all");
        // rule - computed: false, optional: true, required: false
        this._rule = new ThingRuleList(this, "rule", true);
        // settings - computed: false, optional: false, required: true
        this._settings = new ThingSettingsOutputReference(this, "settings");
    }
    // arn - computed: true, optional: false, required: false
    get arn() {
        return this.getStringAttribute('arn');
    }
    // zones - computed: true, optional: false, required: false
    get zones() {
        return cdktf.Fn.tolist(this.getListAttribute('zones'));
    }
    // revision - computed: true, optional: false, required: false
    get revision() {
        return this.getNumberAttribute('revision');
    }
    synthesizeHclAttributes() {
        const attrs = {
            enabled: {
                value: cdktf.booleanToHclTerraform(this._enabled),
                isBlock: false,
                type: "simple",
                storageClassType: "boolean",
            },
            id: {
                value: cdktf.stringToHclTerraform(this._id),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
            ingress: {
                value: cdktf.listMapperHcl(thingIngressToHclTerraform, false)(this._ingress.internalValue),
                isBlock: true,
                type: "set",
                storageClassType: "ThingIngressList",
            },
            name: {
                value: cdktf.stringToHclTerraform(this._name),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
            ports: {
                value: cdktf.listMapperHcl(cdktf.numberToHclTerraform, false)(this._ports),
                isBlock: false,
                type: "set",
                storageClassType: "numberList",
            },
            statement: {
                value: cdktf.anyToHclTerraform(this._statement),
                isBlock: false,
                type: "simple",
                storageClassType: "any",
            },
            tags_all: {
                value: cdktf.hashMapperHcl(cdktf.stringToHclTerraform)(this._tagsAll),
                isBlock: false,
                type: "map",
                storageClassType: "stringMap",
            },
            rule: {
                value: cdktf.listMapperHcl(thingRuleToHclTerraform, true)(this._rule.internalValue),
                isBlock: true,
                type: "set",
                storageClassType: "ThingRuleList",
            },
            settings: {
                value: thingSettingsToHclTerraform(this._settings.internalValue),
                isBlock: true,
                type: "list",
                storageClassType: "ThingSettingsList",
            },
            timeouts: {
                value: thingTimeoutsToHclTerraform(this._timeouts.internalValue),
                isBlock: true,
                type: "struct",
                storageClassType: "ThingTimeouts",
            },
        };
    }
}
exports.Thing = Thing;
Thing.tfResourceType = "aws_thing";
`

// The data source keeps its structs in a split file, as the biggest
// resources of provider-aws do (lib/<dir>/index-structs/structsN.js).
const dataThingJS = `"use strict";
class DataAwsThing extends cdktf.TerraformDataSource {
    constructor(scope, id, config) {
        super(scope, id, {});
        // items - computed: true, optional: false, required: false
        this._items = new index_structs_1.DataAwsThingItemsList(this, "items", false);
    }
    // arn - computed: true, optional: false, required: false
    get arn() {
        return this.getStringAttribute('arn');
    }
    get items() {
        return this._items;
    }
    synthesizeHclAttributes() {
        const attrs = {
            name: {
                value: cdktf.stringToHclTerraform(this._name),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
        };
    }
}
exports.DataAwsThing = DataAwsThing;
DataAwsThing.tfResourceType = "aws_thing";
`

const dataThingStructsJS = `"use strict";
class DataAwsThingItemsOutputReference extends cdktf.ComplexObject {
    // key - computed: true, optional: false, required: false
    get key() {
        return this.getStringAttribute('key');
    }
    // values - computed: true, optional: false, required: false
    get values() {
        return cdktf.Fn.tolist(this.getListAttribute('values'));
    }
    // weights - computed: true, optional: false, required: false
    get weights() {
        return this.getNumberMapAttribute('weights');
    }
}
exports.DataAwsThingItemsOutputReference = DataAwsThingItemsOutputReference;
`

func fixtureTarball(t *testing.T) []byte {
	t.Helper()
	jsii, err := json.Marshal(fixtureJSII())
	if err != nil {
		t.Fatal(err)
	}
	files := []struct{ name, body string }{
		{"package/package.json", `{"name":"@cdktf/provider-aws","version":"0.0.1"}`},
		{"package/lib/index.js", `exports.thing = require("./thing");`},
		{"package/lib/provider/index.js", providerJS},
		{"package/lib/thing/index.js", thingJS},
		{"package/lib/thing/index.d.ts", "export declare class Thing {}"},
		{"package/lib/data-aws-thing/index.js", dataThingJS},
		{"package/lib/data-aws-thing/index-structs/structs0.js", dataThingStructsJS},
		{"package/.jsii", string(jsii)},
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func derive(t *testing.T) *Result {
	t.Helper()
	pkg, err := ReadTarball(bytes.NewReader(fixtureTarball(t)))
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Name != "@cdktf/provider-aws" || pkg.Version != "0.0.1" {
		t.Errorf("package = %s@%s", pkg.Name, pkg.Version)
	}
	res, err := pkg.Derive()
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Schema.Validate(); err != nil {
		t.Fatalf("derived schema fails tofu's rules: %v", err)
	}
	return res
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDeriveProvider(t *testing.T) {
	res := derive(t)
	if res.ProviderVersion != "6.25.0" {
		t.Errorf("ProviderVersion = %q, want 6.25.0 (from the registry link)", res.ProviderVersion)
	}
	got := jsonOf(t, res.Schema.Provider)
	// alias is a meta-argument cdktf keeps in the config struct: dropped.
	// Provider blocks are always arrays in cdktf, so no max_items.
	want := `{"version":0,"block":{"attributes":{"region":{"type":"string","optional":true}},"block_types":{"default_tags":{"nesting_mode":"list","block":{"attributes":{"tags":{"type":["map","string"],"optional":true}}}}}}}`
	if got != want {
		t.Errorf("provider schema\n got %s\nwant %s", got, want)
	}
}

func TestDeriveResource(t *testing.T) {
	res := derive(t)
	s := res.Schema.ResourceSchemas["aws_thing"]
	if s == nil {
		t.Fatalf("no aws_thing among %v", res.Schema.ResourceSchemas)
	}
	attr := func(name string) string {
		t.Helper()
		a := s.Block.Attributes[name]
		if a == nil {
			t.Fatalf("no attribute %s", name)
		}
		return jsonOf(t, a)
	}
	block := func(name string) string {
		t.Helper()
		b := s.Block.BlockTypes[name]
		if b == nil {
			t.Fatalf("no block %s", name)
		}
		return jsonOf(t, b)
	}
	for _, c := range []struct{ name, got, want string }{
		{"required scalar", attr("name"), `{"type":"string","required":true}`},
		{"bool through IResolvable union", attr("enabled"), `{"type":"bool","optional":true}`},
		{"SDKv2 id is optional+computed", attr("id"), `{"type":"string","optional":true,"computed":true}`},
		{"tags_all is optional+computed", attr("tags_all"), `{"type":["map","string"],"optional":true,"computed":true}`},
		{"set of numbers from the JS type", attr("ports"), `{"type":["set","number"],"optional":true}`},
		{"non-block struct list is an attribute; annotation makes it computed; computed-only inner fields join the object",
			attr("ingress"), `{"type":["set",["object",{"cidr_blocks":["list","string"],"from_port":"number","rule_id":"string"}]],"optional":true,"computed":true}`},
		{"computed-only scalar", attr("arn"), `{"type":"string","computed":true}`},
		{"computed-only set via Fn.tolist", attr("zones"), `{"type":["set","string"],"computed":true}`},
		{"computed-only number", attr("revision"), `{"type":"number","computed":true}`},
		{"set block with a computed-only inner attribute", block("rule"),
			`{"nesting_mode":"set","block":{"attributes":{"arn":{"type":"string","computed":true},"priority":{"type":"number","required":true}}}}`},
		{"single struct + list = MaxItems 1 list; required = min 1", block("settings"),
			`{"nesting_mode":"list","block":{"attributes":{"mode":{"type":"string","optional":true}}},"min_items":1,"max_items":1}`},
		{"struct kind = single nesting", block("timeouts"),
			`{"nesting_mode":"single","block":{"attributes":{"create":{"type":"string","optional":true}}}}`},
		{"block typed any = empty list block", block("statement"), `{"nesting_mode":"list","block":{}}`},
	} {
		if c.got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.name, c.got, c.want)
		}
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "ThingConfigA.statement") {
		t.Errorf("notes = %q, want one about the `any` block", res.Notes)
	}
}

func TestDeriveDataSource(t *testing.T) {
	res := derive(t)
	s := res.Schema.DataSourceSchemas["aws_thing"]
	if s == nil {
		t.Fatal("no data source aws_thing")
	}
	got := jsonOf(t, s)
	want := `{"version":0,"block":{"attributes":{"arn":{"type":"string","computed":true},` +
		`"items":{"type":["list",["object",{"key":"string","values":["set","string"],"weights":["map","number"]}]],"computed":true},` +
		`"name":{"type":"string","required":true}}}}`
	if got != want {
		t.Errorf("data source\n got %s\nwant %s", got, want)
	}
}

func TestParseJSAnnotationsMerge(t *testing.T) {
	d := newJSDir()
	if err := parseJS(strings.NewReader(thingJS), d); err != nil {
		t.Fatal(err)
	}
	m := d.memberByTF("Thing", "ingress")
	if m == nil || m.CtorClass != "ThingIngressList" || !m.WrapsSet || !m.Computed || !m.Optional {
		t.Errorf("ingress member = %+v", m)
	}
	if e := d.hcl["Thing#config"]["timeouts"]; !e.IsBlock || e.Kind != "struct" {
		t.Errorf("timeouts entry = %+v", e)
	}
	if d.resourceType["Thing"] != "aws_thing" {
		t.Errorf("resourceType = %v", d.resourceType)
	}
}

func TestCamelToSnake(t *testing.T) {
	for in, want := range map[string]string{"bucket": "bucket", "bucketPrefix": "bucket_prefix", "ipv6CidrBlock": "ipv6_cidr_block"} {
		if got := camelToSnake(in); got != want {
			t.Errorf("camelToSnake(%q) = %q, want %q", in, got, want)
		}
	}
}

// Guard against the schema package and the generator drifting apart.
var _ = tfschema.FormatVersion
