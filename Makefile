# Currency API - every developer and CI entry point. `make` lists the targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
PLATFORMS := linux/amd64 linux/arm64
TOOLS_BIN := $(shell scripts/install-tools.sh --path)
export PATH := $(TOOLS_BIN):$(PATH)

# In CI a missing tool fails the run; on a laptop it is skipped, loudly.
define need_tool
	if ! command -v $(1) >/dev/null; then \
	  if [[ "$${CI:-}" == "true" ]]; then echo "FAIL $(1): not installed (CI installs it with scripts/install-tools.sh)"; exit 1; fi; \
	  echo "SKIPPED $(1): not installed; install it with: scripts/install-tools.sh $(1)"; exit 0; \
	fi;
endef

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

.PHONY: run
run: ## Serve on :8080 (PORT to change; RATES_PROVIDER=offline for no network)
	go run -ldflags "-X main.version=$(VERSION)" ./cmd/currency-api

.PHONY: test
test: lint unit fuzz-smoke build image container browser infra ## Everything CI checks: lint, tests with -race, bounded fuzzing, both release builds, the image built and run, the page in a browser, infrastructure
	@echo "make test: all checks passed"

.PHONY: unit
unit: ## Go tests with the race detector
	go test -race -count=1 ./...

# The repository's Go modules: the service, and the two infrastructure tools
# that have their own go.mod (so ./... at the root does not reach them).
GO_MODULES := . infra/policy infra/tools/provider-stub

.PHONY: lint
lint: ## gofmt, go vet, staticcheck, go.mod tidiness (every Go module of the repository)
	@out=$$(gofmt -l .); if [[ -n "$$out" ]]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(GO_MODULES); do echo "go vet ./... ($$m)"; (cd $$m && go vet -tags container,browser ./...); done
	@$(call need_tool,staticcheck) for m in $(GO_MODULES); do echo "staticcheck ./... ($$m)"; (cd $$m && staticcheck -tags container,browser ./...); done
	@for m in $(GO_MODULES); do echo "go mod tidy -diff ($$m)"; (cd $$m && go mod tidy -diff >/dev/null) || { echo "$$m: go.mod/go.sum are not tidy: run go mod tidy there"; exit 1; }; done

.PHONY: build
build: ## Release binaries for linux/amd64 and linux/arm64 into bin/, with the Dockerfile's flags
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; out=bin/currency-api-$$os-$$arch; \
	  scripts/build.sh "$$out" "$$os" "$$arch" "$(VERSION)"; \
	  echo "built $$out ($$(du -h "$$out" | cut -f1))"; \
	done

# The image's commit: HEAD, -dirty when tracked files differ from it.
REVISION = $(shell git rev-parse HEAD)$(shell git status --porcelain --untracked-files=no | grep -q . && echo -dirty)
IMAGE_LAYOUT := dist/image

.PHONY: image
image: build ## The release image without Docker: an OCI index (linux/amd64, linux/arm64) as an OCI layout in dist/image (cmd/imagebuild)
	go run ./cmd/imagebuild $(foreach p,$(PLATFORMS),-binary $(p)=bin/currency-api-$(subst /,-,$(p))) \
	  -version '$(VERSION)' -revision '$(REVISION)' -created "$$(git log -1 --format=%ct HEAD)" -layout $(IMAGE_LAYOUT)

.PHONY: container
container: image ## Run the image under runc (root; umoci + runc): read-only root, uid 65532, no capabilities, own network namespace
	@$(call need_tool,umoci) $(call need_tool,runc) \
	  IMAGE_LAYOUT='$(CURDIR)/$(IMAGE_LAYOUT)' go test -tags container -count=1 -v -run '^TestImageRunsUnderRunc$$' ./internal/image/

.PHONY: browser
browser: ## The converter page in Debian's Chromium (playwright-core): a typed conversion, the chart, CSP, screenshots in dist/screenshots
	go test -tags browser -race -count=1 -v -run '^TestConverterPageInChromium$$' ./e2e/

.PHONY: infra
infra: ## Every offline infrastructure check: fmt, validate, tofu test, trivy, policy, tflint, docs, actionlint
	scripts/check-infra.sh

.PHONY: bench
bench: ## Go benchmarks of the convert path; wrk load of the service vs a minimal handler (ratio), allocations, RSS and start time of the release binary
	@command -v wrk >/dev/null || scripts/install-tools.sh wrk  # Debian's package: needs root, else says what to run
	go test -run='^$$' -bench=. -benchmem -count=1 ./internal/currency/ ./internal/server/
	go run ./cmd/loadbench

# fuzz_target runs one fuzz target: $(1) target, $(2) package, $(3) -fuzztime (a duration or a count like 300000x).
fuzz_target = go test -run='^$$' -fuzz='^$(1)$$' -fuzztime=$(3) $(2)

.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME (default 60s, or a count such as 2000000x); the seed corpora under testdata/fuzz are committed
	$(call fuzz_target,FuzzParse,./internal/ecb,$${FUZZTIME:-60s})
	$(call fuzz_target,FuzzParseCSV,./internal/ecb,$${FUZZTIME:-60s})
	$(call fuzz_target,FuzzParseRateMatchesAPD,./internal/currency,$${FUZZTIME:-60s})
	$(call fuzz_target,FuzzQuery,./internal/server,$${FUZZTIME:-60s})

# The smoke run budgets executions, not seconds (each about 10 s here): with a
# duration, Go 1.26's fuzz coordinator can fail a clean run at the deadline
# ("context deadline exceeded", golang/go#75804, fixed in Go 1.27). A count
# has no deadline to race; on a slower machine it only takes longer.
.PHONY: fuzz-smoke
fuzz-smoke: ## Each fuzz target for a fixed number of executions (part of make test); a crasher fails the run and is saved under testdata/fuzz
	$(call fuzz_target,FuzzParse,./internal/ecb,300000x)
	$(call fuzz_target,FuzzParseCSV,./internal/ecb,200000x)
	$(call fuzz_target,FuzzParseRateMatchesAPD,./internal/currency,300000x)
	$(call fuzz_target,FuzzQuery,./internal/server,60000x)

# The delivery pipeline's source bundle: what CodeBuild unpacks and runs
# the pipeline module's buildspec on (see cmd/release).
BUNDLE := dist/currency-api-source.zip

.PHONY: bundle
bundle: ## Build the pipeline's source bundle dist/currency-api-source.zip from the git-tracked files (deterministic)
	go run ./cmd/release -out $(BUNDLE)

.PHONY: lambda
lambda: ## The rotation Lambda's deployment package dist/rotate-origin-secret.zip (linux/arm64, reproducible)
	go run ./cmd/lambdazip -out dist/rotate-origin-secret.zip

.PHONY: release
release: ## Upload the bundle to ENV's source bucket, which starts CodeBuild (ENV=dev|prod; DRY_RUN=1 lists and uploads nothing; SOURCE_BUCKET=, SOURCE_KEY=, TF= override)
	@BUNDLE='$(BUNDLE)' DRY_RUN='$(DRY_RUN)' TF='$(TF)' SOURCE_BUCKET='$(SOURCE_BUCKET)' SOURCE_KEY='$(SOURCE_KEY)' \
	  scripts/release.sh '$(ENV)'

.PHONY: tools
tools: ## Install the pinned developer tools into the cache (slow the first time)
	scripts/install-tools.sh

.PHONY: clean
clean: ## Remove build outputs
	rm -rf bin dist
