//go:build unix

package lessontest

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// WaitEnded fails the test unless process pid is gone within ten seconds, or is a zombie when zombieOK is set
// (a zombie is gone for good only once its parent reaped it), saying what the process is. It kills a process
// still there.
func WaitEnded(t testing.TB, pid int, zombieOK bool) {
	t.Helper()
	if pid <= 0 { // kill(2) would signal a whole process group
		t.Fatalf("no process %d", pid)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(pid, 0) == syscall.ESRCH || zombieOK && isZombie(pid) {
			return
		}
	}
	state := "still running"
	if isZombie(pid) {
		state = "a zombie"
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		state += ": " + string(b)
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid)); err == nil {
		state += "; " + regexp.MustCompile(`CLASSNOTES_RUN=[^\x00]*`).FindString(string(b))
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("process %d outlived its cell: %s", pid, state)
}

// isZombie reports whether process pid is a zombie, or cannot be read in /proc.
func isZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}
