//go:build linux && !classnotes_portable

package run

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestForeignLeftAlone: a process that a child the runner started for itself (StartForeign: xdg-open) leaves
// in a session of its own, as a browser may, while a program runs, is not taken for that program's orphan when
// the program ends (it was killed with it, found by the reviewer with a setsid helper).
func TestForeignLeftAlone(t *testing.T) {
	p, err := Start(context.Background(), "/bin/sh", []string{"-c", "echo up; exec sleep 300"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitOutput(t, p, "up\n")
	time.Sleep(50 * time.Millisecond) // start times are in clock ticks: one started in the same tick may be its
	t.Cleanup(func() {                // the tests after this one make orphans that are programs'
		children.mu.Lock()
		children.foreign = nil
		children.mu.Unlock()
	})
	pidFile := filepath.Join(t.TempDir(), "pid")
	opener := exec.Command("/bin/sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & echo $! > "+pidFile+".tmp && mv "+pidFile+".tmp "+pidFile)
	if err := StartForeign(opener); err != nil {
		t.Fatal(err)
	}
	var browser int
	for deadline := time.Now().Add(10 * time.Second); browser == 0; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(pidFile); err == nil {
			browser = pids(t, b)[0]
		} else if time.Now().After(deadline) {
			t.Fatal("the foreign child wrote no pid")
		}
	}
	defer func() {
		syscall.Kill(browser, syscall.SIGKILL)
		syscall.Wait4(browser, nil, 0, nil)
	}()
	if _, err := stopWithin(t, p, time.Second); err != nil {
		t.Fatal(err)
	}
	if !alive(browser) {
		t.Errorf("the process a foreign child left was ended with the program")
	}
}
