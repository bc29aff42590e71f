# saima build, demo and test entry points. Every target installs what it
# needs, so each works on a fresh Debian machine with Go, Node.js and npm.

GO       ?= go
BIN      := bin/saima
ADDR     ?= 127.0.0.1:8080

.PHONY: setup build demo test test-deps bench clean

## setup: install the third-party runtime files (chDB, ECharts, fonts) with npm
setup: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# REVISION and REVISION_TIME are stamped into the binary for saima version,
# which prints them when Go's own VCS settings are missing. They come from
# git when the tree is a checkout; a release tarball can pass them, as in
# make build REVISION=0b7225d8cc01.
REVISION      ?= $(shell git rev-parse HEAD 2>/dev/null)
REVISION_TIME ?= $(shell TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null)

## build: compile bin/saima, stamped with the Git revision when known
build:
	$(GO) build -buildvcs=auto \
		-ldflags "-X main.stampedRevision=$(REVISION) -X main.stampedTime=$(REVISION_TIME)" \
		-o $(BIN) ./cmd/saima

## demo: set up, build, load the demo city into ./data and serve it on $(ADDR)
demo: setup build
	./$(BIN) demo --addr $(ADDR)

## test-deps: install the Debian packages the tests drive (Chromium, poppler, ClickHouse server, ZooKeeper)
test-deps:
	bash scripts/install-test-deps.sh

## test: install everything the tests need, check gofmt and go vet, run
## the whole suite under the race detector, then run the suites that use
## chtest.Store again on a ClickHouse server
test: setup test-deps
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 40m ./...
	SAIMA_TEST_ENGINE=server $(GO) test -count=1 -timeout 40m ./web/ ./scoring/ ./ingest/...

## bench: run the Go benchmarks; docs/benchmarks.md records results
bench: setup
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

clean:
	rm -rf bin demo-out
