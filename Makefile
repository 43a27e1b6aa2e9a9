# Spanfall. `make run` serves the PWA on http://localhost:8000 with the
# embedded OTLP sink; `make test` installs what it needs and runs all three
# test tiers (host, browser, end to end).

SHELL := /bin/bash
GO ?= go
export GOFLAGS ?= -mod=readonly

BUILD   := .build
SERVER  := $(BUILD)/spanfall
WASM    := web/app.wasm
WBT     := $(BUILD)/bin/wasmbrowsertest
WASI    := $(BUILD)/wasiexample.wasm
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GOSRC   := $(shell find app cache tracer viewer -name '*.go' 2>/dev/null) go.mod go.sum
# Packages that must build for GOOS=wasip1 with no browser code linked in. (tracer/goapp is go-app glue: go-app does not build for wasip1)
WASIP1_PKGS = $(shell $(GO) list ./tracer/... | grep -v /tracer/goapp) ./cache ./cache/filestore

# Browser-backed packages, and those whose wasm behaviour matters (the span
# engine reads option layouts; gcpace), run in real Chromium through
# wasmbrowsertest.
BROWSER_PKGS := ./cache/idb/... ./tracer/engine/... ./tracer/gcpace/... ./tracer/browser/... ./tracer/otlp/... ./tracer/internal/... ./tracer/exception/... ./tracer/longtask/...

.PHONY: all build run test test-host test-browser test-e2e check-wasip1 deps-chromium clean sizes bench

all: build

build: $(WASM) $(SERVER) $(WASM).br

# Brotli (q9; BROTLI_QUALITY=11 for a release: ~10% smaller, ~30x slower)
# and gzip copies, served by Accept-Encoding.
BROTLI_QUALITY ?= 9
$(WASM).br: $(WASM) $(SERVER)
	./$(SERVER) precompress -quality $(BROTLI_QUALITY) $(WASM)

$(WASM): $(GOSRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="$(LDFLAGS)" -o $@ ./app

$(SERVER): $(GOSRC)
	@mkdir -p $(BUILD)
	$(GO) build -trimpath -ldflags="-X main.version=$(VERSION)" -o $@ ./app

run: build
	./$(SERVER)

test: test-host test-browser test-e2e

test-host: check-wasip1 $(WASI)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	SPANFALL_WASI_MODULE=$(CURDIR)/$(WASI) $(GO) test -race -count=1 ./...
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime 5s ./viewer/query && $(GO) test -run '^$$' -fuzz '^FuzzImport$$' -fuzztime 5s ./viewer/transfer

# The tracer core builds for WASI without syscall/js or go-indexeddb.
check-wasip1:
	GOOS=wasip1 GOARCH=wasm $(GO) vet $(WASIP1_PKGS)
	@if GOOS=wasip1 GOARCH=wasm $(GO) list -deps ./tracer/wasiexample | grep -E '^(syscall/js|github.com/hack-pad/)'; then \
		echo "browser code is linked into the wasip1 module"; exit 1; fi

test-browser: deps-chromium $(WBT)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(CURDIR)/$(WBT)" $(BROWSER_PKGS)

test-e2e: deps-chromium build $(WASI)
	cd e2e && ./run.sh

$(WASI): $(GOSRC)
	@mkdir -p $(BUILD)
	GOOS=wasip1 GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./tracer/wasiexample

$(WBT):
	GOBIN=$(CURDIR)/$(BUILD)/bin $(GO) install github.com/agnivade/wasmbrowsertest@v0.11.0

deps-chromium:
	@command -v chromium >/dev/null || { \
		echo "installing Debian chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

sizes: $(WASM).br
	@printf 'app.wasm raw %s bytes, gzip -9 %s bytes, brotli q$(BROTLI_QUALITY) %s bytes (served)\n' $$(stat -c %s $(WASM)) $$(stat -c %s $(WASM).gz) $$(stat -c %s $(WASM).br)

# Timing goals live here, never in tests.
bench: deps-chromium build
	cd e2e && SPANFALL_COLLECTOR="$$(collector/build.sh | tail -n 1)" && export SPANFALL_COLLECTOR && ./setup.sh && node bench/compare.mjs
	cd e2e && SPANFALL_COLLECTOR="$$(collector/build.sh | tail -n 1)" && export SPANFALL_COLLECTOR && node bench/viewer.mjs
	cd e2e && SPANFALL_COLLECTOR="$$(collector/build.sh | tail -n 1)" && export SPANFALL_COLLECTOR && node bench/viewer-tools.mjs
	cd e2e && SPANFALL_COLLECTOR="$$(collector/build.sh | tail -n 1)" && export SPANFALL_COLLECTOR && node bench/instrument.mjs
	$(MAKE) sizes

clean:
	rm -rf $(BUILD) $(WASM)
