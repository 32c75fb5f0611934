// Package sitetest drives pages in headless Chromium for the tests of the site and of the classroom server:
// it finds Debian's Chromium, starts it with no network of its own, runs actions and scripts in its tabs,
// keeps what the pages' scripts throw and saves screenshots. Only tests import it; it never starts a server or
// changes a lesson.
package sitetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's Chromium. Outside CI the test skips when it is missing; in CI, where
// .ci/run installs it, a missing browser is a failure.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed; .ci/run installs Debian's chromium package")
	}
	t.Skip("Chromium not found: install Debian's chromium package to run the browser test")
	return ""
}

// Browser starts headless Chromium for the test and returns the context of its first tab, with listen (when
// not nil) called for each of the tab's protocol events. The browser ends with the test; the context expires
// after timeout. Other tabs with cookies of their own come from Incognito.
func Browser(t *testing.T, timeout time.Duration, listen func(ev any)) context.Context {
	t.Helper()
	exe := Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	var copts []chromedp.ContextOption
	if listen != nil {
		copts = append(copts, chromedp.WithListener(listen))
	}
	ctx, cancel := chromedp.NewContext(actx, copts...)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser on a context without a deadline
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel = context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

// Incognito opens a tab of the browser of ctx in a browser context of its own: no cookies from other tabs.
func Incognito(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tab
}

// Screenshot saves a full-page screenshot of the tab as name.png in $CLASSNOTES_SCREENSHOTS, or in a
// temporary directory, and returns its path.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	dir := os.Getenv("CLASSNOTES_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
