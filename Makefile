# frontline — `make run` and `make test` are all a newcomer needs.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/frontline
ADDR    ?= :8080
GO      ?= go
# staticcheck from the Go module proxy, pinned; go run caches the build.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# the packages that call C (GEOS, PROJ), run again under cgocheck2; geo/encode
# and geo/gpkg call none of their own (and gpkg would rebuild the pure-Go
# SQLite under the experiment).
CGO_PKGS := ./geo ./geo/boundaries ./geo/geodesic ./geo/internal/... ./geo/territory ./geo/thiessen

.PHONY: all build run test bench lint staticcheck fuzz deps deps-test clean screenshot districts

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/frontline

## run: build and serve the embedded Aleppo dataset at http://localhost:8080
run: build
	./$(BIN) serve --addr $(ADDR)

## test: what CI runs: lint, staticcheck, the suite (unit, golden, HTTP, the
## rule that geo imports no HTTP) under the race detector, the real Ukraine
## sample (from ../shared, skipped when absent) without it, the browser test on
## its own (under -race and beside the other packages its page timed out on a
## busy 2-core machine), then the cgo packages with GOEXPERIMENT=cgocheck2
## (Go pointers passed to C)
test: deps-test lint staticcheck
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/e2e$$')
	$(GO) test -count=1 -run 'TestSample' ./geo/polygons/
	$(GO) test -count=1 ./e2e/
	GOEXPERIMENT=cgocheck2 $(GO) test -count=1 $(CGO_PKGS)

## bench: every benchmark, with allocations
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

## lint: go vet and gofmt
lint: deps
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## staticcheck: staticcheck's default checks
staticcheck: deps
	$(GO) run $(STATICCHECK) ./...

## fuzz: a short run of every fuzz test
fuzz: deps
	@for pkg in ./geo/ ./geo/thiessen/ ./geo/boundaries/ ./geo/encode/ ./geo/topology/ ./geo/polygons/ ./server/ ./site/; do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep ^Fuzz); do \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$pkg || exit 1; \
		done; \
	done

## districts: rebuild the Aleppo districts from the CSR neighbourhood layer in data/aleppo-2016/sources
districts: deps
	$(GO) run ./cmd/frontline build-districts --polygons data/aleppo-2016/sources/csr/Neighborhoods.geojson \
		--name-property NAME --places data/aleppo-2016/places.csv --out data/aleppo-2016/districts.geojson

## screenshot: refresh docs/screenshot.png (the comparison view) from the browser test
screenshot: deps-test
	FRONTLINE_SCREENSHOT=1 $(GO) test -count=1 -run Browser ./e2e/

clean:
	rm -rf bin
