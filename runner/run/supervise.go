package run

import (
	"os/exec"
	"runtime"
	"sync"
)

// The supervisor: every process the runner starts, a cell's program (Start) or a command that is not one, such
// as the go command that builds it (Command), goes through start and wait. It runs in a process group of its
// own, which is killed when it ends, with MarkerVar in its environment, with Pdeathsig, and what it leaves
// behind is ended and reaped when it ends (endLeftovers). That is Linux (reap_linux.go); the other systems, and
// Linux under the classnotes_portable build tag, get the same through what POSIX has (reap_posix.go), and
// Windows through a job object (reap_windows.go). Each provides prepare, sysProcAttr, osGroup with the methods
// attach, signal and endGroup, and startTime, nowTicks, endMarked and Remaining.

// children are the processes the supervisor started and has not reaped yet, by pid, with their start times
// (clock ticks since boot; 0 when unknown). A child of the runner that is not among them, outside the runner's
// own process group, is an orphan that came to it as its subreaper: an escaped descendant of one of them.
var children struct {
	mu sync.Mutex // held while a child starts and while the runner's children are looked at
	// live is the processes started and not reaped yet.
	live map[int]uint64
	// foreign are the times (clock ticks since boot) during which a child the runner started for itself
	// (StartForeign) ran, with a margin: an orphan that started then may be its, and is never taken for a
	// supervised process's.
	foreign []window
}

// window is a span of clock ticks since boot, both ends included.
type window struct{ from, to uint64 }

// foreignMargin is how long after a foreign child ended an orphan that started may still be its (a browser
// that xdg-open started as it exited): a second, in clock ticks.
const foreignMargin = 100

// StartForeign starts cmd, a program the runner starts for itself and does not supervise (the browser that
// serve --open asks xdg-open for), and waits for it in the background. It is not ended with anything, and
// the orphans that come to the runner while it runs, or within a second after it ended, are left alone: they
// may be its (a browser outlives xdg-open), not a cell's.
func StartForeign(cmd *exec.Cmd) error {
	prepare()
	children.mu.Lock()
	err := cmd.Start()
	i := len(children.foreign)
	if err == nil {
		children.foreign = append(children.foreign, window{from: startTime(cmd.Process.Pid), to: ^uint64(0)})
	}
	children.mu.Unlock()
	if err != nil {
		return err
	}
	go func() {
		cmd.Wait()
		children.mu.Lock()
		children.foreign[i].to = nowTicks() + foreignMargin
		children.mu.Unlock()
	}()
	return nil
}

// foreignAt reports whether a foreign child ran at tick t. Call it with children.mu held.
func foreignAt(t uint64) bool {
	for _, w := range children.foreign {
		if w.from <= t && t <= w.to {
			return true
		}
	}
	return false
}

// supervised is a process under supervision.
type supervised struct {
	cmd     *exec.Cmd
	marker  string  // the value of MarkerVar in its environment
	started uint64  // its start time, clock ticks since boot
	group   osGroup // what the OS holds of the process and its descendants (a job object on Windows)
}

// supervise prepares cmd to run under supervision: in a process group of its own, killed if the thread that
// starts it ends, with a new marker in its environment (cmd.Env, or the runner's when nil).
func supervise(cmd *exec.Cmd) *supervised {
	s := &supervised{cmd: cmd, marker: nextMarker()}
	cmd.Env = withMarker(cmd.Env, s.marker)
	cmd.SysProcAttr = sysProcAttr()
	return s
}

// start starts the process, on the calling goroutine's OS thread, which it locks until wait: the kernel sends
// Pdeathsig when the *thread* that forked the process ends, not the runner (golang/go#27505), and the Go
// runtime ends a thread when a goroutine locked to it exits without unlocking. Locking only around cmd.Start
// would let another goroutine run on this thread afterwards, lock it and exit, killing the process. Holding
// the lock from the fork until the process has ended keeps every other goroutine off the thread, so the thread
// outlives the process. The goroutine that calls start must call wait when start succeeds.
func (s *supervised) start() error {
	prepare()
	runtime.LockOSThread()
	children.mu.Lock()
	err := s.cmd.Start()
	if err == nil {
		s.started = startTime(s.cmd.Process.Pid)
		if children.live == nil {
			children.live = map[int]uint64{}
		}
		children.live[s.cmd.Process.Pid] = s.started
	}
	children.mu.Unlock()
	if err == nil {
		if err = s.attach(); err != nil { // it never ran: on Windows it starts suspended until attached
			s.cmd.Process.Kill()
			s.cmd.Wait()
			children.mu.Lock()
			delete(children.live, s.cmd.Process.Pid)
			children.mu.Unlock()
		}
	}
	if err != nil {
		runtime.UnlockOSThread()
	}
	return err
}

// wait waits for the process, calls exited (if not nil), then kills its process group and ends what it left
// behind, and returns what cmd.Wait returned.
func (s *supervised) wait(exited func()) error {
	err := s.cmd.Wait()
	runtime.UnlockOSThread()
	if exited != nil {
		exited()
	}
	pid := s.cmd.Process.Pid
	children.mu.Lock()
	if children.live[pid] == s.started { // not a process started since under the same, reused, pid
		delete(children.live, pid)
	}
	children.mu.Unlock()
	s.endGroup() // what it left behind goes with it
	return err
}
