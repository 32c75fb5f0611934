//go:build unix

package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain removes the runner's temporary directory that the tests make. When helperVar is set, the test
// binary is a runner of a test's instead (see helper).
func TestMain(m *testing.M) {
	if name := os.Getenv(helperVar); name != "" {
		os.Exit(helper(name))
	}
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// hangLimit is how long a test waits for something that should end before it fails, instead of hanging.
const hangLimit = time.Minute

// within returns what f returns, and fails the test if f has not returned after hangLimit; what names the call.
func within(t *testing.T, what string, f func() (*Result, error)) (*Result, error) {
	t.Helper()
	type ret struct {
		res *Result
		err error
	}
	c := make(chan ret, 1)
	go func() {
		res, err := f()
		c <- ret{res, err}
	}()
	select {
	case r := <-c:
		return r.res, r.err
	case <-time.After(hangLimit):
		t.Fatalf("%s did not return after %v", what, hangLimit)
	}
	return nil, nil
}

func sh(t *testing.T, ctx context.Context, script string, opt Options) *Result {
	t.Helper()
	res, err := within(t, fmt.Sprintf("Run(%q)", script), func() (*Result, error) {
		return Run(ctx, "/bin/sh", []string{"-c", script}, opt)
	})
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
		// The timeout counts from the start: the shortest one is the program's timeout, not a failure to start.
		{"timeout of 1ns", "sleep 300", Options{Timeout: time.Nanosecond}, "", "timed out after 1ns", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := sh(t, context.Background(), tt.script, tt.opt)
			if string(res.Printed) != tt.output || res.Status != tt.status || res.ExitCode != tt.code {
				t.Errorf("got output %q, status %q, code %d; want %q, %q, %d", res.Printed, res.Status, res.ExitCode, tt.output, tt.status, tt.code)
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
		pid, err := strconv.Atoi(strings.TrimSpace(string(res.Printed)))
		if err != nil {
			t.Fatalf("%q: output %q", script, res.Printed)
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
	if len(res.Printed) != 1000 || res.Dropped != 2000 {
		t.Errorf("kept %d bytes, dropped %d; want 1000 and 2000", len(res.Printed), res.Dropped)
	}
	// A cap falling inside a character cuts before the character.
	res = sh(t, context.Background(), "printf 'aé€€'", Options{Cap: 5})
	if string(res.Printed) != "aé" || res.Dropped != 6 {
		t.Errorf("kept %q, dropped %d; want %q and 6", res.Printed, res.Dropped, "aé")
	}
}

func TestRunLive(t *testing.T) {
	var live bytes.Buffer
	res := sh(t, context.Background(), "printf '\\033[31mred\\033[0m\\n'", Options{Live: &live})
	if live.String() != "\x1b[31mred\x1b[0m\n" || !bytes.Equal(res.Printed, live.Bytes()) {
		t.Errorf("live %q, captured %q", live.String(), res.Printed)
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
		waitOutput(t, p, "up\n")
		if tt.status == "exit status 5" {
			<-p.Done()
		}
		res, err := stopWithin(t, p, 300*time.Millisecond)
		if err != nil || res.Status != tt.status || string(res.Printed) != "up\n" {
			t.Errorf("%q: Stop = %q, %q, %v; want status %q", tt.script, res.Printed, res.Status, err, tt.status)
		}
		if !gone(p.Pid()) {
			t.Errorf("%q: process %d still there", tt.script, p.Pid())
		}
	}
}

// waitOutput waits until the program has printed want, and fails the test if it has not after hangLimit.
func waitOutput(t *testing.T, p *Process, want string) {
	t.Helper()
	for deadline := time.Now().Add(hangLimit); !bytes.Contains(p.Printed(), []byte(want)); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			p.Stop(0)
			t.Fatalf("no %q in the output after %v: %q", want, hangLimit, p.Printed())
		}
	}
}

// stopWithin stops p and fails the test if Stop has not returned after hangLimit.
func stopWithin(t *testing.T, p *Process, grace time.Duration) (*Result, error) {
	t.Helper()
	return within(t, fmt.Sprintf("Stop of process %d", p.Pid()), func() (*Result, error) { return p.Stop(grace) })
}

// TestRunStdinAtEOF: a program reading its standard input gets end of file at once, from /dev/null. Were it an
// open pipe, wc would wait for ever and the program would time out.
func TestRunStdinAtEOF(t *testing.T) {
	res := sh(t, context.Background(), "readlink /proc/self/fd/0; wc -c", Options{Timeout: 30 * time.Second})
	if got := strings.Join(strings.Fields(string(res.Printed)), " "); got != "/dev/null 0" || !res.OK() {
		t.Errorf("got %q, status %q; want /dev/null, 0 bytes read, and a clean exit", res.Printed, res.Status)
	}
}

// TestRunDrainGivesUp: a process that escaped both the group and the marker (it cleared its environment), that
// is not ended with the program (another program, still running, started before it and may have left it), and
// keeps the output pipe open does not keep Run waiting: the drain gives up, and what was printed is kept.
func TestRunDrainGivesUp(t *testing.T) {
	other, err := Start(context.Background(), "/bin/sh", []string{"-c", "echo up; exec sleep 300"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer stopWithin(t, other, time.Second)
	waitOutput(t, other, "up\n")
	time.Sleep(50 * time.Millisecond) // start times are in clock ticks: the holder starts in a later one
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	// The holder writes its pid once it runs with an empty environment.
	script := "setsid env -i /bin/sh -c 'echo $$ > tmp && mv tmp pid; exec /bin/sleep 300' & " +
		"until [ -e pid ]; do sleep 0.01; done; echo printed"
	c := make(chan *Result, 1)
	go func() {
		res, _ := Run(context.Background(), "/bin/sh", []string{"-c", script}, Options{Dir: dir})
		c <- res
	}()
	var res *Result
	select {
	case res = <-c:
	case <-time.After(hangLimit):
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	// It escaped this program; the test ends it. It is this process's orphan (the runner is a subreaper): reap it.
	syscall.Kill(pid, syscall.SIGKILL)
	syscall.Wait4(pid, nil, 0, nil)
	if res == nil {
		t.Fatalf("Run waited for a process holding its output pipe (%v and more)", hangLimit)
	}
	if string(res.Printed) != "printed\n" || !res.OK() {
		t.Errorf("got %q, status %q; want what was printed and a clean exit", res.Printed, res.Status)
	}
}
