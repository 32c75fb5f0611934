//go:build linux && !classnotes_portable

package run

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// goneNow fails the test unless process pid is gone, not even a zombie, and kills and reaps one that is still
// there.
func goneNow(t *testing.T, pid int, when string) {
	t.Helper()
	if syscall.Kill(pid, 0) == syscall.ESRCH {
		return
	}
	state := "still running"
	if q, err := readProc(pid); err == nil && q.zombie {
		state = "a zombie of process " + itoa(q.ppid)
	}
	t.Errorf("process %d is there %s: %s (the test is %d)", pid, when, state, os.Getpid())
	syscall.Kill(pid, syscall.SIGKILL)
	syscall.Wait4(pid, nil, 0, nil)
}

// escape is a script that starts setsid env -i sleep 612, waits until the sleep runs outside the program's
// group and without the marker, and prints its pid.
const escape = "setsid env -i sh -c 'echo $$ > tmp; mv tmp pid; exec sleep 612' & until [ -e pid ]; do sleep 0.01; done; cat pid"

// TestEndsUnmarkedOrphan: a process that leaves the program's group and drops its environment, marker included
// (setsid env -i), is gone, not even a zombie of the runner, when the program's Wait returns. The runner is its
// reaper once its parent has ended, and it is no process the runner started.
func TestEndsUnmarkedOrphan(t *testing.T) {
	for _, tt := range []struct{ name, script string }{
		{"exited", escape},
		{"timed out", escape + "; exec sleep 300"},
		{"with a child", "setsid env -i sh -c 'sleep 612 & echo $! $$ > tmp; mv tmp pids; wait' & " +
			"until [ -e pids ]; do sleep 0.01; done; cat pids"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := sh(t, context.Background(), tt.script, Options{Dir: t.TempDir(), Timeout: 2 * time.Second})
			for _, pid := range pids(t, res.Printed) {
				goneNow(t, pid, "after the program's Wait returned")
			}
		})
	}
}

// TestOrphanOfAnotherProgram: an unmarked orphan that another program still running may have left (it started
// before the orphan did) is not ended with a program that ends meanwhile; it is ended with the last of them
// that could have left it. A child the runner started itself, outside the supervisor, in its own process group,
// is never ended, whenever it started, and neither is an orphan older than the programs.
func TestOrphanOfAnotherProgram(t *testing.T) {
	becomeSubreaper() // before the first orphan below is made, so that it comes to this process
	own := exec.Command("sleep", "300")
	if err := own.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { own.Process.Kill(); own.Wait() }()
	// An orphan of a child the runner started outside the supervisor, before any program: no program's.
	out, err := exec.Command("/bin/sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & echo $!").Output()
	if err != nil {
		t.Fatal(err)
	}
	before := pids(t, out)[0]
	time.Sleep(50 * time.Millisecond) // start times are in clock ticks: one started in the same tick may be its
	defer func() {
		if !alive(before) {
			t.Errorf("an orphan older than every program was ended")
		}
		syscall.Kill(before, syscall.SIGKILL)
		syscall.Wait4(before, nil, 0, nil)
	}()
	server, err := Start(context.Background(), "/bin/sh", []string{"-c", "echo up; exec sleep 300"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitOutput(t, server, "up\n")
	res := sh(t, context.Background(), escape, Options{Dir: t.TempDir()})
	pid := pids(t, res.Printed)[0]
	if !alive(pid) {
		t.Errorf("the orphan was ended while a program that started before it still runs")
	}
	if _, err := stopWithin(t, server, time.Second); err != nil {
		t.Fatal(err)
	}
	goneNow(t, pid, "after the last program that could have left it ended")
	if !alive(own.Process.Pid) {
		t.Errorf("a child the runner started outside the supervisor, before the programs, was ended")
	}

	// A child the runner starts outside the supervisor while a program runs looks like that program's orphan
	// but for its process group, the runner's own.
	p, err := Start(context.Background(), "/bin/sh", []string{"-c", "echo up; exec sleep 300"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitOutput(t, p, "up\n")
	later := exec.Command("sleep", "300")
	if err := later.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := stopWithin(t, p, time.Second); err != nil {
		t.Fatal(err)
	}
	if !alive(later.Process.Pid) {
		t.Errorf("a child the runner started outside the supervisor while a program ran was ended with it")
	}
	later.Process.Kill()
	if err := later.Wait(); err == nil || err.Error() != "signal: killed" {
		t.Errorf("the runner's own child: Wait = %v, want signal: killed (its status was taken?)", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
