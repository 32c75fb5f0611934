//go:build (darwin || freebsd) && (!linux || classnotes_portable)

package run

import "golang.org/x/sys/unix"

// runnerExited returns a channel closed when process pid exits: kqueue's EVFILT_PROC filter with NOTE_EXIT.
// It is nil, and never closed, when kqueue fails; closed at once when the process is gone already.
func runnerExited(pid int) <-chan struct{} {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil
	}
	var ev unix.Kevent_t
	unix.SetKevent(&ev, pid, unix.EVFILT_PROC, unix.EV_ADD|unix.EV_ONESHOT)
	ev.Fflags = unix.NOTE_EXIT
	exited := make(chan struct{})
	if _, err := unix.Kevent(kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		unix.Close(kq)
		if err == unix.ESRCH {
			close(exited)
			return exited
		}
		return nil
	}
	go func() {
		defer unix.Close(kq)
		events := make([]unix.Kevent_t, 1)
		for {
			n, err := unix.Kevent(kq, nil, events, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n > 0 {
				close(exited)
				return
			}
		}
	}()
	return exited
}
