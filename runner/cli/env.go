package cli

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/spf13/pflag"

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

// toolchain asks the go command for what fingerprints cover of it, once.
func (a *App) toolchain(ctx context.Context) (plan.Toolchain, error) {
	if a.goEnv != nil {
		return *a.goEnv, nil
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION", "GOOS", "GOARCH")
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return plan.Toolchain{}, fmt.Errorf("go env: %w (is Go installed and on PATH?)", err)
	}
	f := strings.Fields(out.String())
	if len(f) != 3 {
		return plan.Toolchain{}, fmt.Errorf("go env: unexpected output %q", out.String())
	}
	a.goEnv = &plan.Toolchain{GoVersion: f[0], GOOS: f[1], GOARCH: f[2]}
	return *a.goEnv, nil
}

// clean empties the cache.
func (a *App) clean(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	c, err := a.openCache(fs)
	if err == nil {
		err = c.Clean()
	}
	if err != nil {
		a.errorf("clean: %v", err)
		return exitBadInput
	}
	fmt.Fprintf(a.Stdout, "emptied %s\n", c.Dir)
	return exitOK
}
