package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"classnotes/runner/cache"
	"classnotes/runner/plan"
)

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
}

// Build builds progs, results[i] being the build of progs[i].
func (b *Builder) Build(ctx context.Context, progs []*plan.Program) ([]*Result, error) {
	results := make([]*Result, len(progs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, b.limit()))
	for i, p := range progs {
		g.Go(func() error {
			r, err := b.build(ctx, p, filepath.Join(b.Dir, fmt.Sprintf("cell%d", i)))
			results[i] = r
			return err
		})
	}
	return results, g.Wait()
}

func (b *Builder) limit() int {
	if b.Limit > 0 {
		return b.Limit
	}
	return runtime.NumCPU()
}

// build compiles one program into dir, or takes it from the cache.
func (b *Builder) build(ctx context.Context, p *plan.Program, dir string) (*Result, error) {
	if b.Cache != nil {
		if bin, ok := b.Cache.Binary(p.BuildKey); ok {
			return &Result{Binary: bin, Cached: true}, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "cell")
	if b.Cache != nil {
		tmp, remove, err := b.Cache.BinaryTemp()
		if err != nil {
			return nil, err
		}
		defer remove()
		bin = tmp
	}
	var workDir string
	var args []string
	var files []string // how the compiler may name the program's files
	if p.IsInline() {
		main := filepath.Join(dir, "main.go")
		if err := os.WriteFile(main, p.Inline, 0o644); err != nil {
			return nil, err
		}
		// Inside a module the cell may import the module's packages and dependencies; outside one, only the
		// standard library.
		workDir = p.Module
		if workDir == "" {
			workDir = dir
		}
		args = []string{main}
		files = []string{main}
		if rel, err := filepath.Rel(workDir, main); err == nil {
			files = append(files, rel)
		}
	} else {
		workDir = p.Dir
		args = []string{"."}
		if p.Module == "" {
			goFiles, err := packageFiles(p.Dir)
			if err != nil {
				return nil, err
			}
			args = goFiles
		}
	}
	cmdArgs := append([]string{"build", "-trimpath", "-buildvcs=false", "-o", bin}, args...)
	cmd := exec.CommandContext(ctx, b.goCommand(), cmdArgs...)
	cmd.Dir = workDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
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

func (b *Builder) goCommand() string {
	if b.Go != "" {
		return b.Go
	}
	return "go"
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
