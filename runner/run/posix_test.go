//go:build unix

package run

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether process pid runs: it exists and the process table does not call it a zombie (a table
// that says nothing, on the systems where none is read, counts it as running).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) == syscall.ESRCH {
		return false
	}
	p, err := readProc(pid)
	return err != nil || !p.zombie
}

// pids returns the process ids a program printed, one a line.
func pids(t *testing.T, out []byte) []int {
	t.Helper()
	var ids []int
	for _, f := range strings.Fields(string(out)) {
		id, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("output %q: not a pid: %q", out, f)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		t.Fatalf("no pid in output %q", out)
	}
	return ids
}

// TestChildDiesWithRunner: a program dies when its runner is killed with SIGKILL, which no runner can handle:
// on Linux Pdeathsig, set on the thread that started it, kills it; elsewhere (and under classnotes_portable)
// the runner's watchdog does.
func TestChildDiesWithRunner(t *testing.T) {
	prepare() // on Linux the program comes to this process when its runner dies: it is reaped below
	cmd, out := startHelper(t, "sleeper")
	line, err := out.ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper printed %q: %v", line, err)
	}
	if !alive(pid) {
		t.Fatalf("the program %d is not running", pid)
	}
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	for deadline := time.Now().Add(10 * time.Second); alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("the program %d runs 10s after its runner was killed", pid)
			break
		}
	}
	syscall.Wait4(pid, nil, syscall.WNOHANG, nil) // on Linux it is this process's zombie
}

// TestEndsMarkedEscapee: a process that leaves the program's group (setsid) but keeps the marker is ended when
// the program ends: found in the process table by its marker (and, on Linux, as an orphan of the subreaper).
func TestEndsMarkedEscapee(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid command")
	}
	// The pid is printed once the process has left the group: the group's kill cannot be what ends it.
	script := "setsid sh -c 'echo $$ > tmp; mv tmp pid; exec sleep 301' >/dev/null 2>&1 & until [ -e pid ]; do sleep 0.01; done; cat pid"
	res := sh(t, context.Background(), script, Options{Dir: t.TempDir()})
	pid := pids(t, res.Printed)[0]
	for deadline := time.Now().Add(10 * time.Second); alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("process %d, which left the program's group with the marker, runs 10s after the program ended", pid)
			break
		}
	}
	syscall.Wait4(pid, nil, syscall.WNOHANG, nil) // on Linux it is this process's zombie
}
