//go:build linux && !classnotes_portable

package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeEndsUnmarked: a server cell that leaves a process in a session of its own and without the
// runner's marker in its environment (setsid env -i) has it ended by serve's Ctrl-C, and serve says only what
// it checked: that no process is left (it said "every program it started ended" while the process lived on).
// A guarantee of the Linux extras (the runner is a subreaper): the portable supervisor, as macOS runs it, does
// not find a process that left both its group and the marker.
func TestServeEndsUnmarked(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "escaped.pid")
	script := fmt.Sprintf("setsid env -i sleep 612 & printf %%s $! > %s.tmp && mv %[1]s.tmp %[1]s; echo escaped; sleep 600", pidFile)
	src := strings.Replace(shellCell(1, script), "```go\n", "```go background ready=out:escaped\n", 1)
	writeFile(t, filepath.Join(dir, "lessons", "l.md"), src)
	r := startRunner(t, dir, os.Getenv, "serve", "--addr", "127.0.0.1:0")
	m := firstLine(t, r, regexp.MustCompile(`^serving 1 lesson at (http://127\.0\.0\.1:\d+)/\?token=(\w+)\n`))
	if code, body := bearerPost(t, m[1], m[2], "/api/run", `{"lesson":"l.md","cell":1}`); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if !waitFile(ctx, pidFile) {
		t.Fatalf("the cell never wrote %s; stderr:\n%s", pidFile, r.stderr.String())
	}
	escaped := pidIn(t, pidFile)
	interrupt(t, r)
	if !strings.Contains(r.stderr.String(), "every program it started ended, and no process they started is left outside the runner's own process group") {
		t.Errorf("stderr:\n%s", r.stderr.String())
	}
	waitReaped(t, escaped)
}
