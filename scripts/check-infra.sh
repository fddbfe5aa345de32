#!/usr/bin/env bash
# check-infra.sh - every offline check of the Terraform infrastructure in infra/.
#
# Steps (each prints PASS <check>, FAIL <check> or SKIPPED <check>: <why>):
#   fmt/<engine>     tofu fmt and terraform fmt -check -recursive infra/
#   provider-stub    build the offline hashicorp/aws schema stub and point both engines at it
#   validate/<engine>/<env>
#                    init -backend=false + validate, per infra/environments/*,
#                    on OpenTofu and on HashiCorp Terraform
#   test/<engine>/<name>
#                    init -backend=false + test, per infra/modules/* and
#                    infra/environments/* (each must have tests/), on both engines
#   stub-fidelity    the stub's own tests (misspelt argument, missing required
#                    argument, block as attribute must each fail validate)
#   trivy            trivy config over infra/ and the Dockerfile (infra/trivy.yaml):
#                    no HIGH/CRITICAL; every infra/.trivyignore.yaml entry scoped and justified
#   policy           the architecture's promises (infra/policy: go test + CLI)
#   tflint           tflint --recursive (infra/.tflint.hcl) in infra/modules, infra/environments
#   docs/<module>    terraform-docs --output-check: module READMEs are current
#   actionlint       .github/workflows/ci.yml
#
# The engines run in temporary copies of infra/ without .terraform/ or
# .terraform.lock.hcl (the stub's hashes are not the registry's), removed on exit.
# A missing tool is SKIPPED on a laptop and FAILs when CI=true.
# Exits non-zero when any step failed, after running them all.
#
# Usage: scripts/check-infra.sh      (from anywhere; needs no network once the
#                                     tools and the stub's npm tarball are cached)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
PATH="$(scripts/install-tools.sh --path):$PATH"
export TF_IN_AUTOMATION=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-infra.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

RESULTS=()
pass() { echo "PASS $1${2:+: $2}"; RESULTS+=("PASS $1"); }
fail() { echo "FAIL $1${2:+: $2}"; RESULTS+=("FAIL $1"); }
skip() { echo "SKIPPED $1: $2"; RESULTS+=("SKIPPED $1"); }

# need tool check: succeeds when tool is on PATH; else reports check as
# SKIPPED (a laptop) or FAIL (CI=true), like the Makefile's need_tool.
need() {
  command -v "$1" >/dev/null && return 0
  if [[ "${CI:-}" == "true" ]]; then
    fail "$2" "$1 not installed (CI installs it with scripts/install-tools.sh)"
  else
    skip "$2" "$1 not installed; install with: scripts/install-tools.sh $1"
  fi
  return 1
}

# logged log-file command...: run the command with its output in log-file;
# print the output only when it fails.
logged() {
  local log=$1
  shift
  if "$@" >"$log" 2>&1; then return 0; fi
  sed 's/^/    /' "$log"
  return 1
}

# copy_infra dest: a copy of infra/ without .terraform/ or lock files.
copy_infra() {
  mkdir -p "$1"
  tar -C infra --exclude=.terraform --exclude=.terraform.lock.hcl -cf - . | tar -C "$1" -xf -
}

step_fmt() {
  local engine
  for engine in tofu terraform; do
    need "$engine" "fmt/$engine" || continue
    # The environment's TF_CLI_CONFIG_FILE may name a missing file; fmt needs none.
    if logged "$WORK/fmt-$engine.log" env TF_CLI_CONFIG_FILE= "$engine" fmt -check -recursive -diff -no-color infra/; then
      pass "fmt/$engine"
    else
      fail "fmt/$engine" "run: $engine fmt -recursive infra/"
    fi
  done
}

STUB_READY=0
step_provider_stub() {
  need go provider-stub || return
  local env
  if env=$(infra/tools/provider-stub/build.sh --env 2>"$WORK/stub.log"); then
    eval "$env"
    STUB_READY=1
    pass provider-stub "TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE"
  else
    sed 's/^/    /' "$WORK/stub.log"
    fail provider-stub "infra/tools/provider-stub/build.sh failed (the first build needs the npm registry)"
  fi
}

# Both engines run every validate and every test: OpenTofu and HashiCorp
# Terraform differ where it matters here (Terraform leaves mocked computed
# values unknown at plan; OpenTofu fills them), and the configuration
# promises to work on both.
ENGINES=(tofu terraform)

# stub_ready engine check: succeeds when the engine and the stub are available.
stub_ready() {
  need "$1" "$2" || return 1
  if ((STUB_READY == 0)); then
    fail "$2" "the provider stub was not built"
    return 1
  fi
}

step_validate() {
  local dir env copy engine log
  for engine in "${ENGINES[@]}"; do
    for dir in infra/environments/*/; do
      [[ -d "$dir" ]] || continue
      env=$(basename "$dir")
      stub_ready "$engine" "validate/$engine/$env" || continue
      copy="$WORK/validate-$engine-$env" log="$WORK/validate-$engine-$env.log"
      copy_infra "$copy"
      if logged "$log" "$engine" -chdir="$copy/environments/$env" init -backend=false -input=false -no-color &&
        logged "$log" "$engine" -chdir="$copy/environments/$env" validate -no-color; then
        pass "validate/$engine/$env" "$(grep -m1 'Success!' "$log")"
      else
        fail "validate/$engine/$env"
      fi
    done
  done
}

# Each module's and each environment's tests run against the stub exactly as
# users run them against the real provider, on both engines. A module or
# environment without tests fails; an environment's tests plan and apply the
# whole composition (a first deployment, then a second plan).
step_test() {
  local dir kind name copy summary engine log
  for engine in "${ENGINES[@]}"; do
    for dir in infra/modules/*/ infra/environments/*/; do
      dir=${dir%/}
      kind=$(basename "$(dirname "$dir")") name=$(basename "$dir")
      if [[ ! -d "$dir/tests" ]] || ! compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
        fail "test/$engine/$name" "no tests/*.tftest.hcl"
        continue
      fi
      stub_ready "$engine" "test/$engine/$name" || continue
      copy="$WORK/test-$engine-$kind-$name" log="$WORK/test-$engine-$kind-$name.log"
      copy_infra "$copy"
      if logged "$log" "$engine" -chdir="$copy/$kind/$name" init -backend=false -input=false -no-color &&
        logged "$log" "$engine" -chdir="$copy/$kind/$name" test -no-color; then
        summary=$(grep -E '^(Success|Failure)!' "$log" | tail -n 1)
        pass "test/$engine/$name" "$summary"
      else
        fail "test/$engine/$name"
      fi
    done
  done
}

step_stub_fidelity() {
  need go stub-fidelity || return
  if logged "$WORK/fidelity.log" bash -c 'cd infra/tools/provider-stub && go test -count=1 ./...'; then
    pass stub-fidelity "$(grep -m1 '^ok' "$WORK/fidelity.log")"
  else
    fail stub-fidelity
  fi
}

step_trivy() {
  need trivy trivy || return
  need go trivy || return
  local ok=1 target
  # Every suppression is scoped to its files and justified.
  if ! logged "$WORK/trivyignore.log" bash -c 'cd infra/policy && go run ./cmd/policy -trivyignore ../.trivyignore.yaml'; then
    ok=0
  fi
  for target in infra/ Dockerfile; do
    if ! logged "$WORK/trivy.log" trivy config --quiet --skip-check-update --config infra/trivy.yaml "$target"; then
      ok=0
    fi
  done
  local ignored
  ignored=$(grep -cE '^[[:space:]]*- id:' infra/.trivyignore.yaml)
  if ((ok)); then
    pass trivy "0 HIGH/CRITICAL in infra/ and Dockerfile; $ignored scoped, justified suppressions in infra/.trivyignore.yaml"
  else
    fail trivy
  fi
}

step_policy() {
  need go policy || return
  local ok=1
  # The tests prove each check fires on its fixture; the CLI lists what the
  # checks find in the real configuration (both run, so a failure shows both).
  logged "$WORK/policy-test.log" bash -c 'cd infra/policy && go test -count=1 ./...' || ok=0
  logged "$WORK/policy.log" bash -c 'cd infra/policy && go run ./cmd/policy ../modules ../environments' || ok=0
  if ((ok)); then
    pass policy "$(tail -n 1 "$WORK/policy.log")"
  else
    fail policy
  fi
}

step_tflint() {
  need tflint tflint || return
  local ok=1 dir
  for dir in infra/modules infra/environments; do
    if ! logged "$WORK/tflint.log" tflint --chdir="$dir" --recursive --config="$ROOT/infra/.tflint.hcl" --no-color; then
      ok=0
    fi
  done
  if ((ok)); then pass tflint; else fail tflint; fi
}

step_docs() {
  local dir mod
  for dir in infra/modules/*/; do
    mod=$(basename "$dir")
    need terraform-docs "docs/$mod" || continue
    if logged "$WORK/docs-$mod.log" terraform-docs markdown table --output-check --output-file README.md --output-mode inject "$dir"; then
      pass "docs/$mod"
    else
      fail "docs/$mod" "README.md is missing or stale: (cd $dir && terraform-docs markdown table --output-file README.md --output-mode inject .)"
    fi
  done
}

step_actionlint() {
  need actionlint actionlint || return
  if logged "$WORK/actionlint.log" actionlint .github/workflows/ci.yml; then
    pass actionlint
  else
    fail actionlint
  fi
}

summary() {
  local r passed=0 failed=0 skipped=0
  echo
  echo "check-infra summary:"
  for r in "${RESULTS[@]}"; do
    echo "  $r"
    case $r in
      PASS*) passed=$((passed + 1)) ;;
      FAIL*) failed=$((failed + 1)) ;;
      SKIPPED*) skipped=$((skipped + 1)) ;;
    esac
  done
  echo "check-infra: $passed passed, $failed failed, $skipped skipped"
  ((failed == 0))
}

step_fmt
step_provider_stub
step_validate
step_test
step_stub_fidelity
step_trivy
step_policy
step_tflint
step_docs
step_actionlint
summary
