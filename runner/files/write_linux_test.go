package files

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteDevice is the finding of `import --force --out /dev/null`, which replaced the device node with a
// regular file, on a device node of the test's own (which needs root).
func TestWriteDevice(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil { // 1,3: the null device
		t.Skipf("cannot make a device node: %v", err)
	}
	for _, overwrite := range []bool{false, true} {
		written, err := Write(dev, []byte("lesson\n"), Options{Perm: 0o644, Overwrite: overwrite})
		if written || err == nil {
			t.Fatalf("Write(overwrite=%v) to a device = %v, %v; want refused", overwrite, written, err)
		}
		info, err := os.Lstat(dev)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("the device node became %v", info.Mode())
		}
	}
}
