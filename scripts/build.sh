#!/usr/bin/env bash
# build.sh OUT GOOS GOARCH VERSION - build the service binary for release.
#
# The one place the release build flags live: the Dockerfile and `make build`
# both call it, so what `make test` compiles for amd64 and arm64 is what the
# image ships. Static (no cgo), reproducible paths (-trimpath), stripped, and
# the version stamped into main.version.
set -euo pipefail
if [[ $# -ne 4 ]]; then
  echo "usage: $0 OUT GOOS GOARCH VERSION" >&2
  exit 2
fi
out=$1 goos=$2 goarch=$3 version=$4
CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" \
  go build -trimpath -buildvcs=false \
  -ldflags "-s -w -X main.version=$version" \
  -o "$out" ./cmd/currency-api
