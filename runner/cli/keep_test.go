package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
)

// lockedBuffer is a buffer that a test reads while the runner writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runningApp is a runner started in-process by startRunner: its output so far, how to interrupt it (Ctrl-C) and
// its exit code once it ends.
type runningApp struct {
	stdout, stderr *lockedBuffer
	cancel         context.CancelFunc
	exit           <-chan int
}

// startRunner starts the CLI in-process in dir with args, reading the environment through getenv, and
// returns at once; the runner is interrupted when the test ends, if not before.
func startRunner(t *testing.T, dir string, getenv func(string) string, args ...string) runningApp {
	t.Helper()
	var stdout, stderr lockedBuffer
	app := &App{Stdout: &stdout, Stderr: &stderr, Getwd: func() (string, error) { return dir, nil }, Getenv: getenv}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	exit := make(chan int, 1)
	go func() { exit <- app.Run(ctx, args) }()
	return runningApp{&stdout, &stderr, cancel, exit}
}

// TestRunKeep: run --keep on a server cell keeps it up after it is ready; a client from outside the runner (as
// from another terminal) gets answers and the server's output streams as it does; Ctrl-C stops it: exit 130,
// port free, lesson untouched.
func TestRunKeep(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	src := "# Servers\n\n" + cell(1, "background ready=tcp:127.0.0.1:"+strconv.Itoa(port), fmt.Sprintf(lessontest.EchoServer, port))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)

	r := startRunner(t, dir, os.Getenv, "run", "l.md", "1", "--keep")

	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(r.stderr.String(), "In [1]: ready; it keeps running until Ctrl-C") {
		if time.Now().After(deadline) {
			t.Fatalf("the server never said it was ready; stderr:\n%s", r.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, word := range []string{"one", "two"} {
		time.Sleep(200 * time.Millisecond) // still up after the last cell
		conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatalf("client %d: %v", i+1, err)
		}
		fmt.Fprintln(conn, word)
		reply, err := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if reply != word+"\n" {
			t.Errorf("client %d: reply %q, %v", i+1, reply, err)
		}
	}
	for !strings.Contains(r.stdout.String(), `received "two\n"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the server's output did not stream; stdout:\n%s", r.stdout.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.cancel()
	select {
	case code := <-r.exit:
		if code != exitSignal || !strings.Contains(r.stderr.String(), "runner: interrupted; servers stopped, nothing written") {
			t.Errorf("exit %d, stderr:\n%s", code, r.stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("run --keep did not end after Ctrl-C")
	}
	if got := strings.Count(r.stdout.String(), "Connected by a client"); got != 2 {
		t.Errorf("%d connections shown, want 2; stdout:\n%s", got, r.stdout.String())
	}
	if readFile(t, path) != src {
		t.Errorf("run --keep wrote the lesson")
	}
	portFree(t, port)
}

// TestRunKeepClient: run --keep on a client cell keeps the server started for it up after the client is done,
// until Ctrl-C.
func TestRunKeepClient(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	src := cell(1, "background ready=tcp:127.0.0.1:"+strconv.Itoa(port), fmt.Sprintf(lessontest.EchoServer, port)) +
		cell(2, "", fmt.Sprintf(lessontest.EchoClient, port))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	r := startRunner(t, dir, os.Getenv, "run", "--keep", "l.md", "2")
	for deadline := time.Now().Add(time.Minute); !strings.Contains(r.stdout.String(), `reply "hello\n"`); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the client never got its reply; stderr:\n%s", r.stderr.String())
		}
	}
	time.Sleep(300 * time.Millisecond)
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("the server did not stay up after the client: %v", err)
	}
	conn.Close()
	r.cancel()
	if code := <-r.exit; code != exitSignal {
		t.Errorf("exit %d, stderr:\n%s", code, r.stderr.String())
	}
	portFree(t, port)
}
