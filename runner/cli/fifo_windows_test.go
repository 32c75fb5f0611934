package cli

import (
	"errors"
	"io/fs"
)

// mkfifo fails on Windows, which has no named pipes in the file system.
func mkfifo(path string, mode uint32) error { return errors.ErrUnsupported }

// links is 0 on Windows, where a FileInfo does not hold the number of names.
func links(info fs.FileInfo) uint64 { return 0 }
