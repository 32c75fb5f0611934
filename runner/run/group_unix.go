//go:build unix

package run

import (
	"os"
	"syscall"
)

// osGroup is empty on Unix: a process's group has the process's pid as its id.
type osGroup struct{}

// attach tells the watchdog, where there is one, of the process's group.
func (s *supervised) attach() error {
	watchGroup(s.cmd.Process.Pid)
	return nil
}

// signal sends sig to the process's group.
func (s *supervised) signal(sig syscall.Signal) error { return signalGroup(s.cmd.Process.Pid, sig) }

// endGroup kills the group of the process, which has been reaped, and ends what it left behind: children left
// in the group go with it, and so do those that left it (endLeftovers).
func (s *supervised) endGroup() {
	pid := s.cmd.Process.Pid
	signalGroup(pid, syscall.SIGKILL)
	endLeftovers(s.marker, pid, s.started)
	unwatchGroup(pid)
}

// signalGroup sends sig to the process group led by pid.
func signalGroup(pid int, sig syscall.Signal) error {
	err := syscall.Kill(-pid, sig)
	if err == syscall.ESRCH {
		return os.ErrProcessDone
	}
	return err
}
