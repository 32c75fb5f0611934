package filelock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestLocks: two opens of one file, as two runners have: a shared lock keeps the other from an exclusive one
// (TryLock, TryUpgrade: ErrLocked), and once it is closed the exclusive lock is taken; an exclusive lock held
// keeps the other from TryLock.
func TestLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	a, b := open(t, path), open(t, path)
	if err := Lock(a, false); err != nil {
		t.Fatal(err)
	}
	if err := Lock(b, false); err != nil {
		t.Fatal(err)
	}
	if err := TryUpgrade(b); !errors.Is(err, ErrLocked) {
		t.Errorf("TryUpgrade while another holds a shared lock = %v, want ErrLocked", err)
	}
	a.Close()
	if err := TryUpgrade(b); err != nil {
		t.Errorf("TryUpgrade alone = %v", err)
	}
	c := open(t, path)
	if err := TryLock(c); !errors.Is(err, ErrLocked) {
		t.Errorf("TryLock while another holds an exclusive lock = %v, want ErrLocked", err)
	}
	if err := Downgrade(b); err != nil {
		t.Fatal(err)
	}
	if err := Lock(c, false); err != nil {
		t.Errorf("a shared lock beside a downgraded one = %v", err)
	}
}
