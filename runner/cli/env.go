package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"classnotes/runner/cache"
	"classnotes/runner/engine"
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

// engine returns the engine for a verb's flags: --timeout, --offline and --cache where the verb has them.
// The cache, when there is one, is closed when the caller calls the returned function.
func (a *App) engine(verb string, fs *pflag.FlagSet) (*engine.Engine, func(), error) {
	cfg := engine.Config{Timeout: engine.DefaultTimeout, Getenv: a.Getenv}
	if fs.Lookup("timeout") != nil {
		cfg.Timeout, _ = fs.GetDuration("timeout")
		if cfg.Timeout <= 0 {
			return nil, nil, fmt.Errorf("%s: --timeout must be positive", verb)
		}
	}
	if fs.Lookup("offline") != nil {
		cfg.Offline, _ = fs.GetBool("offline")
	}
	closeCache := func() {}
	if fs.Lookup("cache") != nil {
		c, err := a.openCache(fs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", verb, err)
		}
		cfg.Cache, closeCache = c, func() { c.Close() }
	}
	e, err := engine.New(cfg)
	if err != nil {
		closeCache()
		return nil, nil, fmt.Errorf("%s: %w", verb, err)
	}
	return e, closeCache, nil
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
