// Package policy checks the security promises of the project's Terraform
// configuration without evaluating it: it parses every .tf file with the HCL
// parser and inspects the syntax tree (literal values, and which resources,
// variables and module outputs an expression refers to).
//
// Because nothing is evaluated, a promise is kept only when it can be read from
// the source: `internal = true`, not `internal = var.internal`. Values that come
// from elsewhere are accepted only where a check says so (for example subnets
// that come from a variable or module output named private_subnet_ids).
// Local values are followed within their module, and a module call with a
// local source ("../modules/pipeline") is followed to that directory when it
// was loaded too, so a check can read the output a caller uses.
package policy

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Config is every Terraform module found under the roots given to Load.
type Config struct {
	Modules []*Module
	Files   int // number of .tf files parsed
}

// Module is the .tf files of one directory.
type Module struct {
	Dir       string
	Resources []*Block                        // resource blocks
	Data      []*Block                        // data blocks
	Calls     []*Block                        // module blocks
	Variables map[string]*Block               // variable blocks by name
	Outputs   map[string]*Block               // output blocks by name
	Locals    map[string]hclsyntax.Expression // local values by name
}

// Block is a resource, data, module, variable or output block. Type is the
// resource or data source type ("aws_lb"); it is empty for the other kinds.
type Block struct {
	Kind   string
	Type   string
	Name   string
	Body   *hclsyntax.Body
	Range  hcl.Range // the block's header, where findings point
	Module *Module
}

// Address is the block's reference prefix: "aws_lb.this", "data.x.y", "module.net".
func (b *Block) Address() string {
	switch b.Kind {
	case "data":
		return "data." + b.Type + "." + b.Name
	case "module":
		return "module." + b.Name
	case "variable":
		return "var." + b.Name
	case "output":
		return "output." + b.Name
	}
	return b.Type + "." + b.Name
}

// Load parses every .tf file under the given roots, at any depth (skipping
// .terraform directories), and groups them by directory into modules: a root
// holding env/ and modules/pipeline/ yields two modules.
func Load(roots ...string) (*Config, error) {
	byDir := map[string][]string{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".tf") {
				dir := filepath.Dir(path)
				byDir[dir] = append(byDir[dir], path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", root, err)
		}
	}
	dirs := make([]string, 0, len(byDir))
	for dir := range byDir {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)

	cfg := &Config{}
	for _, dir := range dirs {
		m := &Module{Dir: dir, Variables: map[string]*Block{}, Outputs: map[string]*Block{}, Locals: map[string]hclsyntax.Expression{}}
		files := byDir[dir]
		sort.Strings(files)
		for _, path := range files {
			if err := m.parseFile(path); err != nil {
				return nil, err
			}
			cfg.Files++
		}
		cfg.Modules = append(cfg.Modules, m)
	}
	return cfg, nil
}

func (m *Module) parseFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("parse %s: %s", path, diags.Error())
	}
	for _, blk := range file.Body.(*hclsyntax.Body).Blocks {
		b := &Block{Kind: blk.Type, Body: blk.Body, Range: blk.DefRange(), Module: m}
		switch {
		case blk.Type == "resource" && len(blk.Labels) == 2:
			b.Type, b.Name = blk.Labels[0], blk.Labels[1]
			m.Resources = append(m.Resources, b)
		case blk.Type == "data" && len(blk.Labels) == 2:
			b.Type, b.Name = blk.Labels[0], blk.Labels[1]
			m.Data = append(m.Data, b)
		case blk.Type == "module" && len(blk.Labels) == 1:
			b.Name = blk.Labels[0]
			m.Calls = append(m.Calls, b)
		case blk.Type == "variable" && len(blk.Labels) == 1:
			b.Name = blk.Labels[0]
			m.Variables[b.Name] = b
		case blk.Type == "output" && len(blk.Labels) == 1:
			b.Name = blk.Labels[0]
			m.Outputs[b.Name] = b
		case blk.Type == "locals":
			for name, attr := range blk.Body.Attributes {
				m.Locals[name] = attr.Expr
			}
		}
	}
	return nil
}

// resources returns the module's resources of the given type.
func (m *Module) resources(typ string) []*Block {
	return filterType(m.Resources, typ)
}

// data returns the module's data sources of the given type.
func (m *Module) data(typ string) []*Block {
	return filterType(m.Data, typ)
}

func filterType(blocks []*Block, typ string) []*Block {
	var out []*Block
	for _, b := range blocks {
		if b.Type == typ {
			out = append(out, b)
		}
	}
	return out
}

// lookup returns the block that a reference prefix such as "aws_kms_key.this"
// or "data.aws_iam_policy_document.key" names, or nil.
func (m *Module) lookup(address string) *Block {
	blocks := m.Resources
	if strings.HasPrefix(address, "data.") {
		blocks = m.Data
	}
	for _, b := range blocks {
		if b.Address() == address {
			return b
		}
	}
	return nil
}

// resources returns every resource of the given type in the configuration.
func (c *Config) resources(typ string) []*Block {
	var out []*Block
	for _, m := range c.Modules {
		out = append(out, m.resources(typ)...)
	}
	return out
}
