package policy

import (
	"fmt"
	"strings"
)

var checkContainerHardened = Check{
	Name: "container-hardened",
	Promise: "Every container of every ECS task definition runs as a non-root user, with a read-only root " +
		"filesystem, and is not privileged (container_definitions readable statically, e.g. jsonencode([...])).",
	Run: func(cfg *Config) []Finding {
		var out []Finding
		for _, td := range cfg.resources("aws_ecs_task_definition") {
			a, ok := td.Body.Attributes["container_definitions"]
			if !ok {
				out = append(out, finding(td.Range, "%s has no container_definitions", td.Address()))
				continue
			}
			containers, ok := fromJSON(td.Module.tree(a.Expr)).([]any)
			if !ok {
				out = append(out, finding(a.SrcRange, "%s: container_definitions cannot be read without evaluation; write jsonencode([{...}])", td.Address()))
				continue
			}
			for i, c := range containers {
				for _, problem := range containerProblems(c) {
					out = append(out, finding(a.SrcRange, "%s: container %s %s", td.Address(), containerName(c, i), problem))
				}
			}
		}
		return out
	},
}

func containerProblems(c any) []string {
	def, ok := c.(map[string]any)
	if !ok {
		return []string{"cannot be read without evaluation"}
	}
	var problems []string
	switch user, ok := def["user"].(string); {
	case !ok || user == "":
		problems = append(problems, "sets no literal user (it would run as the image's user, unchecked)")
	case isRootUser(user):
		problems = append(problems, fmt.Sprintf("runs as root (user %q)", user))
	}
	if def["readonlyRootFilesystem"] != true {
		problems = append(problems, "does not set readonlyRootFilesystem = true")
	}
	if p, set := def["privileged"]; set && p != false {
		problems = append(problems, "sets privileged (must be absent or false)")
	}
	return problems
}

// isRootUser reports whether an ECS user ("name", "uid", "uid:gid", ...) is root.
func isRootUser(user string) bool {
	name, _, _ := strings.Cut(user, ":")
	return name == "root" || name == "0"
}

func containerName(c any, i int) string {
	if def, ok := c.(map[string]any); ok {
		if name, ok := def["name"].(string); ok {
			return fmt.Sprintf("%q", name)
		}
	}
	return fmt.Sprintf("#%d", i)
}
