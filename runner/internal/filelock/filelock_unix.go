//go:build unix

package filelock

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// Lock locks the whole of f, shared or exclusive, and waits until it can.
func Lock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	return flock(f, how, "lock")
}

// TryLock locks the whole of f exclusively, or returns ErrLocked at once when another holds a lock on it.
func TryLock(f *os.File) error {
	err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB, "lock")
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}

// TryUpgrade turns the shared lock f holds into an exclusive one, or returns ErrLocked at once, f still holding
// its shared lock, when another holds a lock on it.
func TryUpgrade(f *os.File) error { return TryLock(f) } // flock converts the lock in place

// Downgrade turns the exclusive lock f holds into a shared one.
func Downgrade(f *os.File) error { return flock(f, syscall.LOCK_SH, "lock") }

func flock(f *os.File, how int, op string) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: op, Path: f.Name(), Err: err}
		}
		return nil
	}
}
