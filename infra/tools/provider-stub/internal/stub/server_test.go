package stub

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

const testSchema = `{
  "provider": {"version": 0, "block": {"attributes": {"region": {"type": "string", "optional": true}}}},
  "resource_schemas": {
    "aws_thing": {"version": 0, "block": {
      "attributes": {
        "id":   {"type": "string", "optional": true, "computed": true},
        "arn":  {"type": "string", "computed": true},
        "name": {"type": "string", "required": true},
        "note": {"type": "string", "optional": true},
        "tags": {"type": ["map", "string"], "optional": true}
      },
      "block_types": {
        "rule": {"nesting_mode": "list", "block": {"attributes": {
          "priority": {"type": "number", "optional": true},
          "rule_id":  {"type": "string", "computed": true}
        }}},
        "timeouts": {"nesting_mode": "single", "block": {"attributes": {"create": {"type": "string", "optional": true}}}}
      }
    }}
  },
  "data_source_schemas": {
    "aws_thing": {"version": 0, "block": {"attributes": {"name": {"type": "string", "required": true}, "arn": {"type": "string", "computed": true}}}}
  }
}`

func newTestServer(t *testing.T) *Server {
	t.Helper()
	var ps tfschema.ProviderSchema
	if err := json.Unmarshal([]byte(testSchema), &ps); err != nil {
		t.Fatal(err)
	}
	s, err := New(&ps, "hashicorp/aws test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSchemaServed(t *testing.T) {
	s := newTestServer(t)
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov5.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.ResourceSchemas["aws_thing"]
	if r == nil || len(r.Block.Attributes) != 5 || len(r.Block.BlockTypes) != 2 {
		t.Fatalf("aws_thing = %+v", r)
	}
	want := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id": tftypes.String, "arn": tftypes.String, "name": tftypes.String, "note": tftypes.String,
		"tags": tftypes.Map{ElementType: tftypes.String},
		"rule": tftypes.List{ElementType: tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"priority": tftypes.Number, "rule_id": tftypes.String}}},
		"timeouts": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"create": tftypes.String}},
	}}
	if got := r.ValueType(); !got.Equal(want) {
		t.Errorf("value type\n got %s\nwant %s", got, want)
	}
	if b := r.Block.BlockTypes[1]; b.TypeName != "timeouts" || b.Nesting != tfprotov5.SchemaNestedBlockNestingModeSingle {
		t.Errorf("timeouts block = %+v", b)
	}
	meta, _ := s.GetMetadata(context.Background(), &tfprotov5.GetMetadataRequest{})
	if len(meta.Resources) != 1 || meta.Resources[0].TypeName != "aws_thing" || len(meta.DataSources) != 1 {
		t.Errorf("metadata = %+v", meta)
	}
}

func TestParseType(t *testing.T) {
	for raw, want := range map[string]tftypes.Type{
		`"dynamic"`:                     tftypes.DynamicPseudoType,
		`["set",["list","bool"]]`:       tftypes.Set{ElementType: tftypes.List{ElementType: tftypes.Bool}},
		`["object",{"a":"number"}]`:     tftypes.Object{AttributeTypes: map[string]tftypes.Type{"a": tftypes.Number}},
		`["tuple",["string","number"]]`: tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Number}},
	} {
		got, err := parseType(json.RawMessage(raw))
		if err != nil || !got.Equal(want) {
			t.Errorf("parseType(%s) = %v, %v; want %v", raw, got, err, want)
		}
	}
	if _, err := parseType(json.RawMessage(`["frob","string"]`)); err == nil {
		t.Error("unknown kind should fail")
	}
}

func TestUpgradeResourceStatePassesThrough(t *testing.T) {
	s := newTestServer(t)
	// "legacy_attr" is not in the schema (state from a newer real provider):
	// dropped, not fatal.
	raw := `{"id":"i-1","arn":"arn:x","name":"n","note":null,"tags":{"a":"b"},"rule":[{"priority":1,"rule_id":"r"}],"timeouts":null,"legacy_attr":true}`
	resp, err := s.UpgradeResourceState(context.Background(), &tfprotov5.UpgradeResourceStateRequest{
		TypeName: "aws_thing", Version: 0, RawState: &tfprotov5.RawState{JSON: []byte(raw)},
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("err %v, diags %+v", err, resp.Diagnostics)
	}
	typ := s.resources["aws_thing"].ValueType()
	v, err := resp.UpgradedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := m["id"].As(&id); err != nil || id != "i-1" {
		t.Errorf("id = %q, %v", id, err)
	}

	bad, _ := s.UpgradeResourceState(context.Background(), &tfprotov5.UpgradeResourceStateRequest{
		TypeName: "aws_nope", RawState: &tfprotov5.RawState{JSON: []byte(`{}`)},
	})
	if len(bad.Diagnostics) != 1 {
		t.Errorf("unknown type: diags = %+v", bad.Diagnostics)
	}
}

func dv(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov5.DynamicValue {
	t.Helper()
	d, err := tfprotov5.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func TestPlanResourceChangeCreateMarksComputedUnknown(t *testing.T) {
	s := newTestServer(t)
	typ := s.resources["aws_thing"].ValueType().(tftypes.Object)
	ruleTyp := typ.AttributeTypes["rule"].(tftypes.List).ElementType
	str := func(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	proposed := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id": str(nil), "arn": str(nil), "name": str("n"), "note": str(nil),
		"tags": tftypes.NewValue(typ.AttributeTypes["tags"], nil),
		"rule": tftypes.NewValue(typ.AttributeTypes["rule"], []tftypes.Value{
			tftypes.NewValue(ruleTyp, map[string]tftypes.Value{"priority": tftypes.NewValue(tftypes.Number, 1), "rule_id": str(nil)}),
		}),
		"timeouts": tftypes.NewValue(typ.AttributeTypes["timeouts"], nil),
	})
	resp, err := s.PlanResourceChange(context.Background(), &tfprotov5.PlanResourceChangeRequest{
		TypeName: "aws_thing", PriorState: dv(t, typ, tftypes.NewValue(typ, nil)),
		ProposedNewState: dv(t, typ, proposed), Config: dv(t, typ, proposed),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("err %v, diags %+v", err, resp.Diagnostics)
	}
	planned, err := resp.PlannedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	at := func(p *tftypes.AttributePath) tftypes.Value {
		v, _, err := tftypes.WalkAttributePath(planned, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return v.(tftypes.Value)
	}
	for _, c := range []struct {
		path        *tftypes.AttributePath
		wantUnknown bool
	}{
		{tftypes.NewAttributePath().WithAttributeName("id"), true},    // optional+computed, unset
		{tftypes.NewAttributePath().WithAttributeName("arn"), true},   // computed-only
		{tftypes.NewAttributePath().WithAttributeName("note"), false}, // optional, stays null
		{tftypes.NewAttributePath().WithAttributeName("rule").WithElementKeyInt(0).WithAttributeName("rule_id"), true},
		{tftypes.NewAttributePath().WithAttributeName("rule").WithElementKeyInt(0).WithAttributeName("priority"), false},
	} {
		if got := !at(c.path).IsKnown(); got != c.wantUnknown {
			t.Errorf("%s unknown = %v, want %v", c.path, got, c.wantUnknown)
		}
	}
}

func TestOfflineOperationsFail(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	checks := map[string][]*tfprotov5.Diagnostic{}
	r1, _ := s.ReadResource(ctx, &tfprotov5.ReadResourceRequest{TypeName: "aws_thing"})
	checks["ReadResource"] = r1.Diagnostics
	r2, _ := s.ApplyResourceChange(ctx, &tfprotov5.ApplyResourceChangeRequest{TypeName: "aws_thing"})
	checks["ApplyResourceChange"] = r2.Diagnostics
	r3, _ := s.ReadDataSource(ctx, &tfprotov5.ReadDataSourceRequest{TypeName: "aws_thing"})
	checks["ReadDataSource"] = r3.Diagnostics
	r4, _ := s.ImportResourceState(ctx, &tfprotov5.ImportResourceStateRequest{TypeName: "aws_thing", ID: "x"})
	checks["ImportResourceState"] = r4.Diagnostics
	for op, diags := range checks {
		if len(diags) != 1 || diags[0].Severity != tfprotov5.DiagnosticSeverityError || diags[0].Summary != OfflineSummary {
			t.Errorf("%s diagnostics = %+v", op, diags)
		}
	}
	f, _ := s.CallFunction(ctx, &tfprotov5.CallFunctionRequest{Name: "arn_parse"})
	if f.Error == nil {
		t.Error("CallFunction should fail")
	}
}

func TestValidation(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	ok, _ := s.ValidateResourceTypeConfig(ctx, &tfprotov5.ValidateResourceTypeConfigRequest{TypeName: "aws_thing"})
	if len(ok.Diagnostics) != 0 {
		t.Errorf("known type: %+v", ok.Diagnostics)
	}
	bad, _ := s.ValidateResourceTypeConfig(ctx, &tfprotov5.ValidateResourceTypeConfigRequest{TypeName: "aws_nope"})
	if len(bad.Diagnostics) != 1 {
		t.Errorf("unknown type: %+v", bad.Diagnostics)
	}
	ds, _ := s.ValidateDataSourceConfig(ctx, &tfprotov5.ValidateDataSourceConfigRequest{TypeName: "aws_thing"})
	if len(ds.Diagnostics) != 0 {
		t.Errorf("data source: %+v", ds.Diagnostics)
	}
	cfg := dv(t, tftypes.Object{}, tftypes.NewValue(tftypes.Object{}, map[string]tftypes.Value{}))
	pp, _ := s.PrepareProviderConfig(ctx, &tfprotov5.PrepareProviderConfigRequest{Config: cfg})
	if pp.PreparedConfig != cfg {
		t.Error("PrepareProviderConfig should hand the config back")
	}
}
