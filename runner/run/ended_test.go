//go:build unix

package run

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// helperVar, set in its environment, makes the test binary a runner that does what its value names (see
// helper) instead of running the tests.
const helperVar = "CLASSNOTES_RUN_TEST_HELPER"

// helper is the test binary run as a runner of a test's: "sleeper" starts a long sleep with Start, prints its
// pid and waits to be killed; "cleanup" makes a temporary directory, prints its path, calls Cleanup, and prints
// what TempDir says after it. It returns the exit code.
func helper(name string) int {
	switch name {
	case "sleeper":
		p, err := Start(context.Background(), "/bin/sleep", []string{"300"}, Options{})
		if err != nil {
			fmt.Println(err)
			return 1
		}
		fmt.Println(p.Pid())
		select {}
	case "cleanup":
		dir, err := TempDir("cell-")
		if err != nil {
			fmt.Println(err)
			return 1
		}
		fmt.Println(dir)
		if err := Cleanup(); err != nil {
			fmt.Println(err)
			return 1
		}
		_, err = TempDir("cell-")
		fmt.Println(err)
		return 0
	}
	fmt.Println("no helper", name)
	return 2
}

// startHelper runs the test binary as the helper named name, with TMPDIR set to a directory of the test's, and
// returns it and its standard output.
func startHelper(t *testing.T, name string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperVar+"="+name, "TMPDIR="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewReader(out)
}

// TestStopped: Result.Stopped says that Stop ended the program, by the interrupt or by the kill after the
// grace period; not that it exited by itself, with a status or cleanly, or timed out.
func TestStopped(t *testing.T) {
	tests := []struct {
		name, script string
		exits        bool // by itself, before Stop
		status       string
		stopped      bool
	}{
		{"interrupted", "echo up; exec sleep 300", false, "signal: interrupt", true},
		{"killed", "trap '' INT; echo up; sleep 300", false, "signal: killed", true},
		{"exited with a status", "echo up; exit 5", true, "exit status 5", false},
		{"exited", "echo up", true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Start(context.Background(), "/bin/sh", []string{"-c", tt.script}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			waitOutput(t, p, "up\n")
			if tt.exits {
				<-p.Done()
			}
			res, err := stopWithin(t, p, 300*time.Millisecond)
			if err != nil || res.Status != tt.status || res.Stopped != tt.stopped {
				t.Errorf("Stop: %v, status %q, Stopped %v; want status %q, Stopped %v", err, res.Status, res.Stopped, tt.status, tt.stopped)
			}
			if again, err := p.Wait(); err != nil || again.Stopped != tt.stopped {
				t.Errorf("Wait after Stop: %v, Stopped %v; want %v", err, again.Stopped, tt.stopped)
			}
		})
	}
	t.Run("timed out", func(t *testing.T) {
		res := sh(t, context.Background(), "sleep 300", Options{Timeout: 100 * time.Millisecond})
		if !res.TimedOut || res.Stopped {
			t.Errorf("TimedOut %v, Stopped %v; want true, false", res.TimedOut, res.Stopped)
		}
	})
}

// TestCleanupRemovesSessionDir: Cleanup removes the runner's own temporary directory, with the directories made
// in it, and TempDir fails after it. A runner of the test's does it, Cleanup being once in a process.
func TestCleanupRemovesSessionDir(t *testing.T) {
	cmd, out := startHelper(t, "cleanup")
	b, err := io.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v; output %q", err, b)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 || !filepath.IsAbs(lines[0]) {
		t.Fatalf("helper printed %q, want a directory and an error", b)
	}
	session := filepath.Dir(lines[0])
	if !strings.HasPrefix(filepath.Base(session), sessionPrefix) {
		t.Errorf("TempDir made %s, not in the runner's own directory", lines[0])
	}
	if _, err := os.Stat(session); !os.IsNotExist(err) {
		t.Errorf("the runner's directory %s is there after Cleanup: %v", session, err)
	}
	if lines[1] == "<nil>" {
		t.Errorf("TempDir made a directory after Cleanup")
	}
}
