package run

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// What is ended when a program ends, and what still escapes.
//
// The program runs in a process group of its own, which is killed when it ends. A descendant that leaves the
// group (setsid, setpgid, a daemon's double fork) is found by the marker in its environment instead: every
// program gets MarkerVar=<runner id>/<n> in its environment, its descendants inherit it, and when the program
// ends every process whose environment holds it is killed, again until none is left (one may fork while we
// look). The runner is a child subreaper, so an orphaned descendant becomes the runner's child rather than
// init's, and those we kill are reaped here, each by its own pidfd: never wait(-1), which would take the
// status of a process os/exec is waiting for.
//
// What still escapes: a descendant that both leaves the process group and execs with an environment without
// the marker (env -i, or one rebuilt from scratch), and its descendants; one that changes to a user whose
// processes we may not signal or read, or a setuid program (Pdeathsig is cleared for it); one that forks faster
// than we kill for endGrace; and, when the runner itself is killed with SIGKILL, every descendant
// but the program itself (which gets Pdeathsig) until the next runner starts and ends them (RemoveStale; only
// for a runner that had made its temporary directory, as the CLI always has before it runs a cell). An
// orphan that ends by itself before we look, outside the program's group, stays a zombie of the runner until
// the runner exits: we cannot tell it from a child os/exec will wait for.

// endGrace bounds how long the killed processes are waited for: one stuck in the kernel, or the child of a
// process we cannot see, is given up on after it.
const endGrace = 2 * time.Second

var subreaperOnce sync.Once

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

// proc is what /proc says of a process.
type proc struct {
	pid, ppid, pgid int
	zombie          bool
}

// environ returns the environment the process was started with; nil for a zombie or a process we may not read.
func (p *proc) environ() []byte {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/environ")
	return b
}

// hasEnv reports whether the environment of p has an entry that starts with prefix.
func (p *proc) hasEnv(prefix string) bool {
	env := p.environ()
	return bytes.HasPrefix(env, []byte(prefix)) || bytes.Contains(env, []byte("\x00"+prefix))
}

// readProc reads /proc/pid/stat.
func readProc(pid int) (*proc, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, err
	}
	// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, errors.New("bad /proc stat")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 3 {
		return nil, errors.New("bad /proc stat")
	}
	p := &proc{pid: pid, zombie: f[0] == "Z"}
	p.ppid, _ = strconv.Atoi(f[1])
	p.pgid, _ = strconv.Atoi(f[2])
	return p, nil
}

// procs lists the processes other than this one.
func procs() []*proc {
	entries, _ := os.ReadDir("/proc")
	self := os.Getpid()
	var ps []*proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if p, err := readProc(pid); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// endLeftovers kills what the program with the given marker, whose process group was pgid, left behind: the
// processes still in its group, zombies included, and those whose environment holds the marker. It reaps those
// that are (or become) children of the runner, and returns when none is left, or after endGrace.
func endLeftovers(marker string, pgid int) {
	entry := MarkerVar + "=" + marker + "\x00"
	end(func(ps []*proc) func(*proc) bool {
		var ours map[int]bool // nil: any process may be one the program left (the runner is no subreaper)
		if isSubreaper {
			ours = descendants(ps, os.Getpid())
		}
		return func(p *proc) bool {
			return p.pid != pgid && (p.pgid == pgid || (ours == nil || ours[p.pid]) && p.hasEnv(entry))
		}
	}, true)
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
		found := false
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
		for pid, fd := range killed {
			if settled(fd, reap) {
				unix.Close(fd)
				delete(killed, pid)
			}
		}
		if !found && len(killed) == 0 || time.Now().After(deadline) {
			return
		}
		if !found {
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
