package policy

import (
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// ignoreFile is the part of trivy's YAML ignore file (.trivyignore.yaml) we
// allow: misconfiguration suppressions only.
type ignoreFile struct {
	Misconfigurations []ignoreEntry `yaml:"misconfigurations"`
}

type ignoreEntry struct {
	ID        string   `yaml:"id"`
	Paths     []string `yaml:"paths"`
	Statement string   `yaml:"statement"`
}

// CheckIgnoreFile checks a trivy YAML ignore file: every suppression must
// name its finding ID, be scoped to the files it concerns (paths), so the
// same finding elsewhere is still reported, and carry its justification
// (statement). Unknown keys, such as other sections, are problems too. It
// returns one problem per defect, as "name: message".
func CheckIgnoreFile(name string, r io.Reader) ([]string, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var f ignoreFile
	if err := dec.Decode(&f); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var problems []string
	for i, e := range f.Misconfigurations {
		where := fmt.Sprintf("%s: misconfigurations[%d] (%s)", name, i, e.ID)
		if e.ID == "" {
			problems = append(problems, where+": no id")
		}
		if len(e.Paths) == 0 {
			problems = append(problems, where+": no paths: scope the suppression to the files it concerns")
		}
		if e.Statement == "" {
			problems = append(problems, where+": no statement: give its one-line justification")
		}
	}
	return problems, nil
}
