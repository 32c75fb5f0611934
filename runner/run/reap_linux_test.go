//go:build linux && !classnotes_portable

package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// waitReaped fails the test unless process pid is gone for good within ten seconds: not even a zombie. It
// kills a process that is still there.
func waitReaped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			return
		}
	}
	state := "still running"
	if p, err := readProc(pid); err == nil && p.zombie {
		state = fmt.Sprintf("a zombie of process %d (the test is %d)", p.ppid, os.Getpid())
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("process %d outlived its program: %s", pid, state)
}

// TestEndsEscapedProcesses: processes that left the program's group (setsid, double forks) end with it, whether
// it exits or times out, and none is left as a zombie of the runner, which is their reaper.
func TestEndsEscapedProcesses(t *testing.T) {
	tests := []struct {
		name, script string
		timeout      time.Duration
		status       string
	}{
		{"setsid", "setsid sleep 300 & echo $!", 0, ""},
		{"double fork", "(setsid sleep 300 & echo $!) & wait", 0, ""},
		{"double fork in the group", "(sleep 300 & echo $!) & wait", 0, ""},
		{"escaped parent and child", "setsid sh -c 'sleep 300 & echo $! $$ > tmp; mv tmp pids; wait' & " +
			"until [ -e pids ]; do sleep 0.01; done; cat pids", 0, ""},
		{"timed out", "setsid sleep 300 & echo $!; sleep 300", 500 * time.Millisecond, "timed out after 500ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := sh(t, context.Background(), tt.script, Options{Dir: t.TempDir(), Timeout: tt.timeout})
			if res.Status != tt.status {
				t.Errorf("status %q, want %q", res.Status, tt.status)
			}
			for _, pid := range pids(t, res.Printed) {
				waitReaped(t, pid)
			}
		})
	}
	t.Run("stopped", func(t *testing.T) {
		p, err := Start(context.Background(), "/bin/sh", []string{"-c", "setsid sleep 300 & echo $!; echo up; exec sleep 300"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		waitOutput(t, p, "up\n")
		res, err := stopWithin(t, p, time.Second)
		if err != nil || res.Status != "signal: interrupt" {
			t.Errorf("Stop: %v, status %q", err, res.Status)
		}
		waitReaped(t, pids(t, []byte(strings.TrimSuffix(string(res.Printed), "up\n")))[0])
	})
}

// TestOrphanComesToRunner: an orphaned descendant becomes the runner's child, not init's, while the program
// runs.
func TestOrphanComesToRunner(t *testing.T) {
	p, err := Start(context.Background(), "/bin/sh", []string{"-c", "(setsid sleep 300 & echo $!) & wait; echo up; exec sleep 300"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitOutput(t, p, "up\n")
	pid := pids(t, []byte(strings.TrimSuffix(string(p.Printed()), "up\n")))[0]
	if q, err := readProc(pid); err != nil || q.ppid != os.Getpid() {
		t.Errorf("orphan %d: %+v, %v; want the test (%d) as its parent", pid, q, err, os.Getpid())
	}
	stopWithin(t, p, time.Second)
	waitReaped(t, pid)
}

// TestLeftoversSparesOthers: ending a program's leftovers touches neither the runner's other children (whose
// statuses stay theirs to wait for) nor another program that is running, nor a process whose marker only
// starts like the program's.
func TestLeftoversSparesOthers(t *testing.T) {
	own := exec.Command("sleep", "300")
	if err := own.Start(); err != nil {
		t.Fatal(err)
	}
	other, err := Start(context.Background(), "/bin/sh", []string{"-c", "echo up; exec sleep 300"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitOutput(t, other, "up\n")
	// Two orphans of this process: one marked exactly, one whose marker only starts the same.
	marker := "test-" + strconv.Itoa(os.Getpid()) + "/1"
	var orphans []int
	for _, m := range []string{marker, marker + "0"} {
		cmd := exec.Command("/bin/sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & echo $!")
		cmd.Env = append(os.Environ(), MarkerVar+"="+m)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		orphans = append(orphans, pids(t, out)[0])
	}

	res := sh(t, context.Background(), "setsid sleep 300 & echo $!", Options{})
	waitReaped(t, pids(t, res.Printed)[0])
	endLeftovers(marker, 1<<30, math.MaxUint64) // no such group; started after every orphan
	waitReaped(t, orphans[0])

	if q, err := readProc(orphans[1]); err != nil || q.zombie {
		t.Errorf("process %d, whose marker is %s0, was ended with %s", orphans[1], marker, marker)
	}
	syscall.Kill(orphans[1], syscall.SIGKILL)
	syscall.Wait4(orphans[1], nil, 0, nil)
	select {
	case <-other.Done():
		t.Errorf("another running program was ended: %q", other.Printed())
	default:
	}
	if q, err := readProc(own.Process.Pid); err != nil || q.zombie {
		t.Errorf("a child of the runner that is not a program was ended")
	}
	own.Process.Kill()
	var exit *exec.ExitError
	if err := own.Wait(); !errors.As(err, &exit) || exit.String() != "signal: killed" {
		t.Errorf("the runner's own child: Wait = %v, want signal: killed (its status was taken?)", err)
	}
	if res, err := stopWithin(t, other, time.Second); err != nil || res.Status != "signal: interrupt" {
		t.Errorf("the other program: %v, status %q, want signal: interrupt", err, res.Status)
	}
}

// TestStartingThreadEnds: the program does not die when the goroutine that started it was locked to its thread
// and exited, which ends that thread: Pdeathsig is tied to the thread that forked the program, and Start must
// not fork on the caller's thread.
func TestStartingThreadEnds(t *testing.T) {
	started := make(chan *Process, 1)
	onEndingThread(func() {
		p, err := Start(context.Background(), "/bin/sh", []string{"-c", "echo up; exec sleep 300"}, Options{})
		if err != nil {
			p = nil
		}
		started <- p
	})
	p := <-started
	if p == nil {
		t.Fatal("Start failed")
	}
	waitOutput(t, p, "up\n")
	select {
	case <-p.Done():
		t.Fatalf("the program ended with the thread of the goroutine that started it: %q", p.res.Status)
	case <-time.After(500 * time.Millisecond):
	}
	if res, err := stopWithin(t, p, time.Second); err != nil || res.Status != "signal: interrupt" {
		t.Errorf("Stop: %v, status %q, want signal: interrupt", err, res.Status)
	}
}

// onEndingThread calls f in a goroutine locked to an OS thread that ends when f returns. The runtime ends the
// thread of a goroutine that exits locked, except the main thread, which it only parks: so when the goroutine
// finds itself on the main thread, it holds it and tries again from another goroutine.
func onEndingThread(f func()) {
	var try func()
	try = func() {
		runtime.LockOSThread() // never unlocked on a thread that is not the main one
		if syscall.Gettid() == os.Getpid() {
			again := make(chan struct{})
			go func() { try(); close(again) }()
			<-again
			runtime.UnlockOSThread()
			return
		}
		f()
	}
	go try()
}
