package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServe: serve prints its address first; the token opens the pages; a server cell started from the API
// runs until Ctrl-C, which stops it and the server: exit 130, its port and the server's free, nothing written.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	pidFile := filepath.Join(dir, "server.pid")
	server := pidFileServer(port, pidFile)
	src := cell(1, "background ready=tcp:127.0.0.1:"+strconv.Itoa(port), server)
	path := filepath.Join(dir, "lessons", "l.md")
	writeFile(t, path, src)

	getenv := func(k string) string {
		if k == "CLASSNOTES_TOKEN" {
			return "s3cret-for-the-cli-test"
		}
		return os.Getenv(k)
	}
	r := startRunner(t, dir, getenv, "serve", "--addr", "127.0.0.1:0")
	m := firstLine(t, r, regexp.MustCompile(`^serving 1 lesson at http://127\.0\.0\.1:(\d+)/\?token=s3cret-for-the-cli-test\n`))
	base := "http://127.0.0.1:" + m[1]
	post := func(path, body string) (int, string) {
		return bearerPost(t, base, "s3cret-for-the-cli-test", path, body)
	}
	if resp, err := http.Get(base + "/l.html"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("page without the token: %v %v", resp, err)
	}
	if code, body := post("/api/run", `{"lesson":"l.md","cell":1}`); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	ctxWait, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if !waitFile(ctxWait, pidFile) {
		t.Fatalf("the server cell never started; stderr:\n%s", r.stderr.String())
	}
	interrupt(t, r)
	waitGoneFile(t, pidFile)
	portFree(t, port)
	listen, _ := strconv.Atoi(m[1])
	portFree(t, listen)
	if readFile(t, path) != src {
		t.Errorf("serve wrote the lesson")
	}
}

// TestServePortInUse: a port already taken is a clear error and exit 2.
func TestServePortInUse(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "l.md"), cell(1, "", mainWith("fmt", `	fmt.Println("x")`)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	code, stdout, stderr := runner(t, context.Background(), dir, "serve", "--addr", addr)
	if code != exitBadInput || stdout != "" || !strings.Contains(stderr, "runner: serve: listen tcp "+addr+": bind: address already in use") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

// firstLine waits for the served runner r to print the line that first matches, and returns the match.
func firstLine(t *testing.T, r runningApp, first *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if m := first.FindStringSubmatch(r.stdout.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("first line %q; stderr:\n%s", r.stdout.String(), r.stderr.String())
		}
	}
}

// interrupt presses Ctrl-C on the served runner r and checks that it ends with exit 130 within a minute.
func interrupt(t *testing.T, r runningApp) {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.exit:
		if code != exitSignal {
			t.Errorf("exit %d, stderr:\n%s", code, r.stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not end after Ctrl-C")
	}
}

// bearerPost sends body to path of the served runner at base, with token as a bearer, and returns the status and
// the answer.
func bearerPost(t *testing.T, base, token, path, body string) (int, string) {
	t.Helper()
	return bearer(t, "POST", base, token, path, body)
}

// bearer sends a request to path of the served runner at base, with token as a bearer, and returns the status
// and the answer. Redirects are answers, not followed; the request gives up after 10 s.
func bearer(t *testing.T, method, base, token, path, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
