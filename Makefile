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
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GOSRC   := $(shell find app cache tracer viewer -name '*.go' 2>/dev/null) go.mod go.sum

# Browser-backed packages run in real Chromium through wasmbrowsertest.
BROWSER_PKGS := ./cache/idb/... ./tracer/browser/...

.PHONY: all build run test test-host test-browser test-e2e deps-chromium clean sizes

all: build

build: $(WASM) $(SERVER)

$(WASM): $(GOSRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="$(LDFLAGS)" -o $@ ./app

$(SERVER): $(GOSRC)
	@mkdir -p $(BUILD)
	$(GO) build -trimpath -ldflags="-X main.version=$(VERSION)" -o $@ ./app

run: build
	./$(SERVER)

test: test-host test-browser test-e2e

test-host:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...
	$(GO) test -race -count=1 ./...

test-browser: deps-chromium $(WBT)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(CURDIR)/$(WBT)" $(BROWSER_PKGS)

test-e2e: deps-chromium build
	cd e2e && ./run.sh

$(WBT):
	GOBIN=$(CURDIR)/$(BUILD)/bin $(GO) install github.com/agnivade/wasmbrowsertest@v0.11.0

deps-chromium:
	@command -v chromium >/dev/null || { \
		echo "installing Debian chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

sizes: $(WASM)
	@printf 'app.wasm raw %s bytes, gzip -9 %s bytes\n' $$(stat -c %s $(WASM)) $$(gzip -9c $(WASM) | wc -c)

clean:
	rm -rf $(BUILD) $(WASM)
