# Currency API image: a static Go binary on an empty base, non-root, no shell.
# Build for both architectures with, e.g.:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=1.2.3 .
#
# This file is for people who build with Docker. The release image is made
# without a daemon by internal/image (cmd/imagebuild; the pipeline and
# `make image` use it). This file gives the same layout and config, and its
# test (cmd/currency-api/dockerfile_test.go) reads it with BuildKit's own
# parser and compares it with internal/image, which keeps the two equal.
#
# There is deliberately no syntax directive on the first line: it would pull
# the docker/dockerfile frontend image from Docker Hub on every build, by a
# moving tag and subject to anonymous pull limits. Docker >= 23 builds with
# BuildKit, whose built-in Dockerfile frontend supports RUN --mount and
# COPY --chmod.

ARG GO_VERSION=1.26.8
# The official Go image; a build can pass a mirror, such as ECR Public's
# (public.ecr.aws/docker/library/golang), to avoid Docker Hub's anonymous
# pull limits from shared addresses.
ARG GO_IMAGE=golang

# The build stage runs on the builder's own platform and cross-compiles,
# which is much faster than emulating the target architecture.
FROM --platform=$BUILDPLATFORM ${GO_IMAGE}:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY cmd/ cmd/
COPY internal/ internal/
COPY scripts/build.sh scripts/build.sh
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    scripts/build.sh /out/currency-api "$TARGETOS" "$TARGETARCH" "$VERSION"

# The runtime: an empty base holding the binary and the two files that name
# its user, as internal/image lays it out. Nothing else is needed: the binary
# carries its CA roots (golang.org/x/crypto/x509roots/fallback, imported by
# cmd/currency-api) and its time zone data (time/tzdata, imported by
# internal/currency). No shell, no package manager, so no RUN here.
FROM scratch
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
# The embedded ECB history: its last publication and the sha256 of its CSV
# (compare with sha256sum eurofxref-hist.csv), as cmd/ratesnapshot info
# prints them. Labels only: the binary does not change.
ARG RATES_LAST_DATE=unknown
ARG RATES_SHA256=unknown
LABEL org.opencontainers.image.title="currency-api" \
      org.opencontainers.image.description="Currency conversion on the ECB euro reference rates" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/currency-convertor-ecs/currency-api" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      io.github.currency-convertor-ecs.currency-api.rates.last-date="${RATES_LAST_DATE}" \
      io.github.currency-convertor-ecs.currency-api.rates.sha256="${RATES_SHA256}"
# COPY leaves what it copies owned by root, as internal/image does; --chmod
# sets the modes, so they do not depend on the umask of the checkout the
# files come from. WORKDIR makes /etc first, root's and 0755: a COPY
# --chmod gives the directories it makes its own mode (moby/buildkit#5943),
# and a 0644 /etc would shut the nonroot user out of its passwd.
COPY --from=build --chmod=0755 /out/currency-api /currency-api
WORKDIR /etc
WORKDIR /
COPY --chmod=0644 internal/image/rootfs/etc/passwd internal/image/rootfs/etc/group /etc/
# The binary writes nothing to disk, so the container runs with a read-only
# root filesystem; 65532 is "nonroot" in /etc/passwd (distroless's number).
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/currency-api", "healthcheck"]
ENTRYPOINT ["/currency-api"]
