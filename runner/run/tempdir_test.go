//go:build unix

package run

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"classnotes/runner/internal/filelock"
)

// TestTempDir: the directories are made in the runner's own directory, whose lock is held while the runner
// lives, so that RemoveStale leaves them alone.
func TestTempDir(t *testing.T) {
	dir, err := TempDir("cell-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	own := filepath.Dir(dir)
	if filepath.Base(own) != "classnotes-"+sessionID || !strings.HasPrefix(filepath.Base(dir), "cell-") {
		t.Errorf("TempDir made %s, want classnotes-%s/cell-*", dir, sessionID)
	}
	lock, err := os.Open(filepath.Join(own, "lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := filelock.TryLock(lock); err == nil {
		t.Errorf("the runner's lock is free")
	}
	t.Setenv("TMPDIR", filepath.Dir(own))
	if err := RemoveStale(); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("RemoveStale removed the directory of a running runner: %v", err)
	}
}

// TestRemoveStale: the directories of runners that ended go, with the programs they left running; those of
// runners still running, young ones being made, and other files stay.
func TestRemoveStale(t *testing.T) {
	prepare() // on Linux the marked processes below are orphans that become this process's children
	base := t.TempDir()
	t.Setenv("TMPDIR", base)
	mkdir := func(name string, lock bool) string {
		dir := filepath.Join(base, name)
		if err := os.MkdirAll(filepath.Join(dir, "build-1"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "build-1", "main"), []byte("binary"), 0o700); err != nil {
			t.Fatal(err)
		}
		if lock {
			if err := os.WriteFile(filepath.Join(dir, "lock"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	dead := mkdir("classnotes-4000000-abcdef01", true)
	running := mkdir("classnotes-4000001-abcdef02", true)
	young := mkdir("classnotes-4000002-abcdef03", false)
	old := mkdir("classnotes-4000003-abcdef04", false)
	long := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	others := []string{mkdir("classnotes-test-cache-1", false), mkdir("classnotes-build-2", false), mkdir("classnotes-5-xyz", true)}
	for _, dir := range others {
		if err := os.Chtimes(dir, long, long); err != nil {
			t.Fatal(err)
		}
	}
	held, err := os.Open(filepath.Join(running, "lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := filelock.Lock(held, true); err != nil {
		t.Fatal(err)
	}
	// A program of the dead runner and one of the live runner, each left as an orphan.
	orphan := func(marker string) int {
		cmd := exec.Command("/bin/sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & echo $!")
		cmd.Env = append(os.Environ(), MarkerVar+"="+marker)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return pids(t, out)[0]
	}
	deadPid, alivePid := orphan("4000000-abcdef01/3"), orphan("4000001-abcdef02/3")
	defer func() {
		syscall.Kill(alivePid, syscall.SIGKILL)
		syscall.Wait4(alivePid, nil, 0, nil)
	}()

	if err := RemoveStale(); err != nil {
		t.Error(err)
	}
	for _, dir := range []string{dead, old} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s was not removed: %v", dir, err)
		}
	}
	for _, dir := range append([]string{running, young}, others...) {
		if _, err := os.Stat(filepath.Join(dir, "build-1", "main")); err != nil {
			t.Errorf("%s was touched: %v", dir, err)
		}
	}
	// RemoveStale does not reap: the dead runner's program is killed; on Linux it is this process's orphan,
	// reaped here, elsewhere another's.
	for deadline := time.Now().Add(10 * time.Second); alive(deadPid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(deadPid, syscall.SIGKILL)
			t.Errorf("the dead runner's program %d still runs", deadPid)
			break
		}
	}
	var ws syscall.WaitStatus
	if pid, _ := syscall.Wait4(deadPid, &ws, syscall.WNOHANG, nil); pid == deadPid && (!ws.Signaled() || ws.Signal() != syscall.SIGKILL) {
		t.Errorf("the dead runner's program %d: %v; want killed", deadPid, ws)
	}
	if !alive(alivePid) {
		t.Errorf("the running runner's program %d was ended", alivePid)
	}
}
