//go:build linux && !classnotes_portable

package run

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// What is ended when a process ends, and what still escapes.
//
// What follows holds for every process the supervisor starts, cell programs and commands alike. The process
// runs in a process group of its own, which is killed when it ends. A descendant that leaves the group
// (setsid, setpgid, a daemon's double fork) is found by the marker in its environment instead: every process
// gets MarkerVar=<runner id>/<n> in its environment, its descendants inherit it, and when the process ends
// every process whose environment holds it is killed, again until none is left (one may fork while we look).
//
// The runner is a child subreaper, so an orphaned descendant becomes the runner's child rather than init's, marker
// or not. A child of the runner that the supervisor did not start and is not waiting for, and that is outside the
// runner's own process group, is taken for such an orphan: an escaped descendant of some process the supervisor
// started. A child the runner starts for itself must therefore go through StartForeign: what starts while it
// runs, or within a second after, is never taken for an orphan of a program (a browser outlives xdg-open); a
// child started with plain os/exec that leaves the runner's group (setsid) would be. When a process
// ends, such an orphan is killed with it if it could be its descendant and no other's: it started no earlier than
// the process did, and every other process the supervisor still waits for started after it. Otherwise it is left to
// the last of those that could have left it, and killed when that one ends. Start times are known to a clock tick
// (10 ms): a process started in the same tick counts as started no earlier and no later. Then its own children come
// to the runner and go the same way. Those we kill are reaped here, each by its own pidfd: never wait(-1), which
// would take the status of a process os/exec is waiting for.
//
// A runner that is PID 1 (in a container) is the parent of every orphan of the container, and would take a
// daemon started there by another command (docker exec) for a program's.
//
// What still escapes: a descendant that leaves the process group, drops the marker and joins the runner's own
// process group (setpgid to it: the runner's session is the programs' too); one that changes to a user whose
// processes we may not signal or read, or a setuid program (Pdeathsig is cleared for it); one that forks
// faster than we kill for endGrace; an unmarked orphan whose possible owners are still running (a server cell
// started before it), until the last of them ends; and, when the runner itself is killed with SIGKILL, every
// descendant but the processes it started (which get Pdeathsig) until the next runner starts and ends those
// that kept the marker (RemoveStale; only for a runner that had made its temporary directory, as the CLI
// always has before it runs a cell). When the runner is not a subreaper (prctl failed), orphans go to init
// and only the group and the marker are ended.

// endGrace bounds how long the killed processes are waited for: one stuck in the kernel, or the child of a
// process we cannot see, is given up on after it.
const endGrace = 2 * time.Second

var subreaperOnce sync.Once

// prepare readies the supervisor before a process starts: the runner becomes a subreaper.
func prepare() { becomeSubreaper() }

// becomeSubreaper makes this process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER). It
// cannot be undone, so it is done once, when the first program starts.
func becomeSubreaper() {
	subreaperOnce.Do(func() { isSubreaper = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == nil })
}

// isSubreaper is set once the runner is a child subreaper: then whatever its programs leave behind stays among
// its descendants, and only those need their environments read.
var isSubreaper bool

// sysProcAttr puts the program in a new process group and has the kernel kill it if the thread that started
// it ends, which happens when the runner dies, even by SIGKILL. Start keeps that thread alive as long as the
// program runs (see (*Process).run).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// endLeftovers kills what the process with the given marker, whose process group was pgid and which started at
// started, left behind: the processes still in its group, zombies included, those whose environment holds the
// marker, and the orphans that came to the runner that it alone may have left (see orphanOf). It reaps those
// that are (or become) children of the runner, and returns when none is left, or after endGrace. Call it once
// the process has been reaped and is no longer among children.live.
func endLeftovers(marker string, pgid int, started uint64) {
	entry := MarkerVar + "=" + marker + "\x00"
	self, ownGroup := os.Getpid(), syscall.Getpgrp()
	end(func(ps []*proc) func(*proc) bool {
		var ours map[int]bool // nil: any process may be one the program left (the runner is no subreaper)
		if isSubreaper {
			ours = descendants(ps, self)
		}
		return func(p *proc) bool {
			if p.pid == pgid {
				return false
			}
			if p.pgid == pgid || (ours == nil || ours[p.pid]) && p.hasEnv(entry) {
				return true
			}
			return isSubreaper && p.ppid == self && p.pgid != ownGroup && orphanOf(p, started)
		}
	}, true)
}

// orphanOf reports whether p, a child of the runner outside its process group, is an orphan that the process
// that started at started, and has ended, alone may have left: it started no earlier than that process, and
// after every process the supervisor still waits for (so it is none of them either). One that started earlier
// is no descendant of it: an orphan of a child the runner started itself, say. Call it with children.mu held.
func orphanOf(p *proc, started uint64) bool {
	if p.start < started || foreignAt(p.start) {
		return false
	}
	for _, s := range children.live {
		if s <= p.start {
			return false // it may be that one's, or that one: it is left for when that one ends
		}
	}
	return true
}

// descendants returns the pids in ps that descend from the process root.
func descendants(ps []*proc, root int) map[int]bool {
	children := map[int][]int{}
	for _, p := range ps {
		children[p.ppid] = append(children[p.ppid], p.pid)
	}
	out := map[int]bool{}
	for todo := children[root]; len(todo) > 0; {
		pid := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if !out[pid] {
			out[pid] = true
			todo = append(todo, children[pid]...)
		}
	}
	return out
}

// endMarked kills the processes whose environment has a marker starting with one of the given prefixes. It does
// not reap them: they are not children of the runner, and if one were, its status would belong to whoever
// started it.
func endMarked(prefixes []string) {
	end(func([]*proc) func(*proc) bool {
		return func(p *proc) bool {
			for _, prefix := range prefixes {
				if p.hasEnv(MarkerVar + "=" + prefix) {
					return true
				}
			}
			return false
		}
	}, false)
}

// end kills with SIGKILL every process that the matcher made for each look at the processes accepts, looking again until it finds none, and, when reap
// is set, reaps those that are or become children of this process. It holds a pidfd to each process it kills,
// so that a pid reused by an unrelated process is neither signalled nor waited for.
func end(matcher func(ps []*proc) func(*proc) bool, reap bool) {
	killed := map[int]int{} // pid → pidfd, until the process is reaped or gone
	defer func() {
		for _, fd := range killed {
			unix.Close(fd)
		}
	}()
	deadline := time.Now().Add(endGrace)
	for {
		found := killMatching(matcher, killed, reap)
		reaped := false
		for pid, fd := range killed {
			if settled(fd, reap) {
				unix.Close(fd)
				delete(killed, pid)
				reaped = true
			}
		}
		// Once a process is reaped, its children have come to the runner: look again before returning.
		if !found && !reaped && len(killed) == 0 || time.Now().After(deadline) {
			return
		}
		if !found && !reaped {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// settled reports whether the killed process behind pidfd needs no more watching: it was reaped (by us when
// reap is set, because it is our child), or, when reap is not set, it has ended.
func settled(pidfd int, reap bool) bool {
	if !reap {
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}} // readable once the process has ended
		n, err := unix.Poll(fds, 0)
		return err == nil && n > 0
	}
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PIDFD, pidfd, &info, unix.WEXITED|unix.WNOHANG, nil)
	switch {
	case err == nil:
		return info.Signo != 0 // 0: our child, not ended yet
	case errors.Is(err, unix.ECHILD):
		// Not our child (yet: it reparents to us when its parent dies). Done with it once its parent reaped it.
		return errors.Is(unix.PidfdSendSignal(pidfd, 0, nil, 0), unix.ESRCH)
	}
	return false
}

// killMatching kills with SIGKILL each process that the matcher, given the processes there are now, accepts and
// that is not in killed yet, adds it to killed with a pidfd to it, and reports whether it found any. No process
// starts under supervision meanwhile: one just forked, not yet among children.live, would look like an orphan.
func killMatching(matcher func(ps []*proc) func(*proc) bool, killed map[int]int, reap bool) bool {
	found := false
	children.mu.Lock()
	defer children.mu.Unlock()
	ps := procs()
	match := matcher(ps)
	for _, p := range ps {
		if _, ok := killed[p.pid]; ok || !match(p) {
			continue
		}
		fd, err := unix.PidfdOpen(p.pid, 0)
		if errors.Is(err, unix.ENOSYS) { // Linux before 5.3: kill by pid, reap nothing
			if !p.zombie {
				unix.Kill(p.pid, unix.SIGKILL)
				found = true
			}
			continue
		}
		if err != nil {
			continue // gone already
		}
		// The pid may have been reused between the scan and PidfdOpen: look again through the pidfd's pid,
		// which now cannot be reused while we hold it and the process is not reaped.
		if q, err := readProc(p.pid); err != nil || !match(q) {
			unix.Close(fd)
			continue
		}
		unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		if !reap && p.zombie {
			unix.Close(fd)
			continue
		}
		killed[p.pid] = fd
		found = true
	}
	return found
}

// Remaining returns the processes still alive that the runner's programs and commands left, as far as the
// runner can see them: its descendants outside its own process group (as a subreaper, every orphan of its
// programs comes to it) and every process whose environment holds this runner's marker. Zombies are not
// counted: they have ended. ok is false when the runner cannot tell, not being a subreaper (it then sees only
// the marked ones). A front end calls it after everything was stopped, to say no more than it checked.
func Remaining() (pids []int, ok bool) {
	self, ownGroup := os.Getpid(), syscall.Getpgrp()
	prefix := MarkerVar + "=" + sessionID + "/"
	ps := procs()
	ours := descendants(ps, self)
	for _, p := range ps {
		if p.zombie {
			continue
		}
		if ours[p.pid] && p.pgid != ownGroup || p.hasEnv(prefix) {
			pids = append(pids, p.pid)
		}
	}
	return pids, isSubreaper
}

// watchGroup and unwatchGroup do nothing on Linux: Pdeathsig ends the programs when the runner dies, and the
// subreaper the rest, with no watchdog (reap_posix.go has one).
func watchGroup(pgid int)   {}
func unwatchGroup(pgid int) {}

// Guarantees says, a line each, what the supervisor guarantees here (the README's table, for Linux).
func Guarantees() []string {
	sub := "the runner is a child subreaper: orphans of its programs come to it and are ended"
	if !isSubreaper {
		sub = "the runner is no subreaper (not yet started a program, or prctl failed): orphans without the marker go to init"
	}
	return []string{
		"processes: each program in its own process group, killed when it ends; descendants that left it found by their marker (/proc) and killed",
		sub,
		"runner killed (even SIGKILL): Pdeathsig kills its programs; the next runner ends what kept the marker",
	}
}
