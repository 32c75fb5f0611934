//go:build !linux

package run

import "syscall"

// Elsewhere than on Linux there is no subreaper, no Pdeathsig and no /proc: a program's process group is all
// that is ended with it.

func becomeSubreaper() {}

func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func endLeftovers(marker string, pgid int) {}

func endMarked(prefixes []string) {}
