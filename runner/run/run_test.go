package run

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func sh(t *testing.T, ctx context.Context, script string, opt Options) *Result {
	t.Helper()
	res, err := Run(ctx, "/bin/sh", []string{"-c", script}, opt)
	if err != nil {
		t.Fatalf("Run(%q): %v", script, err)
	}
	return res
}

func TestRunOutcomes(t *testing.T) {
	tests := []struct {
		name, script string
		opt          Options
		output       string
		status       string
		code         int
	}{
		{"merged in order", "echo a; echo b >&2; echo c", Options{}, "a\nb\nc\n", "", 0},
		{"exit status", "echo out; exit 3", Options{}, "out\n", "exit status 3", 3},
		{"signal", "echo before; kill -SEGV $$", Options{}, "before\n", "signal: segmentation fault", -1},
		{"timeout keeps output", "echo started; sleep 300", Options{Timeout: 200 * time.Millisecond}, "started\n", "timed out after 200ms", -1},
		{"working directory", "pwd", Options{Dir: "/usr"}, "/usr\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := sh(t, context.Background(), tt.script, tt.opt)
			if string(res.Output) != tt.output || res.Status != tt.status || res.ExitCode != tt.code {
				t.Errorf("got output %q, status %q, code %d; want %q, %q, %d", res.Output, res.Status, res.ExitCode, tt.output, tt.status, tt.code)
			}
			if res.OK() != (tt.status == "") {
				t.Errorf("OK() = %v with status %q", res.OK(), res.Status)
			}
		})
	}
}

// TestRunKillsGroup: children started by the program die with it, whether it times out or exits, and a child
// holding the output pipe does not keep Run waiting.
func TestRunKillsGroup(t *testing.T) {
	for _, script := range []string{
		"sleep 300 & echo $!; sleep 300", // times out
		"sleep 300 & echo $!",            // exits, leaving the child behind
	} {
		start := time.Now()
		res := sh(t, context.Background(), script, Options{Timeout: 500 * time.Millisecond})
		pid, err := strconv.Atoi(strings.TrimSpace(string(res.Output)))
		if err != nil {
			t.Fatalf("%q: output %q", script, res.Output)
		}
		if time.Since(start) > time.Minute {
			t.Errorf("%q: Run waited for the child", script)
		}
		if !gone(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("%q: child %d outlived the program", script, pid)
		}
	}
}

// gone reports whether pid has exited (a zombie nobody reaped counts as gone), polling for a few seconds.
func gone(pid int) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			return true
		}
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
			s := string(b)
			if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) && s[i+2] == 'Z' {
				return true
			}
		}
	}
	return false
}

func TestRunCap(t *testing.T) {
	res := sh(t, context.Background(), "head -c 3000 /dev/zero | tr '\\0' x", Options{Cap: 1000})
	if len(res.Output) != 1000 || res.Dropped != 2000 {
		t.Errorf("kept %d bytes, dropped %d; want 1000 and 2000", len(res.Output), res.Dropped)
	}
	// A cap falling inside a character cuts before the character.
	res = sh(t, context.Background(), "printf 'aé€€'", Options{Cap: 5})
	if string(res.Output) != "aé" || res.Dropped != 6 {
		t.Errorf("kept %q, dropped %d; want %q and 6", res.Output, res.Dropped, "aé")
	}
}

func TestRunLive(t *testing.T) {
	var live bytes.Buffer
	res := sh(t, context.Background(), "printf '\\033[31mred\\033[0m\\n'", Options{Live: &live})
	if live.String() != "\x1b[31mred\x1b[0m\n" || !bytes.Equal(res.Output, live.Bytes()) {
		t.Errorf("live %q, captured %q", live.String(), res.Output)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, "/bin/sh", []string{"-c", "sleep 300"}, Options{Timeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's error", err)
	}
	if _, err := Run(context.Background(), "/nonexistent/binary", nil, Options{}); err == nil {
		t.Errorf("starting a missing binary did not fail")
	}
}

// TestStop: a running program is interrupted; one that ignores the interrupt is killed after the grace period;
// one that already ended keeps its own status.
func TestStop(t *testing.T) {
	tests := []struct{ script, status string }{
		{"echo up; exec sleep 300", "signal: interrupt"},
		{"trap '' INT; echo up; sleep 300", "signal: killed"},
		{"echo up; exit 5", "exit status 5"},
	}
	for _, tt := range tests {
		p, err := Start(context.Background(), "/bin/sh", []string{"-c", tt.script}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for !bytes.Contains(p.Output(), []byte("up\n")) {
			time.Sleep(10 * time.Millisecond)
		}
		if tt.status == "exit status 5" {
			<-p.Done()
		}
		res, err := p.Stop(300 * time.Millisecond)
		if err != nil || res.Status != tt.status || string(res.Output) != "up\n" {
			t.Errorf("%q: Stop = %q, %q, %v; want status %q", tt.script, res.Output, res.Status, err, tt.status)
		}
		if !gone(p.Pid()) {
			t.Errorf("%q: process %d still there", tt.script, p.Pid())
		}
	}
}
