#!/usr/bin/env bash
# install-tools.sh - build the project's developer/CI tools at pinned versions.
#
# Installs (from source, through the Go module proxy only):
#   staticcheck, actionlint, hey, terraform-docs, conftest, tofu (OpenTofu),
#   terraform (HashiCorp Terraform), tflint, trivy
#                                      -- the default set
#   umoci, runc                        -- Debian packages, in the default set:
#                                         `make container` runs the release image
#                                         with them. Installed with apt-get when
#                                         running as root and symlinked into bin/;
#                                         as another user they are skipped with the
#                                         command to run (in CI, CI=true, that fails).
#   chromium                           -- Debian package, in the default set: `make
#                                         browser` tests the converter page in it.
#                                         Installed as umoci and runc are (root only;
#                                         skipped with the command otherwise, a
#                                         failure in CI). Debian's security archive
#                                         keeps only its newest Chromium: when the
#                                         pin below is gone, apt says so and the pin
#                                         is bumped to `apt-cache policy chromium`'s.
#   playwright-core                    -- npm package, in the default set: drives
#                                         that Chromium (it downloads no browser).
#                                         `npm ci` from e2e/package-lock.json into
#                                         e2e/node_modules of this checkout, with
#                                         install scripts off; its pin must equal
#                                         e2e/package.json's exact version.
#   wrk                                -- Debian package; NOT in the default set.
#                                         Installed with apt-get only when named
#                                         explicitly (`install-tools.sh wrk`) and
#                                         running as root; symlinked into bin/.
#
# Where: ${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/currency-api/tools}
#   bin/<tool>     the binaries (put `$(scripts/install-tools.sh --path)` on PATH)
#   stamps/<tool>  the pinned version each binary was built at
# A tool is rebuilt only when bin/<tool> is missing or its stamp differs from the
# pin, so the cache is reused across runs (and across CI runs on one machine).
# Go modules go to the default module cache.
#
# Bumping a version: edit its entry in VERSIONS below; the next run sees the
# stamp mismatch and rebuilds just that tool (and checks it reports the new version).
# After changing only a build recipe, delete stamps/<tool> to force a rebuild.
#
# Usage:
#   scripts/install-tools.sh [tool ...]      install the named tools (default: all)
#   scripts/install-tools.sh --list          print "name version" lines
#   scripts/install-tools.sh --path          print the bin directory
#   scripts/install-tools.sh --missing [tool ...]
#                                            print tools not at the pinned version
#
# `make test` runs this script first and puts the bin directory on PATH.
# Builds run under `nice -n 10`; a cold cache took 16 min on this 2-core
# machine on 2026-12-01 (trivy 6 min, tofu 4 min, tflint and conftest ~2 min
# each, terraform 1.5 min), a warm one under a second.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/currency-api/tools}"
BIN="$TOOLS_DIR/bin"
STAMPS="$TOOLS_DIR/stamps"

# Pinned versions (module versions as the Go proxy names them; wrk, umoci, runc: Debian's).
declare -A VERSIONS=(
  [staticcheck]=v0.7.0
  [actionlint]=v1.7.12
  [hey]=v0.1.5
  [terraform-docs]=v0.20.0
  [conftest]=v0.71.1
  [tofu]=v1.12.6
  # The newest Terraform the Go proxy serves here (BUSL-1.1: used as a test
  # engine only, never redistributed). Every module and environment test runs
  # on it and on tofu.
  [terraform]=v1.13.3
  [tflint]=v0.64.0
  [trivy]=v0.74.0
  [wrk]=4.1.0-3+b2
  # Debian 12's: umoci unpacks the OCI layout, runc (the OCI reference
  # runtime) runs it.
  [umoci]=0.4.7+ds-3+b7
  [runc]=1.1.5+ds1-1+deb12u1
  # Debian 12's (bookworm-security), and the playwright-core release that
  # drives it over CDP.
  [chromium]=156.0.8078.114-1~deb12u1
  [playwright-core]=1.64.1
)
# Default set, cheapest first so a failure in a quick build shows early.
DEFAULT=(umoci runc chromium playwright-core staticcheck actionlint hey terraform-docs conftest tofu terraform tflint trivy)
ALL=("${DEFAULT[@]}" wrk)

die() { echo "install-tools: $*" >&2; exit 1; }

is_current() { # tool -> 0 when bin/<tool> exists and its stamp holds the pin
  # playwright-core lives in this checkout's e2e/node_modules, not in the
  # shared cache: a fresh clone has none, whatever the cache holds.
  [[ $1 == playwright-core ]] && { [[ "$(playwright_version)" == "${VERSIONS[$1]}" ]]; return; }
  [[ -x "$BIN/$1" && -f "$STAMPS/$1" && "$(<"$STAMPS/$1")" == "${VERSIONS[$1]}" ]]
}

go_install() { # [VAR=value ...] command ... -- run it with GOBIN=bin/
  env GOBIN="$BIN" "$@"
}

go_build_module() { # module version output-name package [go build flags ...]
  local mod=$1 ver=$2 out=$3 pkg=$4 dir
  shift 4
  # Modules with replace directives refuse `go install m@v`: build from the
  # (read-only) module cache directory instead (the build writes nothing there;
  # -mod=mod lets the replace directives resolve).
  dir=$(go mod download -json "$mod@$ver" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir" ]] || die "could not download $mod@$ver"
  (cd "$dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 go build "$@" -o "$BIN/$out" "$pkg")
}

# Terraform keeps its remote-state backends (s3, gcs, azurerm, ...) as nested
# Go modules wired in with replace directives, and a module zip leaves nested
# modules out, so the proxy's copy cannot build as published. We build a copy
# without those nine backends: every test here runs `init -backend=false`, and
# the binary is a test engine, never a way to reach real state (`terraform
# init` with the s3 backend says "Unsupported backend type").
TERRAFORM_NESTED_BACKENDS='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
build_terraform() { # version
  local v=$1 dir src=$TOOLS_DIR/src/terraform-$1
  dir=$(go mod download -json "github.com/hashicorp/terraform@$v" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir" ]] || die "could not download github.com/hashicorp/terraform@$v"
  rm -rf "$src" && mkdir -p "$src" && cp -R "$dir/." "$src" && chmod -R u+w "$src"
  sed -i -E "/internal\/backend\/remote-state\/($TERRAFORM_NESTED_BACKENDS)( |\$)/d; /internal\/legacy( |\$)/d" "$src/go.mod"
  sed -i -E "/remote-state\/($TERRAFORM_NESTED_BACKENDS)\"\$/d; /^[[:space:]]+\"(azurerm|consul|cos|gcs|kubernetes|oss|pg|s3|oci)\":/d" \
    "$src/internal/backend/init/init.go"
  (cd "$src" && GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 go build -trimpath \
    -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$BIN/terraform" .) # else "-dev"
  rm -rf "$src"
}

apt_install() { # package version [package ...] -- Debian's packages at that version, the first linked into bin/
  local v=$2 pkgs=("$1=$2") p
  for p in "${@:3}"; do pkgs+=("$p=$v"); done
  apt-get install -y -q "${pkgs[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q "${pkgs[@]}" >/dev/null; }
  ln -sf "$(command -v "$1")" "$BIN/$1"
}

playwright_version() { # the playwright-core version in e2e/node_modules, or nothing
  local pkg=$REPO/e2e/node_modules/playwright-core/package.json
  [[ -f $pkg ]] && command -v node >/dev/null && node -p "require(process.argv[1]).version" "$pkg" 2>/dev/null || true
}

npm_ci_e2e() { # version -- e2e/node_modules from the committed lock file
  grep -q "\"playwright-core\": \"$1\"" "$REPO/e2e/package.json" ||
    die "e2e/package.json does not pin playwright-core $1 (the pin here and there must agree)"
  command -v npm >/dev/null || die "playwright-core needs node and npm (Debian's nodejs and npm)"
  # --ignore-scripts: nothing may download a browser or run code at install.
  (cd "$REPO/e2e" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
}

# needs_root tells whether a tool is one of Debian's packages.
needs_root() { [[ $1 == wrk || $1 == umoci || $1 == runc || $1 == chromium ]]; }

build() { # tool version
  local t=$1 v=$2
  case $t in
    staticcheck) go_install nice -n 10 go install "honnef.co/go/tools/cmd/staticcheck@$v" ;;
    actionlint)  go_install nice -n 10 go install "github.com/rhysd/actionlint/cmd/actionlint@$v" ;;
    hey)         go_install nice -n 10 go install "github.com/rakyll/hey@$v" ;;
    tflint)      go_install nice -n 10 go install "github.com/terraform-linters/tflint@$v" ;;
    conftest)    go_install nice -n 10 go install -ldflags \
                   "-s -w -X github.com/open-policy-agent/conftest/internal/version.Version=${v#v}" \
                   "github.com/open-policy-agent/conftest@$v" ;;
    trivy)       go_install CGO_ENABLED=0 GOEXPERIMENT=jsonv2 nice -n 10 go install -ldflags \
                   "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${v#v}" \
                   "github.com/aquasecurity/trivy/cmd/trivy@$v" ;;
    tofu)        go_build_module github.com/opentofu/opentofu "$v" tofu ./cmd/tofu -trimpath \
                   -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" ;; # else "-dev"
    terraform)   build_terraform "$v" ;;
    terraform-docs) go_build_module github.com/terraform-docs/terraform-docs "$v" terraform-docs . ;;
    wrk|umoci|runc) apt_install "$t" "$v" ;;
    # chromium-common must be the same version; apt would not pick an older
    # one by itself.
    chromium)    apt_install chromium "$v" chromium-common ;;
    playwright-core) npm_ci_e2e "$v" ;;
  esac
}

version_output() { # tool -> what the tool says about its version
  case $1 in
    hey) go version -m "$BIN/hey" ;;   # hey has no version flag: read build info
    tofu|terraform) TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$BIN/$1" version ;;
    staticcheck|actionlint) "$BIN/$1" -version ;;
    wrk) "$BIN/wrk" -v ;;
    chromium) dpkg-query -W -f='${Version}\n' chromium ;; # --version omits Debian's revision
    playwright-core) playwright_version ;;
    *) "$BIN/$1" --version ;;
  esac 2>&1 || true   # some tools exit non-zero after printing their version
}

install_tool() { # tool
  local t=$1 v=${VERSIONS[$1]} start=$SECONDS out num re
  if is_current "$t"; then echo "tool $t $v: cached"; return; fi
  if needs_root "$t" && [[ $EUID -ne 0 ]]; then
    local hint="sudo apt-get install $t=$v, then rerun"
    [[ "${CI:-}" == "true" ]] && die "$t is a Debian package and CI needs it: run as root ($hint)"
    [[ $t == wrk ]] && die "wrk is a Debian package: $hint"
    local target=container
    [[ $t == chromium ]] && target=browser
    echo "tool $t $v: SKIPPED (a Debian package: $hint; make $target skips without it)"
    return
  fi
  rm -f "$STAMPS/$t"
  build "$t" "$v" || die "building $t $v failed"
  out=$(version_output "$t") num=${v#v}
  re=${num//./\\.} re=${re//+/\\+}
  # The exact version, not e.g. "1.12.6-dev" or "10.74.0".
  grep -qE "(^|[^0-9.])$re([^-0-9.]|$)" <<<"$out" ||
    die "$t: expected version $num, but its version command said: $(head -n 3 <<<"$out")"
  echo "$v" >"$STAMPS/$t"
  echo "tool $t $v: built in $((SECONDS - start))s"
}

check_names() {
  local t
  for t in "$@"; do
    [[ -n "${VERSIONS[$t]+x}" ]] || die "unknown tool '$t' (known: ${ALL[*]})"
  done
}

case "${1:-}" in
  --list) for t in "${ALL[@]}"; do echo "$t ${VERSIONS[$t]}"; done ;;
  --path) echo "$BIN" ;;
  --missing)
    shift
    (($#)) || set -- "${DEFAULT[@]}"
    check_names "$@"
    for t in "$@"; do is_current "$t" || echo "$t"; done ;;
  -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" ;;
  -*) die "unknown option '$1' (see --help)" ;;
  *)
    (($#)) || set -- "${DEFAULT[@]}"
    check_names "$@"
    mkdir -p "$BIN" "$STAMPS"
    cd "$TOOLS_DIR"   # stay out of any go.mod / go.work of the caller
    for t in "$@"; do install_tool "$t"; done ;;
esac
