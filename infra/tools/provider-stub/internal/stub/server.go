// Package stub implements a protocol-5 Terraform/OpenTofu provider that
// serves a provider's schema and nothing else.
//
// What it answers, and why:
//   - GetMetadata / GetProviderSchema: the schema, so `tofu validate` checks
//     argument names, types, required arguments and block structure exactly
//     as it would with the real provider.
//   - PrepareProviderConfig (ValidateProviderConfig), ValidateResourceTypeConfig,
//     ValidateDataSourceConfig, ValidateEphemeralResourceConfig: accept. The
//     real provider adds value checks here (enums, ARNs, ...); the stub does not
//     know them.
//   - ConfigureProvider / StopProvider: accept, so a plan can get going.
//   - UpgradeResourceState: pass the stored state through. `tofu test` with
//     mock_provider forwards this call to the real plugin (see OpenTofu's
//     internal/tofu/provider_for_test_framework.go) when it destroys what a
//     run block created; without it the final destroy fails.
//   - PlanResourceChange: the proposed new state, with unset computed
//     attributes unknown on create. A mocked provider never sends it (OpenTofu
//     composes mock values itself), but a plain `tofu plan` does.
//   - Everything that would need AWS (Read, Apply, ReadDataSource, Import,
//     Move, ephemeral Open/Renew, functions): an error diagnostic saying so.
package stub

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

// OfflineSummary is the summary of every diagnostic for an operation that
// needs the real provider.
const OfflineSummary = "offline schema stub: cannot talk to AWS"

// Server is the provider server. It is immutable after New and safe for
// concurrent use, as gRPC requires.
type Server struct {
	resp      *tfprotov5.GetProviderSchemaResponse
	meta      *tfprotov5.GetMetadataResponse
	resources map[string]*tfprotov5.Schema
	dataSrcs  map[string]*tfprotov5.Schema
	// about names what is being served, for diagnostics
	about string
}

var _ tfprotov5.ProviderServer = (*Server)(nil)

// New converts ps once, up front, so every RPC is a lookup. about is a short
// description used in diagnostics (e.g. "hashicorp/aws 6.25.0").
func New(ps *tfschema.ProviderSchema, about string) (*Server, error) {
	s := &Server{
		resources: map[string]*tfprotov5.Schema{},
		dataSrcs:  map[string]*tfprotov5.Schema{},
		about:     about,
	}
	prov, err := toProto(ps.Provider)
	if err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	for name, sc := range ps.ResourceSchemas {
		if s.resources[name], err = toProto(sc); err != nil {
			return nil, fmt.Errorf("resource %s: %w", name, err)
		}
	}
	for name, sc := range ps.DataSourceSchemas {
		if s.dataSrcs[name], err = toProto(sc); err != nil {
			return nil, fmt.Errorf("data source %s: %w", name, err)
		}
	}
	caps := &tfprotov5.ServerCapabilities{}
	s.resp = &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities:       caps,
		Provider:                 prov,
		ResourceSchemas:          s.resources,
		DataSourceSchemas:        s.dataSrcs,
		Functions:                map[string]*tfprotov5.Function{},
		EphemeralResourceSchemas: map[string]*tfprotov5.Schema{},
	}
	s.meta = &tfprotov5.GetMetadataResponse{ServerCapabilities: caps}
	for _, n := range sortedKeys(s.resources) {
		s.meta.Resources = append(s.meta.Resources, tfprotov5.ResourceMetadata{TypeName: n})
	}
	for _, n := range sortedKeys(s.dataSrcs) {
		s.meta.DataSources = append(s.meta.DataSources, tfprotov5.DataSourceMetadata{TypeName: n})
	}
	return s, nil
}

// offline is the diagnostic for operations that need AWS.
func (s *Server) offline(op, typeName string) []*tfprotov5.Diagnostic {
	what := op
	if typeName != "" {
		what += " " + typeName
	}
	return []*tfprotov5.Diagnostic{{
		Severity: tfprotov5.DiagnosticSeverityError,
		Summary:  OfflineSummary,
		Detail: fmt.Sprintf("%s was requested, but this provider binary is an offline stand-in for %s "+
			"that knows only the schema (infra/tools/provider-stub). It supports `tofu validate` and "+
			"`tofu test` with mock_provider; use the real provider for anything that reads or changes AWS.",
			what, s.about),
	}}
}

func unknownType(kind, name string) []*tfprotov5.Diagnostic {
	return []*tfprotov5.Diagnostic{{
		Severity: tfprotov5.DiagnosticSeverityError,
		Summary:  "Unknown " + kind,
		Detail:   fmt.Sprintf("The offline schema stub has no %s named %q.", kind, name),
	}}
}

// --- provider-level RPCs ---

func (s *Server) GetMetadata(context.Context, *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	return s.meta, nil
}

func (s *Server) GetProviderSchema(context.Context, *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	return s.resp, nil
}

func (s *Server) GetResourceIdentitySchemas(context.Context, *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	// The cdktf package does not describe resource identities.
	return &tfprotov5.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov5.ResourceIdentitySchema{}}, nil
}

func (s *Server) PrepareProviderConfig(_ context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	return &tfprotov5.PrepareProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (s *Server) ConfigureProvider(context.Context, *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	return &tfprotov5.ConfigureProviderResponse{}, nil
}

func (s *Server) StopProvider(context.Context, *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	return &tfprotov5.StopProviderResponse{}, nil
}

// --- managed resources ---

func (s *Server) ValidateResourceTypeConfig(_ context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	if s.resources[req.TypeName] == nil {
		return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: unknownType("resource type", req.TypeName)}, nil
	}
	return &tfprotov5.ValidateResourceTypeConfigResponse{}, nil
}

// UpgradeResourceState decodes the stored JSON state with the current schema
// and hands it back unchanged. Attributes the schema does not know (a state
// written by a newer real provider) are dropped rather than failing.
func (s *Server) UpgradeResourceState(_ context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	sc := s.resources[req.TypeName]
	if sc == nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: unknownType("resource type", req.TypeName)}, nil
	}
	typ := sc.ValueType()
	if req.RawState == nil || (req.RawState.JSON == nil && req.RawState.Flatmap == nil) {
		dv, err := tfprotov5.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
		if err != nil {
			return nil, err
		}
		return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
	}
	if req.RawState.JSON == nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: []*tfprotov5.Diagnostic{{
			Severity: tfprotov5.DiagnosticSeverityError,
			Summary:  "Unsupported legacy state",
			Detail:   "The offline schema stub cannot upgrade flatmap (Terraform 0.11) state for " + req.TypeName + ".",
		}}}, nil
	}
	val, err := req.RawState.UnmarshalWithOpts(typ, tfprotov5.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return &tfprotov5.UpgradeResourceStateResponse{Diagnostics: []*tfprotov5.Diagnostic{{
			Severity: tfprotov5.DiagnosticSeverityError,
			Summary:  "Cannot decode stored state",
			Detail:   fmt.Sprintf("The stored state of %s does not match the stub's schema: %s", req.TypeName, err),
		}}}, nil
	}
	dv, err := tfprotov5.NewDynamicValue(typ, val)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (s *Server) ReadResource(_ context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	return &tfprotov5.ReadResourceResponse{Diagnostics: s.offline("ReadResource", req.TypeName)}, nil
}

// PlanResourceChange returns the proposed new state; on create, computed
// attributes the configuration leaves null become unknown ("known after
// apply"), as the real provider would plan them.
func (s *Server) PlanResourceChange(_ context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	sc := s.resources[req.TypeName]
	if sc == nil {
		return &tfprotov5.PlanResourceChangeResponse{Diagnostics: unknownType("resource type", req.TypeName)}, nil
	}
	typ := sc.ValueType()
	proposed, err := req.ProposedNewState.Unmarshal(typ)
	if err != nil {
		return nil, fmt.Errorf("decoding proposed new state of %s: %w", req.TypeName, err)
	}
	if proposed.IsNull() { // destroy
		return &tfprotov5.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, nil
	}
	prior, err := req.PriorState.Unmarshal(typ)
	if err != nil {
		return nil, fmt.Errorf("decoding prior state of %s: %w", req.TypeName, err)
	}
	planned := proposed
	if prior.IsNull() { // create
		planned, err = tftypes.Transform(proposed, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
			if a := attributeAt(sc.Block, p.Steps()); a != nil && a.Computed && v.IsNull() {
				return tftypes.NewValue(v.Type(), tftypes.UnknownValue), nil
			}
			return v, nil
		})
		if err != nil {
			return nil, fmt.Errorf("planning %s: %w", req.TypeName, err)
		}
	}
	dv, err := tfprotov5.NewDynamicValue(typ, planned)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PlanResourceChangeResponse{PlannedState: &dv}, nil
}

// attributeAt finds the schema attribute a value path points at, walking
// through nested blocks; it returns nil for paths inside an attribute's value
// or to a block itself.
func attributeAt(b *tfprotov5.SchemaBlock, steps []tftypes.AttributePathStep) *tfprotov5.SchemaAttribute {
	for len(steps) > 0 {
		name, ok := steps[0].(tftypes.AttributeName)
		if !ok {
			return nil
		}
		steps = steps[1:]
		var next *tfprotov5.SchemaNestedBlock
		for _, a := range b.Attributes {
			if a.Name == string(name) {
				if len(steps) == 0 {
					return a
				}
				return nil
			}
		}
		for _, nb := range b.BlockTypes {
			if nb.TypeName == string(name) {
				next = nb
				break
			}
		}
		if next == nil || len(steps) == 0 {
			return nil
		}
		if next.Nesting != tfprotov5.SchemaNestedBlockNestingModeSingle &&
			next.Nesting != tfprotov5.SchemaNestedBlockNestingModeGroup {
			steps = steps[1:] // the element key of a list/set/map block
		}
		b = next.Block
	}
	return nil
}

func (s *Server) ApplyResourceChange(_ context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	return &tfprotov5.ApplyResourceChangeResponse{Diagnostics: s.offline("ApplyResourceChange", req.TypeName)}, nil
}

func (s *Server) ImportResourceState(_ context.Context, req *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	return &tfprotov5.ImportResourceStateResponse{Diagnostics: s.offline("ImportResourceState", req.TypeName)}, nil
}

func (s *Server) MoveResourceState(_ context.Context, req *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	return &tfprotov5.MoveResourceStateResponse{Diagnostics: s.offline("MoveResourceState", req.TargetTypeName)}, nil
}

func (s *Server) UpgradeResourceIdentity(_ context.Context, req *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	return &tfprotov5.UpgradeResourceIdentityResponse{Diagnostics: s.offline("UpgradeResourceIdentity", req.TypeName)}, nil
}

func (s *Server) GenerateResourceConfig(_ context.Context, req *tfprotov5.GenerateResourceConfigRequest) (*tfprotov5.GenerateResourceConfigResponse, error) {
	return &tfprotov5.GenerateResourceConfigResponse{Diagnostics: s.offline("GenerateResourceConfig", req.TypeName)}, nil
}

// --- data sources ---

func (s *Server) ValidateDataSourceConfig(_ context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	if s.dataSrcs[req.TypeName] == nil {
		return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: unknownType("data source", req.TypeName)}, nil
	}
	return &tfprotov5.ValidateDataSourceConfigResponse{}, nil
}

func (s *Server) ReadDataSource(_ context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	return &tfprotov5.ReadDataSourceResponse{Diagnostics: s.offline("ReadDataSource", req.TypeName)}, nil
}

// --- ephemeral resources and functions: none in the schema ---

func (s *Server) ValidateEphemeralResourceConfig(_ context.Context, req *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{Diagnostics: unknownType("ephemeral resource type", req.TypeName)}, nil
}

func (s *Server) OpenEphemeralResource(_ context.Context, req *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	return &tfprotov5.OpenEphemeralResourceResponse{Diagnostics: s.offline("OpenEphemeralResource", req.TypeName)}, nil
}

func (s *Server) RenewEphemeralResource(_ context.Context, req *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	return &tfprotov5.RenewEphemeralResourceResponse{Diagnostics: s.offline("RenewEphemeralResource", req.TypeName)}, nil
}

func (s *Server) CloseEphemeralResource(context.Context, *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	return &tfprotov5.CloseEphemeralResourceResponse{}, nil
}

func (s *Server) GetFunctions(context.Context, *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	return &tfprotov5.GetFunctionsResponse{Functions: map[string]*tfprotov5.Function{}}, nil
}

func (s *Server) CallFunction(_ context.Context, req *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	return &tfprotov5.CallFunctionResponse{Error: &tfprotov5.FunctionError{
		Text: OfflineSummary + ": the stub serves no provider functions (" + req.Name + ")",
	}}, nil
}

// ResourceTypes lists the managed resource types served, sorted.
func (s *Server) ResourceTypes() []string { return sortedKeys(s.resources) }

// DataSourceTypes lists the data sources served, sorted.
func (s *Server) DataSourceTypes() []string { return sortedKeys(s.dataSrcs) }
