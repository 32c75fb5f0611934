package plan

import "errors"

// mkfifo fails on Windows, which has no named pipes in the file system.
func mkfifo(path string, mode uint32) error { return errors.ErrUnsupported }
