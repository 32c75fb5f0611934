//go:build unix && (!linux || classnotes_portable)

package run

import (
	"os"
	"sync"
	"syscall"
	"time"
)

// What is ended when a process ends, with what every POSIX system has (macOS, the BSDs, and Linux when the
// tests run with the classnotes_portable tag, which switches the Linux extras of reap_linux.go off).
//
// The process runs in a process group of its own, which is killed when it ends. A descendant that leaves the
// group (setsid, a daemon's double fork) is found in the process table (procs: sysctl kern.proc on macOS,
// /proc on Linux) by the marker in its environment, MarkerVar=<runner id>/<n>, and killed, again until none is
// left. When the runner dies, however it dies (SIGKILL included), a watchdog, a copy of the runner's own
// executable started once for that (watchdog_posix.go), kills the groups of the programs still running and
// every process that holds the runner's marker. It learns of the runner's end from kqueue (EVFILT_PROC,
// NOTE_EXIT on the runner's pid) on macOS and FreeBSD, from a pidfd on Linux, and everywhere from its
// standard input, a pipe from the runner, reaching end of file.
//
// Weaker than on Linux: no subreaper, so a descendant that leaves the group and drops the marker (setsid env
// -i) escapes; no Pdeathsig, so the programs outlive a runner whose watchdog is gone too (killed with it, say
// by killing the whole process tree), until the next runner's RemoveStale ends the marked ones; processes are
// killed by pid, found a moment before (a pid reused in that moment would be hit); a process table that cannot
// be read (FreeBSD and the other systems, where procs returns nothing) leaves only the group and the watchdog.

// endGrace bounds how long the supervisor keeps looking for processes to kill.
const endGrace = 2 * time.Second

var watchdogOnce sync.Once

// prepare readies the supervisor before a process starts: the watchdog is started, once.
func prepare() { watchdogOnce.Do(startWatchdog) }

// sysProcAttr puts the program in a process group of its own.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// endLeftovers kills what the process with the given marker, whose process group was pgid, left behind: the
// processes still in its group and those whose environment holds its marker.
func endLeftovers(marker string, pgid int, started uint64) {
	entry := MarkerVar + "=" + marker + "\x00"
	end(func(p *proc) bool { return p.pid != pgid && (p.pgid == pgid || p.hasEnv(entry)) })
}

// endMarked kills the processes whose environment has a marker starting with one of the given prefixes.
func endMarked(prefixes []string) {
	end(func(p *proc) bool {
		for _, prefix := range prefixes {
			if p.hasEnv(MarkerVar + "=" + prefix) {
				return true
			}
		}
		return false
	})
}

// end kills with SIGKILL every running process of the table that match accepts, looking again until it finds
// none, or for endGrace. It reaps none: they are not the runner's children.
func end(match func(*proc) bool) {
	for deadline := time.Now().Add(endGrace); ; time.Sleep(5 * time.Millisecond) {
		found := false
		for _, p := range procs() {
			if !p.zombie && match(p) {
				syscall.Kill(p.pid, syscall.SIGKILL)
				found = true
			}
		}
		if !found || time.Now().After(deadline) {
			return
		}
	}
}

// Remaining returns the processes still alive whose environment holds this runner's marker. ok is false: the
// runner cannot tell which unmarked processes its programs left.
func Remaining() (pids []int, ok bool) {
	prefix := MarkerVar + "=" + sessionID + "/"
	self := os.Getpid()
	for _, p := range procs() {
		if !p.zombie && p.pid != self && p.hasEnv(prefix) {
			pids = append(pids, p.pid)
		}
	}
	return pids, false
}

// Guarantees says, a line each, what the supervisor guarantees here (the README's table, for this system).
func Guarantees() []string {
	table := "descendants that left it found in the process table by their marker and killed"
	if len(procs()) == 0 {
		table = "no process table read here: descendants that left it escape"
	}
	return []string{
		"processes: each program in its own process group, killed when it ends; " + table,
		"no subreaper: a descendant that left the group and dropped the marker escapes",
		"runner killed (even SIGKILL): its watchdog kills the programs' groups and the marked processes",
	}
}
