package files

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

// TestReplaceDiskFullTmpfs is TestReplaceDiskFull on a real full disk: a 64 KiB tmpfs, which needs root.
func TestReplaceDiskFullTmpfs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	old := strings.Repeat("old text\n", 4000) // 36 KB: a second copy does not fit
	path, o := readOriginal(t, dir, old, 0o644)
	written, err := o.Replace([]byte(strings.Repeat("new text\n", 4000)))
	if written || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("written %v, err %v; want false, ENOSPC", written, err)
	}
	checkFile(t, path, old, 0o644, false)
	noLeftovers(t, dir)
}
