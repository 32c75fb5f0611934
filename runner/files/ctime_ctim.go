//go:build unix && !darwin && !freebsd && !netbsd

package files

import "syscall"

func ctime(st *syscall.Stat_t) syscall.Timespec { return st.Ctim }
