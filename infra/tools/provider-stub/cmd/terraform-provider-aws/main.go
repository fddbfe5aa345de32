// Command terraform-provider-aws is an offline stand-in for the hashicorp/aws
// provider: it serves the provider's schema over plugin protocol 5 (the
// protocol the real provider speaks) so that `tofu validate` and `tofu test`
// with mock_provider work without network. See ../../README.md.
//
// The schema is read at start from $PROVIDER_STUB_SCHEMA, or else from
// schema.json next to the executable (build.sh puts it there in the
// filesystem mirror). It is loaded rather than embedded because the schema is
// a build artifact kept out of the source tree; a schema dumped from the real
// provider with `tofu providers schema -json` can be served the same way.
//
// Run it by hand with -info to check what it would serve.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"

	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/stub"
	"github.com/currency-convertor-ecs/currency-api/infra/tools/provider-stub/internal/tfschema"
)

// providerAddr is the address the plugin announces in logs and debug
// reattach configs.
const providerAddr = "registry.opentofu.org/hashicorp/aws"

// SchemaEnv overrides where the schema is read from.
const SchemaEnv = "PROVIDER_STUB_SCHEMA"

// OptionalComputedEnv, when "1", serves every optional resource/data source
// attribute as Optional+Computed (see tfschema.MarkOptionalComputed). tofu
// passes its environment on to plugins, so setting it for tofu is enough.
const OptionalComputedEnv = "PROVIDER_STUB_OPTIONAL_COMPUTED"

func main() {
	info := flag.Bool("info", false, "print what would be served and exit (instead of serving the plugin protocol)")
	flag.Parse()

	srv, about, path, err := load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "terraform-provider-aws (offline schema stub):", err)
		os.Exit(1)
	}
	if *info {
		fmt.Printf("offline schema stub for %s\nschema: %s\nresources: %d\ndata sources: %d\n",
			about, path, len(srv.ResourceTypes()), len(srv.DataSourceTypes()))
		return
	}
	if err := tf5server.Serve(providerAddr, func() tfprotov5.ProviderServer { return srv }); err != nil {
		fmt.Fprintln(os.Stderr, "terraform-provider-aws (offline schema stub):", err)
		os.Exit(1)
	}
}

func load() (*stub.Server, string, string, error) {
	path := os.Getenv(SchemaEnv)
	if path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, "", "", fmt.Errorf("locating the executable: %w", err)
		}
		// tofu runs the plugin through a symlink into the mirror; the schema
		// lives next to the real file.
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		path = filepath.Join(filepath.Dir(exe), "schema.json")
	}
	f, err := tfschema.Load(path)
	if err != nil {
		return nil, "", "", fmt.Errorf("loading the schema (set %s or put schema.json next to the binary; infra/tools/provider-stub/build.sh does): %w", SchemaEnv, err)
	}
	addr, ps, err := f.Pick("aws")
	if err != nil {
		return nil, "", "", err
	}
	about := addr
	if g := f.Generator; g != nil {
		about = fmt.Sprintf("hashicorp/aws %s (schema derived from %s)", g.ProviderVersion, g.Source)
	}
	if os.Getenv(OptionalComputedEnv) == "1" {
		ps.MarkOptionalComputed()
		about += ", optional attributes served as optional+computed"
	}
	srv, err := stub.New(ps, about)
	if err != nil {
		return nil, "", "", fmt.Errorf("%s: %w", path, err)
	}
	return srv, about, path, nil
}
