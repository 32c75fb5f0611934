//go:build unix

package serve

import (
	"syscall"
	"testing"
)

// gone fails the test unless process pid has ended and been reaped, now: not in a moment.
func gone(t *testing.T, pid int, when string) {
	t.Helper()
	if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
		t.Errorf("%s, the cell's process %d is still there (kill 0: %v)", when, pid, err)
		syscall.Kill(pid, syscall.SIGKILL)
	}
}
