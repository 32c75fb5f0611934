package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeStopDuringBuild: Stop, or Ctrl-C, pressed while a cell is being built ends the go command and everything it
// started (the compiler's processes kept running, zombies of serve, and go-build directories stayed in TMPDIR).
// A -toolexec wrapper (through GOFLAGS) makes the build hang in a tool, recording its pid and its child's.
func TestServeStopDuringBuild(t *testing.T) {
	dir := t.TempDir()
	pids := filepath.Join(dir, "tool.pids")
	wrapper := filepath.Join(dir, "hang")
	writeFile(t, wrapper, "#!/bin/sh\nsleep 600 &\necho $$ $! >> "+pids+"\nwait\nexec \"$@\"\n")
	if err := os.Chmod(wrapper, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-toolexec="+wrapper)
	// Code of its own, so that no cache holds it.
	src := cell(1, "", mainWith("fmt", fmt.Sprintf("\tfmt.Println(%d)", time.Now().UnixNano())))
	writeFile(t, filepath.Join(dir, "lessons", "l.md"), src)
	r := startRunner(t, dir, os.Getenv, "serve", "--addr", "127.0.0.1:0", "--cache", filepath.Join(dir, "cache"))
	m := firstLine(t, r, regexp.MustCompile(`^serving 1 lesson at (http://127\.0\.0\.1:\d+)/\?token=(\w+)\n`))
	post := func(path string) (int, string) { return bearerPost(t, m[1], m[2], path, `{"lesson":"l.md","cell":1}`) }
	if code, body := post("/api/run"); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !waitFile(ctx, pids) {
		t.Fatalf("the build never reached a tool; stderr:\n%s", r.stderr.String())
	}
	if code, body := post("/api/stop"); code != http.StatusOK {
		t.Fatalf("stop: %d %s", code, body)
	}
	// When Stop has answered, the tools the build started are gone: not running, not zombies.
	for _, f := range strings.Fields(readFile(t, pids)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		waitReaped(t, pid)
	}
	// Ctrl-C during a build, likewise.
	if err := os.Remove(pids); err != nil {
		t.Fatal(err)
	}
	if code, body := post("/api/run"); code != http.StatusAccepted {
		t.Fatalf("run again: %d %s", code, body)
	}
	if !waitFile(ctx, pids) {
		t.Fatalf("the second build never reached a tool; stderr:\n%s", r.stderr.String())
	}
	interrupt(t, r)
	for _, f := range strings.Fields(readFile(t, pids)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		waitReaped(t, pid)
	}
	// The runner's own directory (here, the test process's) stays while it lives; no go-build one is left in it.
	// (TMPDIR is not the test's to change: the runner makes its directory there once per process.)
	sessions, _ := filepath.Glob(filepath.Join(os.TempDir(), "classnotes-"+strconv.Itoa(os.Getpid())+"-*"))
	if len(sessions) == 0 {
		t.Fatal("no runner directory in TMPDIR")
	}
	var left []string
	filepath.WalkDir(sessions[0], func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "go-build") {
			left = append(left, path)
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("left in TMPDIR: %q", left)
	}
}
