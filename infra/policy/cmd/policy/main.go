// Command policy runs the infrastructure policy checks over Terraform
// directories and prints one line per finding ("file:line: check: message").
//
// Usage:
//
//	go run ./cmd/policy [-list] [-trivyignore FILE] [dir ...]
//
// The directories default to infra/modules and infra/environments. -list
// prints the checks and their promises. -trivyignore checks, instead of the
// Terraform, that every entry of that trivy ignore file is scoped to paths
// and carries a statement (its justification). It exits 1 when there is any finding, 2 on a
// usage or parse error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/currency-convertor-ecs/currency-api/infra/policy"
)

func main() {
	err := run(os.Args[1:], os.Stdout)
	var findings errFindings
	switch {
	case errors.As(err, &findings):
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "policy:", err)
		os.Exit(2)
	}
}

// errFindings is the error run returns when the checks found problems.
type errFindings int

func (e errFindings) Error() string { return fmt.Sprintf("%d findings", int(e)) }

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("policy", flag.ContinueOnError)
	list := fs.Bool("list", false, "print the checks and their promises, then exit")
	ignoreFile := fs.String("trivyignore", "", "check only that every entry of this trivy YAML ignore file is scoped and justified")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *list {
		for _, c := range policy.Checks {
			fmt.Fprintf(stdout, "%-30s %s\n", c.Name, c.Promise)
		}
		return nil
	}
	if *ignoreFile != "" {
		return checkIgnoreFile(*ignoreFile, stdout)
	}

	dirs := fs.Args()
	if len(dirs) == 0 {
		dirs = []string{"infra/modules", "infra/environments"}
	}
	cfg, err := policy.Load(dirs...)
	if err != nil {
		return err
	}
	findings := policy.Run(cfg, policy.Checks)
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintf(stdout, "policy: %d checks over %d modules (%d files), findings: %d\n",
		len(policy.Checks), len(cfg.Modules), cfg.Files, len(findings))
	if len(findings) > 0 {
		return errFindings(len(findings))
	}
	return nil
}

func checkIgnoreFile(name string, stdout io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	problems, err := policy.CheckIgnoreFile(name, f)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintf(stdout, "trivyignore: %s, problems: %d\n", name, len(problems))
	if len(problems) > 0 {
		return errFindings(len(problems))
	}
	return nil
}
