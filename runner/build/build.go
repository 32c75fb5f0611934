package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"classnotes/runner/cache"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// Flags are the go build flags of every program; fingerprints cover them.
var Flags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w"}

// Result is the build of one program.
type Result struct {
	Binary   string // path of the executable; "" when the program did not compile
	Messages string // the compiler's messages when it did not compile
	Duration time.Duration
	Cached   bool // the executable came from the cache
}

// OK reports whether the program compiled.
func (r *Result) OK() bool { return r.Binary != "" }

// Builder builds programs into executables under Dir.
type Builder struct {
	Dir   string       // where executables and inline sources go; the caller removes it
	Limit int          // builds at once; 0 means the number of CPUs
	Go    string       // the go command; "" means "go" from PATH
	Cache *cache.Cache // if not nil, executables are taken from it and kept in it, by build key

	// GoVersion is the go command's version ("go1.26.8"): the language version that inline cells built
	// together get, as they would alone, and the go line of the temporary module that holds those of lessons
	// in no module. When it is not a release's, each inline cell is built alone.
	GoVersion string

	// Notice, if not nil, is told when a build has to compile the standard library first, which takes a
	// minute where a build takes a second: it is called at most once per Build, while the build goes on.
	Notice func(string)
}

// StdNotice is what Notice is told when standard library packages are compiled first.
const StdNotice = "compiling Go's standard library with -trimpath first, once for this Go version: this build takes a while"

// checkStd asks the go command, while the build of progs goes on, whether the standard library packages they
// import are built yet with the programs' flags. Go's build cache keeps them apart from what a plain go build
// uses (-trimpath changes every file name the compiler records), so each is compiled again once per Go
// version, however warm the cache: seconds for net/http, a minute for all that a server imports. The returned
// channel is closed when the check is done.
func (b *Builder) checkStd(ctx context.Context, progs []*plan.Program) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		args := append(append([]string{"list", "-e"}, Flags...), "-f", "{{if and .Standard .Stale}}stale{{end}}")
		args = append(args, stdImports(progs)...)
		var out bytes.Buffer
		err := b.goCmd(ctx, b.Dir, args, &out, nil) // in b.Dir, outside any module: only the standard library is asked about
		if err == nil && strings.Contains(out.String(), "stale") {
			b.Notice(StdNotice)
		}
	}()
	return done
}

// stdImports returns the import paths of progs that may be the standard library's (their first element has no
// dot), always with runtime, which every program needs. For an src= program, only its src file is read.
func stdImports(progs []*plan.Program) []string {
	paths := map[string]bool{"runtime": true}
	for _, p := range progs {
		for _, path := range imports(p) {
			first, _, _ := strings.Cut(path, "/")
			if path != "C" && !strings.Contains(first, ".") {
				paths[path] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(paths))
}

// imports returns the import paths of p's program (for an src= program, of its src file), none when its
// imports do not parse: the compiler then says what is wrong.
func imports(p *plan.Program) []string {
	src := p.Inline
	if !p.IsInline() {
		src = p.Src
	}
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	var paths []string
	for _, imp := range f.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err == nil {
			paths = append(paths, path)
		}
	}
	return paths
}

// Build builds progs, results[i] being the build of progs[i]. Executables already in the cache are taken from
// it; the programs of a module (src= packages and inline cells) are built together, several to a go command;
// the rest, and any program a failed batch names, are built one by one, a few at a time. Programs with the
// same build key are built once.
func (b *Builder) Build(ctx context.Context, progs []*plan.Program) ([]*Result, error) {
	done := map[string]*Result{} // by build key
	var todo []*plan.Program
	for _, p := range progs {
		if msg := notMain(p); msg != "" {
			done[p.BuildKey] = &Result{Messages: msg}
			continue
		}
		if b.Cache != nil {
			if bin, ok := b.Cache.Binary(p.BuildKey); ok {
				done[p.BuildKey] = &Result{Binary: bin, Cached: true}
				continue
			}
		}
		todo = append(todo, p)
	}
	if len(todo) == 0 {
		return b.results(progs, done), nil
	}
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		return nil, err
	}
	if b.Notice != nil {
		checked := b.checkStd(ctx, todo)
		defer func() { <-checked }()
	}
	for i, bt := range batches(todo, b.GoVersion, b.goFlags(ctx, todo)) {
		if err := b.runBatch(ctx, bt, i, done); err != nil {
			return nil, err
		}
	}
	var single []*plan.Program
	queued := map[string]bool{}
	for _, p := range todo {
		if done[p.BuildKey] == nil && !queued[p.BuildKey] {
			queued[p.BuildKey] = true
			single = append(single, p)
		}
	}
	singles := make([]*Result, len(single))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, b.limit()))
	for i, p := range single {
		g.Go(func() error {
			r, err := b.build(gctx, p, filepath.Join(b.Dir, fmt.Sprintf("cell%d", i)))
			singles[i] = r
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, p := range single {
		done[p.BuildKey] = singles[i]
	}
	return b.results(progs, done), nil
}

// results returns the builds of progs in their order, from the builds by build key.
func (b *Builder) results(progs []*plan.Program, done map[string]*Result) []*Result {
	results := make([]*Result, len(progs))
	for i, p := range progs {
		results[i] = done[p.BuildKey]
	}
	return results
}

// runBatch builds one batch and records its executables in done. When the batch fails, the programs its
// messages name are left to be built alone and the rest are tried once more together; whatever still fails
// is left to be built alone too.
func (b *Builder) runBatch(ctx context.Context, bt *batch, i int, done map[string]*Result) error {
	for try := 0; try < 2 && bt.size() > 1; try++ {
		r, err := b.tryBatch(ctx, bt, filepath.Join(b.Dir, fmt.Sprintf("batch%d.%d", i, try)), done)
		if err != nil || r.bins != nil {
			return err
		}
		if len(r.blamed) == 0 {
			return nil
		}
		bt = bt.without(r.blamed)
	}
	return nil
}

// tryBatch runs one go command for bt, with work as its scratch directory, and records what it built.
func (b *Builder) tryBatch(ctx context.Context, bt *batch, work string, done map[string]*Result) (*batchResult, error) {
	out := filepath.Join(work, "bin")
	if b.Cache != nil {
		tmp, remove, err := b.Cache.BinaryTemp()
		if err != nil {
			return nil, err
		}
		defer remove()
		out = filepath.Dir(tmp)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	r, err := b.buildBatch(ctx, bt, out, work)
	if err != nil || r.bins == nil {
		return r, err
	}
	for key, bin := range r.bins {
		if b.Cache != nil {
			if bin, err = b.Cache.PutBinary(key, bin); err != nil {
				return nil, err
			}
		}
		done[key] = &Result{Binary: bin, Duration: r.took}
	}
	return r, nil
}

func (b *Builder) limit() int {
	if b.Limit > 0 {
		return b.Limit
	}
	return runtime.NumCPU()
}

// build compiles one program into dir, or into the cache when there is one.
func (b *Builder) build(ctx context.Context, p *plan.Program, dir string) (*Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "cell"+exeSuffix)
	if b.Cache != nil {
		tmp, remove, err := b.Cache.BinaryTemp()
		if err != nil {
			return nil, err
		}
		defer remove()
		bin = tmp
	}
	workDir, args, files, err := buildArgs(p, dir)
	if err != nil {
		return nil, err
	}
	if p.Overlay != nil {
		flag, err := writeOverlay(p.Overlay, dir)
		if err != nil {
			return nil, err
		}
		args = append([]string{flag}, args...)
	}
	cmdArgs := append(append([]string{"build"}, Flags...), append([]string{"-o", bin}, args...)...)
	var out bytes.Buffer
	start := time.Now()
	err = b.goCmd(ctx, workDir, cmdArgs, &out, &out)
	r := &Result{Duration: time.Since(start)}
	switch {
	case ctx.Err() != nil:
		return r, ctx.Err()
	case err == nil && b.Cache != nil:
		if r.Binary, err = b.Cache.PutBinary(p.BuildKey, bin); err != nil {
			return r, err
		}
	case err == nil:
		r.Binary = bin
	case isExit(err):
		r.Messages = compilerMessages(out.String(), files)
	default:
		return r, fmt.Errorf("go build: %w", err)
	}
	return r, nil
}

// buildArgs says how go build is given program p, to be built in dir: the directory it runs in, the arguments
// naming the program, and the names the compiler may give the program's files in its messages. An inline
// cell's code is written to dir/main.go.
func buildArgs(p *plan.Program, dir string) (workDir string, args, files []string, err error) {
	if !p.IsInline() {
		if p.Module != "" {
			return p.Dir, []string{"."}, nil, nil
		}
		goFiles, err := packageFiles(p.Dir)
		return p.Dir, goFiles, nil, err
	}
	main := filepath.Join(dir, "main.go")
	if err := os.WriteFile(main, p.Inline, 0o644); err != nil {
		return "", nil, nil, err
	}
	// Inside a module the cell may import the module's packages and dependencies; outside one, only the
	// standard library.
	workDir = p.Module
	if workDir == "" {
		workDir = dir
	}
	files = []string{main}
	if rel, err := filepath.Rel(workDir, main); err == nil {
		files = append(files, rel)
	}
	return workDir, []string{main}, files, nil
}

// writeOverlay writes the texts of overlay (by the absolute path of the file each replaces) into dir with the
// overlay file that names them, and returns the go build flag that lays them over the files.
func writeOverlay(overlay map[string][]byte, dir string) (string, error) {
	replace := map[string]string{}
	i := 0
	for _, path := range slices.Sorted(maps.Keys(overlay)) {
		// Each text keeps its file's name, which the compiler's messages give.
		i++
		file := filepath.Join(dir, "overlay", strconv.Itoa(i), filepath.Base(path))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(file, overlay[path], 0o644); err != nil {
			return "", err
		}
		replace[path] = file
	}
	file, err := overlayFile(replace, dir)
	if err != nil {
		return "", err
	}
	return "-overlay=" + file, nil
}

// overlayFile writes, as dir/overlay.json, the go command's overlay that builds each file named in replace
// (by the path of the file it stands for) instead of that file, and returns its path.
func overlayFile(replace map[string]string, dir string) (string, error) {
	js, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, "overlay.json")
	return file, os.WriteFile(file, js, 0o644)
}

// goFlags returns the go command's GOFLAGS, from the environment or its env file, when progs have inline cells
// that a batch could build; "" otherwise, or when it cannot say.
func (b *Builder) goFlags(ctx context.Context, progs []*plan.Program) string {
	if !slices.ContainsFunc(progs, (*plan.Program).IsInline) {
		return ""
	}
	// In b.Dir, outside any module, whose go line could make the go command look for another toolchain.
	var out bytes.Buffer
	if err := b.goCmd(ctx, b.Dir, []string{"env", "GOFLAGS"}, &out, nil); err != nil {
		return "-gcflags" // unknown: as if it set some, so that no inline cell is batched
	}
	return out.String()
}

func (b *Builder) goCommand() string {
	if b.Go != "" {
		return b.Go
	}
	return "go"
}

// goCmd runs the go command with args in dir, its standard output and error going to stdout and stderr (nil:
// discarded), as a process of the runner's (run.Command): in a process group of its own, interrupted when ctx
// ends and killed after a grace period, with whatever it started. Its GOTMPDIR, where it makes its work
// directory, is a directory of its own in the runner's temporary directory, removed when it has ended: so a go
// command killed before it removed its work directory leaves nothing behind, and if the runner itself is
// killed, the next runner removes it (run.RemoveStale).
func (b *Builder) goCmd(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) error {
	tmp, err := run.TempDir("gotmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(os.Environ(), "GOTMPDIR="+tmp)
	return run.Command(ctx, b.goCommand(), args, run.CommandOptions{Dir: dir, Env: env, Stdout: stdout, Stderr: stderr})
}

func isExit(err error) bool {
	_, ok := err.(*exec.ExitError)
	return ok
}

// packageFiles lists the non-test Go files of dir, for building a package that is in no module.
func packageFiles(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, m := range matches {
		if !strings.HasSuffix(m, "_test.go") {
			files = append(files, filepath.Base(m))
		}
	}
	return files, nil
}

// compilerMessages returns the go command's output without package header lines, with the program's own files
// named by their base name ("main.go:7:2: undefined: x") instead of a temporary or relative path.
func compilerMessages(out string, files []string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(line, "# ") || line == "" {
			continue
		}
		for _, f := range files {
			if strings.HasPrefix(line, f+":") {
				line = filepath.Base(f) + line[len(f):]
				break
			}
		}
		line = strings.TrimPrefix(line, "./")
		b.WriteString(line)
	}
	return b.String()
}

// notMain returns the message recorded for a program that is not a command, whose package clause names another
// package than main: go build would make an archive of it, not a program to run. It returns "" for package main,
// and for a program whose package clause does not parse, which the compiler then describes.
func notMain(p *plan.Program) string {
	src, name := p.Inline, "main.go"
	if !p.IsInline() {
		src, name = p.Src, filepath.Base(p.SrcFile)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.PackageClauseOnly)
	if err != nil || f.Name.Name == "main" {
		return ""
	}
	return fmt.Sprintf("%s: not a main package: package %s; a cell's program is a command, in package main\n",
		fset.Position(f.Name.Pos()), f.Name.Name)
}

// exeSuffix ends the name of every executable the builder writes: Windows starts a file only by a name that
// ends in .exe, and the go command adds it there to the executables it writes into a directory (go build -o
// DIR/), not to a file named by -o.
var exeSuffix = map[bool]string{true: ".exe"}[runtime.GOOS == "windows"]
