package serve

import (
	"testing"

	"golang.org/x/sys/windows"
)

// gone fails the test unless process pid has ended, now: not in a moment.
func gone(t *testing.T, pid int, when string) {
	t.Helper()
	h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		return
	}
	defer windows.CloseHandle(h)
	if ev, _ := windows.WaitForSingleObject(h, 0); ev != windows.WAIT_OBJECT_0 {
		t.Errorf("%s, the cell's process %d is still there", when, pid)
		windows.TerminateProcess(h, 1)
	}
}
