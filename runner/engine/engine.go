package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/cache"
	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// Config is how an Engine runs cells. It is checked once, by New.
type Config struct {
	// Cache keeps built programs and the outcomes of runs. Nil: nothing is kept, every cell is built.
	Cache *cache.Cache
	// Timeout is how long a cell may run when it has no timeout= attribute. It must be positive.
	Timeout time.Duration
	// Offline skips the cells that need the internet (net); their recorded outputs stay.
	Offline bool
	// Getenv reads the go command's settings that build keys cover (GOOS, GOARCH, CGO_ENABLED, GOFLAGS...) and
	// where the sources of required modules are (GOMODCACHE, GOPATH, GOWORK). Nil: os.Getenv.
	Getenv func(string) string
}

// Engine loads lessons and runs their cells. Its methods may be called from several goroutines.
type Engine struct {
	cfg Config

	tcOnce sync.Once
	tc     plan.Toolchain
	tcErr  error

	modMu    sync.Mutex
	modCache string // GOMODCACHE as found, or as the go command said when a module seemed missing
}

// New returns an engine for cfg, or an error saying what is wrong with it.
func New(cfg Config) (*Engine, error) {
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("timeout %v: must be positive", cfg.Timeout)
	}
	return &Engine{cfg: cfg}, nil
}

// Lesson is a lesson read, parsed and planned.
type Lesson struct {
	Name string     // the path as the user wrote it, used in messages
	Plan *plan.Plan // what each cell builds and runs

	orig *files.Original // the file as read: it is replaced only if it is still this file
}

// Unchanged reports whether l is the same version of the same lesson as prev: read from the same file, with the
// same bytes, inode, size and modification time, and planned into the same programs (their fingerprints cover
// the code of src= snippets too). A front end that loads a lesson again and again (serve, at every run) can
// then keep prev, and one copy of it in memory; prev still refuses a write-back over any later edit.
func (l *Lesson) Unchanged(prev *Lesson) bool {
	a, b := l.orig, prev.orig
	if l.Name != prev.Name || a.Path != b.Path || !os.SameFile(a.Info, b.Info) || a.Info.Size() != b.Info.Size() ||
		!a.Info.ModTime().Equal(b.Info.ModTime()) || !bytes.Equal(a.Bytes, b.Bytes) ||
		len(l.Plan.Programs) != len(prev.Plan.Programs) {
		return false
	}
	for i, p := range l.Plan.Programs {
		if q := prev.Plan.Programs[i]; p.RunKey != q.RunKey || p.Cell.Number != q.Cell.Number {
			return false
		}
	}
	return true
}

// Source returns the parsed lesson.
func (l *Lesson) Source() *lesson.Lesson { return l.Plan.Lesson }

// Cell returns the program of cell n, or nil.
func (l *Lesson) Cell(n int) *plan.Program { return l.Plan.Cell(n) }

// Load reads, parses and plans the lesson at path, named name in messages. The error lists every problem of
// the file, sorted by position.
func (e *Engine) Load(name, path string) (*Lesson, error) {
	tc, err := e.toolchain()
	if err != nil {
		return nil, err
	}
	orig, err := files.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	return e.plan(name, path, orig, tc)
}

// plan parses and plans the lesson orig, read from path.
func (e *Engine) plan(name, path string, orig *files.Original, tc plan.Toolchain) (*Lesson, error) {
	l, parseErr := lesson.Parse(name, orig.Bytes)
	if l == nil {
		return nil, parseErr
	}
	// Plan the cells that parsed even when others did not, so that every problem of the file shows at once.
	p, planErr := e.makePlan(l, path, tc)
	if err := lesson.SortErrors(parseErr, planErr); err != nil {
		return nil, err
	}
	return &Lesson{Name: name, Plan: p, orig: orig}, nil
}

// unwrapPath drops the operation and path of an *fs.PathError, which the caller names itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// toolchain finds what fingerprints cover of the go command, once: its version from the VERSION file of its
// GOROOT (asking "go env" only when there is none, since starting the go command costs more than a warm render),
// GOOS and GOARCH from the environment or, by default, the machine's, and the environment's build settings.
func (e *Engine) toolchain() (plan.Toolchain, error) {
	e.tcOnce.Do(func() {
		tc := plan.Toolchain{GOOS: e.getenv("GOOS"), GOARCH: e.getenv("GOARCH"), BuildFlags: strings.Join(build.Flags, " ")}
		if tc.GOOS == "" {
			tc.GOOS = runtime.GOOS
		}
		if tc.GOARCH == "" {
			tc.GOARCH = runtime.GOARCH
		}
		var env strings.Builder
		for _, key := range buildEnv {
			if v := e.getenv(key); v != "" {
				fmt.Fprintf(&env, "%s=%s\n", key, v)
			}
		}
		tc.BuildEnv = env.String()
		if goBin, err := exec.LookPath("go"); err == nil {
			if real, err := filepath.EvalSymlinks(goBin); err == nil {
				if b, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(real)), "VERSION")); err == nil {
					tc.GoVersion, _, _ = strings.Cut(string(b), "\n")
				}
			}
		}
		if !strings.HasPrefix(tc.GoVersion, "go") {
			out, err := goEnv("GOVERSION")
			if err != nil {
				e.tcErr = err
				return
			}
			tc.GoVersion = out
		}
		e.tc = tc
		e.modCache = e.defaultModCache()
	})
	return e.tc, e.tcErr
}

// buildEnv are the environment variables that change the binary the go command builds from the same sources
// (besides GOOS and GOARCH). A go env file's settings are not read: a setting made there and not in the
// environment is not in the build key.
var buildEnv = []string{"CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOARM", "GO386", "GOWORK"}

func (e *Engine) getenv(key string) string {
	if e.cfg.Getenv == nil {
		return os.Getenv(key)
	}
	return e.cfg.Getenv(key)
}

// defaultModCache returns where the go command keeps module sources, as its environment says (GOMODCACHE, or
// the first GOPATH's pkg/mod, or $HOME/go/pkg/mod), without starting it.
func (e *Engine) defaultModCache() string {
	if dir := e.getenv("GOMODCACHE"); dir != "" {
		return dir
	}
	gopath := e.getenv("GOPATH")
	if gopath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		gopath = filepath.Join(home, "go")
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
}

// makePlan plans lesson l. When a cell imports a required module whose source is not where the environment
// says the module cache is, it asks the go command where the cache is and plans again, then has the modules
// downloaded (as a build would) and plans once more: what a cell imports through a module is read from the
// module's source, so that a fingerprint never depends on what the cache held.
func (e *Engine) makePlan(l *lesson.Lesson, path string, tc plan.Toolchain) (*plan.Plan, error) {
	var missing *plan.MissingModulesError
	for try := 0; ; try++ {
		e.modMu.Lock()
		opt := plan.Options{Timeout: e.cfg.Timeout, Toolchain: tc, ModCache: e.modCache, GoWork: e.getenv("GOWORK"), GoFlags: e.getenv("GOFLAGS")}
		e.modMu.Unlock()
		p, err := plan.Make(l, path, opt)
		if !errors.As(err, &missing) {
			return p, err
		}
		if try == 2 {
			return p, fmt.Errorf("%s: %w", l.Path, err)
		}
		if try == 0 {
			dir, err := goEnv("GOMODCACHE")
			if err != nil {
				return p, err
			}
			e.modMu.Lock()
			e.modCache = dir
			e.modMu.Unlock()
			continue
		}
		for module, mods := range missing.Modules {
			if err := download(module, mods); err != nil {
				return p, fmt.Errorf("%s: %w", l.Path, err)
			}
		}
	}
}

// download has the go command fetch modules into the module cache, in the module directory that requires them.
func download(module string, mods []string) error {
	var out bytes.Buffer
	err := run.Command(context.Background(), "go", append([]string{"mod", "download"}, mods...),
		run.CommandOptions{Dir: module, Stdout: &out, Stderr: &out})
	if err != nil {
		return fmt.Errorf("go mod download %s: %v\n%s", strings.Join(mods, " "), err, out.Bytes())
	}
	return nil
}

// goEnv asks the go command for one of its settings.
func goEnv(key string) (string, error) {
	var out bytes.Buffer
	if err := run.Command(context.Background(), "go", []string{"env", key}, run.CommandOptions{Stdout: &out}); err != nil {
		return "", fmt.Errorf("go env: %w (is Go installed and on PATH?)", err)
	}
	return strings.TrimSpace(out.String()), nil
}
