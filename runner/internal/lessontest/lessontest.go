// Package lessontest has what the tests of several packages need to write lessons and run them: cells, files,
// free ports, the servers and clients their cells run (programs.go), checks that a run left no process or bound
// port, and a TestMain that removes the runner's temporary directory. It is for tests only; golden files are
// package golden's.
package lessontest

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/run"
)

// Cell returns an inline cell numbered n, with the attributes attrs after "go" in its info string, running
// program.
func Cell(n int, attrs, program string) string {
	info := "go"
	if attrs != "" {
		info += " " + attrs
	}
	return fmt.Sprintf("In [%d]:\n\n```%s\n%s\n```\n\n", n, info, strings.TrimSpace(program))
}

// Write writes content to path, making its directory; it fails the test on any error.
func Write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FreePort returns a loopback port that nothing listens on, for TCP and UDP alike, a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		ln.Close()
		if err == nil {
			pc.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// PortFree fails the test unless something can bind the loopback port again, for TCP and for UDP.
func PortFree(t testing.TB, port int) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Errorf("TCP port %d still bound after the lesson: %v", port, err)
	} else {
		ln.Close()
	}
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Errorf("UDP port %d still bound after the lesson: %v", port, err)
	} else {
		pc.Close()
	}
}

// Main runs the tests, then removes the runner's temporary directory of the test process, which the programs
// the tests ran were given.
func Main(m *testing.M) {
	code := m.Run()
	run.Cleanup()
	os.Exit(code)
}
