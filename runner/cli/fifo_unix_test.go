//go:build unix

package cli

import (
	"io/fs"
	"syscall"
)

func mkfifo(path string, mode uint32) error { return syscall.Mkfifo(path, mode) }

// links returns the number of names of the file described by info.
func links(info fs.FileInfo) uint64 { return uint64(info.Sys().(*syscall.Stat_t).Nlink) }
