# Currency API image: a static Go binary on distroless, non-root, no shell.
# Build for both architectures with, e.g.:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=1.2.3 .
#
# There is deliberately no syntax directive on the first line: it would pull
# the docker/dockerfile frontend image from Docker Hub on every build, by a
# moving tag and subject to anonymous pull limits. Docker >= 23 builds with
# BuildKit, whose built-in Dockerfile frontend supports RUN --mount.

ARG GO_VERSION=1.26.8
# The official Go image; the pipeline passes its mirror on ECR Public
# (public.ecr.aws/docker/library/golang) to avoid Docker Hub's anonymous pull
# limits from shared CodeBuild addresses.
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

# distroless static: CA certificates and tzdata, no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
# The embedded ECB history: its last publication and the sha256 of its CSV
# (compare with sha256sum eurofxref-hist.csv); the pipeline passes them
# from cmd/ratesnapshot info. Labels only: the binary does not change.
ARG RATES_LAST_DATE=unknown
ARG RATES_SHA256=unknown
LABEL org.opencontainers.image.title="currency-api" \
      org.opencontainers.image.description="Currency conversion on the ECB euro reference rates" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      io.github.currency-convertor-ecs.currency-api.rates.last-date="${RATES_LAST_DATE}" \
      io.github.currency-convertor-ecs.currency-api.rates.sha256="${RATES_SHA256}"
COPY --from=build /out/currency-api /currency-api
# The binary writes nothing to disk, so the container runs with a read-only
# root filesystem; 65532 is distroless's "nonroot".
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/currency-api", "healthcheck"]
ENTRYPOINT ["/currency-api"]
