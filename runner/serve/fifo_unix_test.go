//go:build unix

package serve

import (
	"os"
	"syscall"
)

// mkfifo makes a named pipe at path.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }

// unblockFIFO opens the named pipe at path for writing and closes it, so that a reader waiting in open(2) for a
// writer goes on (and the test's server can close).
func unblockFIFO(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}
