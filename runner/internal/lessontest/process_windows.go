package lessontest

import (
	"testing"

	"golang.org/x/sys/windows"
)

// WaitEnded fails the test unless process pid is gone within ten seconds (zombieOK means nothing on Windows,
// which has no zombies). It terminates a process still there.
func WaitEnded(t testing.TB, pid int, zombieOK bool) {
	t.Helper()
	h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		return // gone (or not ours to wait for)
	}
	defer windows.CloseHandle(h)
	if ev, _ := windows.WaitForSingleObject(h, 10_000); ev == windows.WAIT_OBJECT_0 {
		return
	}
	windows.TerminateProcess(h, 1)
	t.Errorf("process %d outlived its cell", pid)
}
