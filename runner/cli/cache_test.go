package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"classnotes/runner/internal/lessontest"
)

// TestRenderRunsOnlyWhatChanged: a second render runs nothing; editing a snippet makes check --stale name its
// cell, and the next render runs that cell alone; a damaged cache entry or --force runs a cell again.
func TestRenderRunsOnlyWhatChanged(t *testing.T) {
	root := module(t)
	cacheDir := filepath.Join(t.TempDir(), "cache")
	snippet := filepath.Join(root, "snippets", "a", "main.go")
	writeFile(t, snippet, mainWith("fmt", `	fmt.Println("version 1")`))
	src := "In [1]:\n\n```go src=../snippets/a/main.go\n```\n\n" + cell(2, "", mainWith("fmt", `	fmt.Println("inline")`))
	path := filepath.Join(root, "lessons", "l.md")
	writeFile(t, path, src)
	render := func(args ...string) string {
		t.Helper()
		code, _, stderr := runner(t, context.Background(), root, append([]string{"render", "--cache", cacheDir}, args...)...)
		if code != exitOK {
			t.Fatalf("render %v: exit %d; stderr:\n%s", args, code, stderr)
		}
		return stderr
	}

	if out := render("lessons"); !strings.Contains(out, "2 run, 0 unchanged") {
		t.Errorf("first render:\n%s", out)
	}
	if out := render("lessons"); !strings.Contains(out, "0 run, 2 unchanged") || !strings.Contains(out, "In [1]: unchanged, not run (ok)") {
		t.Errorf("second render ran something:\n%s", out)
	}
	if code, stdout, _ := runner(t, context.Background(), root, "check", "--stale", "lessons"); code != exitOK || stdout != "2 cells: 0 stale\n" {
		t.Errorf("check --stale after render: exit %d, %q", code, stdout)
	}

	writeFile(t, snippet, mainWith("fmt", `	fmt.Println("version 2")`))
	code, stdout, _ := runner(t, context.Background(), root, "check", "--stale", "lessons")
	if code != exitFailed || !strings.Contains(stdout, "lessons/l.md:") || !strings.Contains(stdout, "In [1]: the recorded output is stale") || strings.Contains(stdout, "In [2]") {
		t.Errorf("check --stale after an edit: exit %d\n%s", code, stdout)
	}
	if out := render("lessons"); !strings.Contains(out, "1 run, 1 unchanged") {
		t.Errorf("render after an edit:\n%s", out)
	}
	if o := outputs(t, readFile(t, path))[1]; o != "version 2\n" {
		t.Errorf("Out [1] = %q", o)
	}

	// Damage every cached output: they are misses, and the cells run again.
	entries, _ := filepath.Glob(filepath.Join(cacheDir, "out", "*"))
	for _, e := range entries {
		os.WriteFile(e, []byte("garbage"), 0o644)
	}
	if out := render("lessons"); !strings.Contains(out, "2 run, 0 unchanged") {
		t.Errorf("render with a damaged cache:\n%s", out)
	}
	if out := render("--force", "lessons"); !strings.Contains(out, "2 run, 0 unchanged") || !strings.Contains(out, "build cached") {
		t.Errorf("render --force:\n%s", out)
	}

	code, stdout, _ = runner(t, context.Background(), root, "clean", "--cache", cacheDir)
	if left, _ := filepath.Glob(filepath.Join(cacheDir, "*", "*")); code != exitOK || len(left) > 0 {
		t.Errorf("clean: exit %d, %q, left %v", code, stdout, left)
	}
}

// TestServerGroupRunsTogether: when a client changes, its server runs again too, since both outputs depend on it.
func TestServerGroupRunsTogether(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	server := cell(1, "background ready=tcp:127.0.0.1:"+strconv.Itoa(port), fmt.Sprintf(lessontest.EchoServer, port))
	client := func(word string) string {
		return cell(2, "", strings.Replace(fmt.Sprintf(lessontest.EchoClient, port), `"hello"`, `"`+word+`"`, 1))
	}
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, server+client("hello"))
	runner(t, context.Background(), dir, "render", "l.md")
	l := readFile(t, path)
	writeFile(t, path, strings.Replace(l, `"hello"`, `"bonjour"`, 1))
	code, _, stderr := runner(t, context.Background(), dir, "render", "l.md")
	outs := outputs(t, readFile(t, path))
	if code != exitOK || !strings.Contains(stderr, "2 run, 0 unchanged") || !strings.Contains(outs[1], `received "bonjour\n"`) {
		t.Errorf("exit %d, Out [1] %q; stderr:\n%s", code, outs[1], stderr)
	}
}

// TestProgress: on a terminal, render keeps a live status line; --quiet prints nothing but the problems.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "l.md"), cell(1, "", mainWith("fmt", `	fmt.Println("a")`))+cell(2, "", mainWith("fmt", `	fmt.Println("b")`)))
	var stdout, stderr strings.Builder
	app := &App{Stdout: &stdout, Stderr: &stderr, Getwd: func() (string, error) { return dir, nil }, Getenv: os.Getenv,
		IsTerminal: func(io.Writer) bool { return true }}
	if code := app.Run(context.Background(), []string{"render", "--force", "l.md"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"[0/2] l.md: In [1] running…\r\x1b[Kl.md:1: In [1]: ok", "\n[1/2] l.md: In [2] running…\r\x1b[Kl.md:15: In [2]: ok"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("terminal progress lacks %q:\n%q", want, stderr.String())
		}
	}
	code, stdout2, stderr2 := runner(t, context.Background(), dir, "render", "--force", "--quiet", "l.md")
	if code != exitOK || stdout2 != "" || stderr2 != "" {
		t.Errorf("--quiet: exit %d, printed %q %q", code, stdout2, stderr2)
	}
}
