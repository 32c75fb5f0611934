package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/build"
	"classnotes/runner/cache"
	"classnotes/runner/plan"
)

func cacheFlag(fs *pflag.FlagSet) {
	fs.String("cache", "", "the cache directory (default: classnotes under the user's cache directory)")
}

// openCache opens the cache named by the --cache flag, or the default one.
func (a *App) openCache(fs *pflag.FlagSet) (*cache.Cache, error) {
	dir, _ := fs.GetString("cache")
	if dir == "" {
		var err error
		if dir, err = cache.DefaultDir(); err != nil {
			return nil, err
		}
	} else if abs, err := a.abs(dir); err == nil {
		dir = abs
	}
	return cache.Open(dir)
}

// toolchain finds what fingerprints cover of the go command, once: its version from the VERSION file of its
// GOROOT (asking "go env" only when there is none, since starting the go command costs more than a warm render),
// and GOOS and GOARCH from the environment or, by default, the machine's.
func (a *App) toolchain(ctx context.Context) (plan.Toolchain, error) {
	if a.goEnv != nil {
		return *a.goEnv, nil
	}
	tc := plan.Toolchain{GOOS: a.getenv("GOOS"), GOARCH: a.getenv("GOARCH"), BuildFlags: strings.Join(build.Flags, " ")}
	if tc.GOOS == "" {
		tc.GOOS = runtime.GOOS
	}
	if tc.GOARCH == "" {
		tc.GOARCH = runtime.GOARCH
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		if real, err := filepath.EvalSymlinks(goBin); err == nil {
			if b, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(real)), "VERSION")); err == nil {
				tc.GoVersion, _, _ = strings.Cut(string(b), "\n")
			}
		}
	}
	if !strings.HasPrefix(tc.GoVersion, "go") {
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION")
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			return plan.Toolchain{}, fmt.Errorf("go env: %w (is Go installed and on PATH?)", err)
		}
		tc.GoVersion = strings.TrimSpace(out.String())
	}
	a.goEnv = &tc
	return tc, nil
}

func (a *App) getenv(key string) string {
	if a.Getenv == nil {
		return ""
	}
	return a.Getenv(key)
}

// clean empties the cache.
func (a *App) clean(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	c, err := a.openCache(fs)
	if err == nil {
		defer c.Close()
		if err = c.Clean(); errors.Is(err, cache.ErrInUse) {
			err = fmt.Errorf("%s: %w", c.Dir, err)
		}
	}
	if err != nil {
		a.errorf("clean: %v", err)
		return exitBadInput
	}
	fmt.Fprintf(a.Stdout, "emptied %s\n", c.Dir)
	return exitOK
}
