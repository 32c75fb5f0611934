package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/internal/lessontest"
)

// TestRunStartsNeededServers: runner run on a client starts only the server its needs= names, not the other
// servers before it. Those crash at once, so starting either would fail the run and show in its messages.
func TestRunStartsNeededServers(t *testing.T) {
	dir := t.TempDir()
	crash, port := `package main

func main() { panic("a server the client does not need") }`, freePort(t)
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", freePort(t)), crash) +
		cell(2, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.EchoServer, port)) +
		cell(3, fmt.Sprintf("background ready=udp:127.0.0.1:%d", freePort(t)), crash) +
		cell(4, "needs=2", fmt.Sprintf(lessontest.EchoClient, port))
	writeFile(t, filepath.Join(dir, "l.md"), src)
	code, stdout, stderr := runner(t, context.Background(), dir, "run", "l.md", "4")
	if code != exitOK || stdout != "reply \"hello\\n\"\n" || strings.Contains(stderr, "In [1]") || strings.Contains(stderr, "In [3]") {
		t.Errorf("run 4: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	portFree(t, port)
}
