GO ?= go

# The module's path, from go.mod: the one place that names it (the imports aside).
MODULE = $(shell $(GO) list -m)
# The name the runner is installed under: a bare "runner" on PATH collides with other tools.
NAME = classnotes
# The commit the runner is built from, which "classnotes version" prints ("+modified" for changes not committed).
COMMIT = $(shell git describe --always --dirty=+modified --abbrev=40 --exclude='*' 2>/dev/null)
# The runner itself is built with -trimpath, as it builds the cells, so that Go compiles the standard library
# once for both.
RUNNER_FLAGS = -trimpath -ldflags='-X main.commit=$(COMMIT)'
RUNNER = $(GO) run $(RUNNER_FLAGS) ./runner
# Where make install puts the command: GOBIN, else the first directory of GOPATH's bin.
BINDIR = $(or $(shell $(GO) env GOBIN),$(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin)

.PHONY: run serve install test test-gonb gonb fmt vet cross portable fuzz bench soak golden

# Render every lesson: run each cell and write its output back into lessons/*.md.
run:
	$(RUNNER) render lessons/

# The live classroom: serve lessons/ as pages that run their cells (Ctrl-C stops it).
serve:
	$(RUNNER) serve lessons/

# Install the runner as $(NAME) into GOBIN (or GOPATH/bin), to run it on any course from any directory.
install:
	$(GO) build $(RUNNER_FLAGS) -o $(BINDIR)/$(NAME)$(shell $(GO) env GOEXE) ./runner

# Every test: formatting, vet, the tests of every package, and the lessons' notes still true (net cells
# skipped: CI has no internet).
test: vet cross
	@unformatted=$$(gofmt -l runner snippets); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) test -trimpath ./...
	$(MAKE) portable
	$(MAKE) test-gonb
	$(RUNNER) check --stale lessons/
	$(RUNNER) check --offline lessons/

vet:
	$(GO) vet ./...

# The exported lessons executed in GoNB (runner/cli/gonb_test.go), alone: Class 16's servers listen on fixed
# ports, which the tests of other packages use too, so it cannot run within go test ./... (there it skips).
# It uses the GoNB that `make gonb` (.ci/gonb) sets up in GONB; without it, it skips, saying so (CI=true:
# it fails). -v: its table of every cell is the log.
GONB = $(shell .ci/gonb --dir)
test-gonb:
	$(GO) test -trimpath -count=1 -v -run '^TestGoNB$$' ./runner/cli -args -gonb '$(GONB)'

# GoNB v0.11.1 and goimports, built outside this module into GONB (~/.cache/classnotes-gonb/v0.11.1;
# CLASSNOTES_GONB=DIR for another place), with GoNB's kernelspec there; nothing is built twice.
gonb:
	.ci/gonb

# The other platforms, compiled and vetted (never run here): every package and test for each, and Linux with
# the classnotes_portable tag. Vet only, to stay fast.
CROSS = darwin/arm64 darwin/amd64 windows/amd64 freebsd/amd64 linux/arm64
cross:
	@for t in $(CROSS); do echo "go vet $$t"; GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) vet ./... || exit 1; done
	$(GO) vet -tags classnotes_portable ./...

# The whole suite again on Linux with the Linux-only extras switched off (no subreaper, no Pdeathsig, no
# pidfds: the POSIX supervisor and its watchdog, as macOS runs them). Tests of what only the extras guarantee
# are built with linux && !classnotes_portable. PORTABLE=./runner/run for one package.
PORTABLE = ./...
portable:
	$(GO) test -trimpath -tags classnotes_portable $(PORTABLE)

fmt:
	gofmt -w runner snippets

# Rewrite every golden file with what the tests make now: the tests of each package whose tests use
# runner/internal/golden, run with -update (the flag only those test binaries know). Read git diff after it.
GOLDEN_PACKAGES = $(shell $(GO) list -f '{{range .TestImports}}{{if eq . "$(MODULE)/runner/internal/golden"}}{{$$.ImportPath}} {{end}}{{end}}{{range .XTestImports}}{{if eq . "$(MODULE)/runner/internal/golden"}}{{$$.ImportPath}} {{end}}{{end}}' ./...)
golden:
	$(GO) test -count=1 $(GOLDEN_PACKAGES) -update

# Run the fuzz targets for a while (FUZZTIME=1m make fuzz).
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./runner/lesson -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./runner/splice -run '^$$' -fuzz FuzzSplice -fuzztime $(FUZZTIME)
	$(GO) test ./runner/splice -run '^$$' -fuzz FuzzRender -fuzztime $(FUZZTIME)
	$(GO) test ./runner/jupyter -run '^$$' -fuzz FuzzImport -fuzztime $(FUZZTIME)

# A class of an hour against a real runner serve: 60 students' event streams, 650 runs, the server's memory
# sampled, a client that never reads, Ctrl-C (CLASSNOTES_SOAK_RUNS=100 for fewer runs, CLASSNOTES_SOAK_PAUSE=5s
# to take an hour over them).
soak:
	CLASSNOTES_SOAK=1 $(GO) test ./runner/serve -run '^TestSoak$$' -count=1 -v -timeout 60m

# Speed, measured side by side with go run and go build in one run (no test asserts a time).
bench:
	$(GO) run ./runner/bench
