//go:build linux && classnotes_portable

package run

import "golang.org/x/sys/unix"

// runnerExited returns a channel closed when process pid exits: a pidfd, readable once it has (Linux 5.3).
// It is nil, and never closed, when there is no pidfd; closed at once when the process is gone already.
func runnerExited(pid int) <-chan struct{} {
	fd, err := unix.PidfdOpen(pid, 0)
	exited := make(chan struct{})
	if err == unix.ESRCH {
		close(exited)
		return exited
	}
	if err != nil {
		return nil
	}
	go func() {
		defer unix.Close(fd)
		for {
			_, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, -1)
			if err != unix.EINTR {
				close(exited)
				return
			}
		}
	}()
	return exited
}
