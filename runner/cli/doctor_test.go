package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestDoctor: doctor says what the lessons need of this machine, and exits 1 only for what would fail in class:
// here a port a server cell binds, taken by another program (named, on Linux, by its name and pid), and a lesson
// that does not load; a free port is ok.
func TestDoctor(t *testing.T) {
	dir := t.TempDir()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freeAddr := free.Addr().String()
	free.Close()
	server := func(addr string) string {
		return cell(1, "background ready=tcp:"+addr, mainWith("net", "\tl, _ := net.Listen(\"tcp\", \""+addr+"\")\n\tfor {\n\t\tl.Accept()\n\t}"))
	}
	lessons := filepath.Join(dir, "lessons")
	writeFile(t, filepath.Join(lessons, "free.md"), server(freeAddr))
	cache := filepath.Join(dir, "cache")

	code, stdout, stderr := runner(t, context.Background(), dir, "doctor", "--cache", cache)
	if code != exitOK {
		t.Fatalf("doctor, the port free: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"ok    go        go1.",
		"ok    cache     " + cache,
		"ok    ports     lessons/free.md In [1] binds tcp " + freeAddr + ": free",
		"ok    lessons   1 lesson, 1 cell",
		"platform  processes: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("doctor says no %q:\n%s", want, stdout)
		}
	}

	writeFile(t, filepath.Join(lessons, "taken.md"), server(taken.Addr().String()))
	code, stdout, _ = runner(t, context.Background(), dir, "doctor", "--cache", cache)
	line := "FAIL  ports     lessons/taken.md In [1] binds tcp " + taken.Addr().String() + ": taken"
	if code != exitFailed || !strings.Contains(stdout, line) || !strings.Contains(stdout, "something above would fail in class") {
		t.Errorf("doctor, a port taken: exit %d, want %d and %q:\n%s", code, exitFailed, line, stdout)
	}
	if exe, err := os.Executable(); err == nil && runtime.GOOS == "linux" && !strings.Contains(stdout, line+" by "+filepath.Base(exe)[:min(15, len(filepath.Base(exe)))]) {
		t.Errorf("doctor does not name the program that holds the port (this test, %s):\n%s", filepath.Base(exe), stdout)
	}

	// A net cell: no internet fails doctor, unless class is to be offline.
	if err := os.Remove(filepath.Join(lessons, "taken.md")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(lessons, "net.md"), cell(1, "net", mainWith("fmt", "\tfmt.Println()")))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	connected := internet(ctx, "example.com") == nil
	cancel()
	code, stdout, _ = runner(t, context.Background(), dir, "doctor", "--cache", cache)
	if want := map[bool]int{true: exitOK, false: exitFailed}[connected]; code != want || !strings.Contains(stdout, "network   ") || !strings.Contains(stdout, "the net cells (lessons/net.md In [1])") {
		t.Errorf("doctor, a net cell, internet %v: exit %d, want %d:\n%s", connected, code, want, stdout)
	}
	if code, stdout, _ = runner(t, context.Background(), dir, "doctor", "--offline", "--cache", cache); code != exitOK {
		t.Errorf("doctor --offline, a net cell: exit %d:\n%s", code, stdout)
	}

	writeFile(t, filepath.Join(lessons, "taken.md"), "In [1]:\n\n```go bogus\n```\n")
	code, stdout, _ = runner(t, context.Background(), dir, "doctor", "--cache", cache)
	if code != exitFailed || !strings.Contains(stdout, "FAIL  lessons   lessons/taken.md:3:7: unknown attribute \"bogus\"") {
		t.Errorf("doctor, a lesson that does not load: exit %d:\n%s", code, stdout)
	}
}
