# tflint configuration for infra/. scripts/check-infra.sh runs, from
# infra/modules and from infra/environments:
#   tflint --recursive --config "$PWD/../.tflint.hcl"
# (--recursive from infra/ itself would also lint the deliberately broken
# fixtures under infra/policy/testdata and infra/tools/provider-stub/testdata).

# The bundled Terraform language ruleset, "recommended" preset: unused
# declarations, typed and documented variables/outputs, required_version and
# required_providers, standard module structure, deprecated syntax, ...
plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

# The AWS ruleset (tflint-ruleset-aws: invalid instance types, regions, ...)
# is deliberately NOT enabled: tflint installs plugins from GitHub releases
# (`tflint --init`), which this project's machines cannot reach, and it is not
# a Go module that scripts/install-tools.sh could build from the Go proxy.
# With network, enable it locally with:
#   plugin "aws" {
#     enabled = true
#     version = "<a release, pinned>"
#     source  = "github.com/terraform-linters/tflint-ruleset-aws"
#   }
# and run `tflint --init` first.
