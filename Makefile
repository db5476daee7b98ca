# conclab: a Jupyter kernel for Go made for exploring concurrency.
#   make lab      set everything up and open JupyterLab on the notebooks
#   make test     everything CI runs (installs what it needs)

SHELL   := /bin/bash
GO      ?= go
PYTHON  ?= python3
VENV    := .venv
BIN     := bin/conclab
LIVEBIN := bin/conclab-live
DLV     := bin/dlv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
TSTAMP  := $(VENV)/.installed-test
GOFILES := $(shell find . -name '*.go' -not -path './.venv/*' 2>/dev/null) go.mod go.sum

.PHONY: lab install build generate test test-go test-py test-browser chromium class-proxy vet bench notebooks stress clean

lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# The Dockerfile runs the same script, so CI tests the image's steps. --race: the first
# %race cell need not wait for the race-instrumented standard library.
install: build $(STAMP)
	scripts/install.sh --python $(VPY) --conclab $(BIN) --race kernelspec warm

build: $(BIN) $(LIVEBIN) $(DLV)

# The kernel and, next to it, the live engine's worker (the interpreter).
$(BIN) $(LIVEBIN) &: $(GOFILES)
	$(GO) build -o bin/ ./cmd/conclab ./cmd/conclab-live

# Delve, for the debugger: the version tools/dlv pins, built beside the kernel.
$(DLV): tools/dlv/go.mod tools/dlv/go.sum
	cd tools/dlv && $(GO) build -o ../../$(DLV) github.com/go-delve/delve/cmd/dlv

# Regenerate every generated file, with the tool versions pinned in go.mod. The
# live worker's symbol tables first: the package list is made from them.
# A test of each generated file fails when it is stale.
SYMBOLS := ./internal/live/worker/symbols
generate:
	$(GO) generate $(SYMBOLS)
	$(GO) generate $$($(GO) list ./... | grep -vx 'github.com/conclab/conclab/$(patsubst ./%,%,$(SYMBOLS))')

$(STAMP): requirements.txt
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements.txt
	touch $@

$(TSTAMP): requirements-test.txt requirements.txt
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet -r requirements-test.txt
	touch $@

test: vet test-go test-py test-browser

# staticcheck's version is pinned in go.mod (a tool dependency). ./... is the
# main module: third_party/zmq4 is a module of its own, so it is not checked.
vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# -race: the project is about concurrency, and so are its own goroutines.
# -p 1: the truth tests measure what the scheduler and the OS did, and two
# race-built packages at once on two cores made them see other tests' load.
test-go: $(TSTAMP) $(DLV)
	CONCLAB_PYTHON=$(abspath $(VPY)) $(GO) test -race -p 1 ./...

test-py: install $(TSTAMP) class-proxy
	CONCLAB_PYTHON=$(abspath $(VPY)) $(VPY) -m pytest -q tests bench --ignore=tests/test_lab.py

# The proxy JupyterHub routes students through, for the class test
# (tests/test_class.py): the version package-lock.json pins, from npm.
PROXY := scripts/class/node_modules/.bin/configurable-http-proxy

class-proxy: $(PROXY)

$(PROXY): scripts/class/package.json scripts/class/package-lock.json
	npm ci --prefix scripts/class --no-audit --no-fund
	touch $@

# JupyterLab and Notebook 7 driven in Debian's Chromium; screenshots in build/screenshots/.
CHROMIUM ?= /usr/bin/chromium

test-browser: install $(TSTAMP) chromium
	CONCLAB_CHROMIUM=$(CHROMIUM) $(VPY) -m pytest -q -rs tests/test_lab.py

# Playwright uses this browser and never downloads one of its own.
chromium:
	@test -x $(CHROMIUM) || [ "$$(id -u)" != 0 ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	@test -x $(CHROMIUM) || { echo "make test-browser needs Chromium at $(CHROMIUM): install Debian's (sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium"; exit 1; }

# The fault, load, security and grading suite at full size (make test runs a bounded
# version); it ends with one line of figures.
stress: install $(TSTAMP) class-proxy
	CONCLAB_STRESS=1 $(VPY) -m pytest -q tests/test_faults.py tests/test_robustness.py tests/test_security.py tests/test_grading.py tests/test_class.py
	CONCLAB_STRESS=1 $(GO) test -race -count=1 -run TestKnownAnswers ./check/
	CONCLAB_STRESS=1 $(GO) test -count=1 -timeout 30m -run TestAllTablesAreCurrent ./internal/live/worker/newstd/

# Measure cell latency, startup and memory side by side with gonb and the Go
# toolchain floor; table on stdout, results in build/bench.json.
# `make bench QUICK=1` runs fewer repetitions and skips the notebook suite.
bench: install $(TSTAMP)
	$(VPY) bench/bench.py $(if $(filter-out 0,$(QUICK)),--quick) --conclab $(BIN) --json build/bench.json

# Re-execute every notebook and store its outputs (plots show on GitHub).
notebooks: install $(TSTAMP)
	$(VPY) tests/nbrun.py --inplace notebooks/*.ipynb

clean:
	rm -rf bin $(VENV)
