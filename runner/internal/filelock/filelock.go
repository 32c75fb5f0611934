// Package filelock locks whole files between processes, the runner's cache and temporary directories: flock(2)
// on Unix, LockFileEx on Windows. A lock lasts until it is released or its file is closed, and the kernel
// releases it when its process dies, however it dies. It knows nothing of what the files hold.
package filelock

import "errors"

// ErrLocked is returned by TryLock and TryUpgrade when another open file holds a lock that conflicts.
var ErrLocked = errors.New("locked by another process")
