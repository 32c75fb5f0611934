//go:build !linux

package run

import "syscall"

// Elsewhere than on Linux there is no subreaper, no Pdeathsig and no /proc: a process's group is all that is
// ended with it.

func becomeSubreaper() {}

func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func endLeftovers(marker string, pgid int, started uint64) {}

func startTime(pid int) uint64 { return 0 }

func endMarked(prefixes []string) {}

// Remaining cannot tell here which processes the runner's programs left: it says so.
func Remaining() (pids []int, ok bool) { return nil, false }

func nowTicks() uint64 { return 0 }
