//go:build windows

package filelock

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// As cmd/go's lockedfile/internal/filelock does: the whole file (every byte, from offset 0 in the overlapped
// structure), through the file's own synchronous handle.
const allBytes = ^uint32(0)

// Lock locks the whole of f, shared or exclusive, and waits until it can.
func Lock(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return lockFileEx(f, flags)
}

// TryLock locks the whole of f exclusively, or returns ErrLocked at once when another holds a lock on it.
func TryLock(f *os.File) error {
	err := lockFileEx(f, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return ErrLocked
	}
	return err
}

// TryUpgrade turns the shared lock f holds into an exclusive one, or returns ErrLocked, f holding its shared
// lock again, when another holds a lock on it. Windows cannot convert a lock: it is released and taken again,
// and another process may take an exclusive lock in between (this one then waits for its shared lock).
func TryUpgrade(f *os.File) error {
	if err := unlock(f); err != nil {
		return err
	}
	err := TryLock(f)
	if err != nil {
		if lerr := Lock(f, false); lerr != nil {
			return errors.Join(err, lerr)
		}
	}
	return err
}

// Downgrade turns the exclusive lock f holds into a shared one (released and taken again).
func Downgrade(f *os.File) error {
	if err := unlock(f); err != nil {
		return err
	}
	return Lock(f, false)
}

func lockFileEx(f *os.File, flags uint32) error {
	ol := new(windows.Overlapped)
	if err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, allBytes, allBytes, ol); err != nil {
		return &fs.PathError{Op: "LockFileEx", Path: f.Name(), Err: err}
	}
	return nil
}

func unlock(f *os.File) error {
	ol := new(windows.Overlapped)
	if err := windows.UnlockFileEx(windows.Handle(f.Fd()), 0, allBytes, allBytes, ol); err != nil {
		return &fs.PathError{Op: "UnlockFileEx", Path: f.Name(), Err: err}
	}
	return nil
}
