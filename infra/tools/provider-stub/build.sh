#!/usr/bin/env bash
# build.sh - build the offline hashicorp/aws schema stub and a filesystem
# mirror + CLI config that make `tofu init/validate/test` use it.
#
# Steps (each skipped when its output is already current):
#   a) npm-pack the pinned @cdktf/provider-aws tarball into the cache and
#      check its sha256                      (needs the npm registry once)
#   b) derive the provider schema from it     (cmd/genschema, ~4 s; redone only
#      when the tarball or the generator's sources change: see the stamp)
#   c) build the stub provider binary         (cmd/terraform-provider-aws)
#   d) lay out the unpacked filesystem mirror, under both registries'
#      addresses (`hashicorp/aws` means registry.opentofu.org/hashicorp/aws to
#      OpenTofu and registry.terraform.io/hashicorp/aws to Terraform):
#        <cache>/mirror/<registry>/hashicorp/aws/6.25.0/<os>_<arch>/
#          terraform-provider-aws_v6.25.0   the stub
#          schema.json                      the schema it serves
#   e) write <cache>/tofu.rc pointing tofu and terraform at that mirror for
#      hashicorp/aws (both read the same provider_installation syntax)
#
# Cache: ${PROVIDER_STUB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/currency-api/provider-stub}
# Nothing is written inside the repository.
#
# Usage:
#   infra/tools/provider-stub/build.sh          build, then print the paths
#   infra/tools/provider-stub/build.sh --env    build quietly, then print only
#                                               `export TF_CLI_CONFIG_FILE=...`
#                                               (for: eval "$(build.sh --env)")
# Then run tofu with TF_CLI_CONFIG_FILE=<cache>/tofu.rc (it must override any
# TF_CLI_CONFIG_FILE the environment already sets).
set -euo pipefail

# --- pins -------------------------------------------------------------------
# @cdktf/provider-aws 21.22.1 is generated from hashicorp/aws 6.25.0. Bumping:
# change all three, run once with network, and copy the sha256 it reports.
PKG_NAME=@cdktf/provider-aws
PKG_VERSION=21.22.1
PKG_SHA256=d1446ab6ac6526c6fab4b28a5ebefdd90c0ce56203949925d35a4d286c05cbbf
PROVIDER_VERSION=6.25.0
PROVIDER_ADDR=registry.opentofu.org/hashicorp/aws
PROVIDER_ADDRS=("$PROVIDER_ADDR" registry.terraform.io/hashicorp/aws)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PROVIDER_STUB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/currency-api/provider-stub}
TARBALL=$CACHE/cdktf-provider-aws-$PKG_VERSION.tgz
SCHEMA=$CACHE/aws-$PROVIDER_VERSION.schema.json
STAMP_FILE=$SCHEMA.stamp
MIRROR=$CACHE/mirror
RC=$CACHE/tofu.rc

ENV_ONLY=0
case "${1:-}" in
  --env) ENV_ONLY=1 ;;
  "") ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "build.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac

log() { echo "provider-stub: $*" >&2; }
die() { echo "provider-stub: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1fs", e - s }'; }

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$CACHE"

# --- a) the npm tarball -----------------------------------------------------
if [[ ! -f $TARBALL ]]; then
  command -v npm >/dev/null || die "npm is not on PATH and $TARBALL is not cached"
  t=$(now)
  log "fetching $PKG_NAME@$PKG_VERSION (37 MB) with npm pack"
  tmp=$(mktemp -d "$CACHE/.pack.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$PKG_NAME@$PKG_VERSION" >/dev/null) ||
    die "npm pack $PKG_NAME@$PKG_VERSION failed (is the npm registry reachable?)"
  mv "$tmp"/*.tgz "$TARBALL.part"
  mv "$TARBALL.part" "$TARBALL"
  log "fetched in $(since "$t")"
fi
got=$(sha256sum "$TARBALL" | cut -d' ' -f1)
[[ $got == "$PKG_SHA256" ]] ||
  die "$TARBALL has sha256 $got, want $PKG_SHA256 (delete it to refetch, or update PKG_SHA256 after a deliberate bump)"

# --- b) the schema ----------------------------------------------------------
# The stamp changes with the tarball and with the generator's own sources, so
# a fix to the generator regenerates the schema too.
gen_hash=$(cd "$HERE" && find cmd/genschema internal/cdktf internal/tfschema -name '*.go' ! -name '*_test.go' -print0 |
  sort -z | xargs -0 cat go.mod | sha256sum | cut -c1-16)
STAMP="$PKG_NAME@$PKG_VERSION sha256:$PKG_SHA256 generator:$gen_hash"
if [[ -f $SCHEMA && -f $STAMP_FILE && "$(<"$STAMP_FILE")" == "$STAMP" ]]; then
  [[ $ENV_ONLY == 1 ]] || log "schema is current ($SCHEMA)"
else
  t=$(now)
  log "deriving the provider schema from the tarball"
  (cd "$HERE" && CGO_ENABLED=0 go build -trimpath -o "$CACHE/bin/genschema" ./cmd/genschema)
  "$CACHE/bin/genschema" -tarball "$TARBALL" -out "$SCHEMA" -provider "$PROVIDER_ADDR" \
    -stamp "$STAMP" -want-provider-version "$PROVIDER_VERSION"
  printf '%s\n' "$STAMP" >"$STAMP_FILE"
  log "schema derived in $(since "$t")"
fi

# --- c) + d) the stub binary in the mirror ----------------------------------
# Unpacked-mirror layout OpenTofu searches (internal/getproviders/
# filesystem_search.go): HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/ holding an
# executable named terraform-provider-TYPE*. tofu init symlinks that
# directory into .terraform/providers, so schema.json stays next to the binary.
os_arch="$(go env GOOS)_$(go env GOARCH)"
BIN_NAME=terraform-provider-aws_v$PROVIDER_VERSION
STAGE=$CACHE/bin/$BIN_NAME
mkdir -p "$CACHE/bin"
t=$(now)
# -trimpath and no VCS stamp make the binary (and so the lock-file hash tofu
# records) depend on the sources only.
(cd "$HERE" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$STAGE.tmp.$$" ./cmd/terraform-provider-aws)
if [[ -f $STAGE ]] && cmp -s "$STAGE.tmp.$$" "$STAGE"; then rm -f "$STAGE.tmp.$$"; else mv "$STAGE.tmp.$$" "$STAGE"; fi
# install_atomically src dst: copy to a temp name and rename, so that a tofu
# run in progress keeps its old file.
install_atomically() {
  cmp -s "$1" "$2" && return
  cp "$1" "$2.tmp.$$" && mv "$2.tmp.$$" "$2"
}
for addr in "${PROVIDER_ADDRS[@]}"; do
  PKG_DIR=$MIRROR/$addr/$PROVIDER_VERSION/$os_arch
  mkdir -p "$PKG_DIR"
  install_atomically "$STAGE" "$PKG_DIR/$BIN_NAME"
  chmod 0755 "$PKG_DIR/$BIN_NAME"
  install_atomically "$SCHEMA" "$PKG_DIR/schema.json"
done
[[ $ENV_ONLY == 1 ]] || log "stub built in $(since "$t"): $(PROVIDER_STUB_SCHEMA=$SCHEMA "$STAGE" -info | head -1)"

# --- e) the CLI config ------------------------------------------------------
# filesystem_mirror for hashicorp/aws only; direct stays available for any
# other provider (and is excluded for aws so neither engine tries a registry).
addrs=$(printf '"%s", ' "${PROVIDER_ADDRS[@]}")
addrs=${addrs%, }
cat >"$RC.tmp.$$" <<EOF
# Written by infra/tools/provider-stub/build.sh. Use with:
#   TF_CLI_CONFIG_FILE=$RC tofu init -backend=false
#   TF_CLI_CONFIG_FILE=$RC terraform init -backend=false
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = [$addrs]
  }
  direct {
    exclude = [$addrs]
  }
}
EOF
mv "$RC.tmp.$$" "$RC"

if [[ $ENV_ONLY == 1 ]]; then
  printf 'export TF_CLI_CONFIG_FILE=%q\n' "$RC"
else
  cat <<EOF
schema:             $SCHEMA ($(stat -c %s "$SCHEMA") bytes)
provider binary:    $STAGE (copied into the mirror for ${PROVIDER_ADDRS[*]})
filesystem mirror:  $MIRROR
CLI config:         $RC
use:                TF_CLI_CONFIG_FILE=$RC tofu init -backend=false
EOF
fi
