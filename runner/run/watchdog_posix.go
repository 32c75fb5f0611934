//go:build unix && (!linux || classnotes_portable)

package run

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The watchdog is the runner's own executable, started once by the runner with watchdogVar set to
// "<runner pid>/<runner id>": package run's init sees it and runs watchdog instead of the program. It keeps
// the process groups of the programs running, which the runner writes to its standard input ("+pgid" when a
// program starts, "-pgid" when it has ended), and when the runner has ended, it kills those groups and every
// process that holds the runner's marker, then exits. It is in a process group of its own, and ignores the
// terminal's interrupt and hangup: Ctrl-C is the runner's to handle, and a closed terminal kills the runner
// first.

const watchdogVar = "CLASSNOTES_WATCHDOG"

func init() {
	if v, ok := os.LookupEnv(watchdogVar); ok {
		os.Exit(watchdog(v, os.Stdin))
	}
}

// toWatchdog is the runner's end of the pipe to the watchdog; nil when it could not be started.
var toWatchdog struct {
	mu sync.Mutex
	w  *os.File
}

// startWatchdog starts the watchdog. Without one (no executable to start), the programs outlive a runner that
// dies, until the next runner's RemoveStale.
func startWatchdog() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	defer r.Close()
	cmd := exec.Command(exe)
	cmd.Env = append(withoutWithheld(os.Environ()), fmt.Sprintf("%s=%d/%s", watchdogVar, os.Getpid(), sessionID))
	cmd.Stdin, cmd.Dir = r, "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return
	}
	go cmd.Wait()
	toWatchdog.w = w
}

func watchGroup(pgid int)   { tellWatchdog('+', pgid) }
func unwatchGroup(pgid int) { tellWatchdog('-', pgid) }

// tellWatchdog writes a line to the watchdog. A watchdog that is gone fails the write, which is ignored: the
// program keeps its group and marker.
func tellWatchdog(op byte, pgid int) {
	toWatchdog.mu.Lock()
	defer toWatchdog.mu.Unlock()
	if toWatchdog.w != nil {
		fmt.Fprintf(toWatchdog.w, "%c%d\n", op, pgid)
	}
}

// watchdog waits for the runner named by v to end, then ends what it left running, and returns the exit code.
// in is the pipe from the runner.
func watchdog(v string, in *os.File) int {
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP)
	pidText, session, ok := strings.Cut(v, "/")
	runner, err := strconv.Atoi(pidText)
	if !ok || err != nil || !validSessionID(session) {
		fmt.Fprintf(os.Stderr, "%s: malformed %q\n", watchdogVar, v)
		return 2
	}
	var mu sync.Mutex
	groups := map[int]bool{}
	read := make(chan struct{})
	go func() {
		defer close(read) // end of file: the runner has closed its end, as the kernel does when it dies
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			line := sc.Text()
			pgid, err := strconv.Atoi(line[min(1, len(line)):])
			if err != nil || pgid <= 0 {
				continue
			}
			mu.Lock()
			if line[0] == '+' {
				groups[pgid] = true
			} else {
				delete(groups, pgid)
			}
			mu.Unlock()
		}
	}()
	select {
	case <-read:
	case <-runnerExited(runner):
		// What the runner wrote before it died is still in the pipe: read it, unless another process holds the
		// pipe's write end (it should not: the runner's descriptors close on exec).
		select {
		case <-read:
		case <-time.After(100 * time.Millisecond):
		}
	}
	mu.Lock()
	for pgid := range groups {
		syscall.Kill(-pgid, syscall.SIGKILL)
	}
	mu.Unlock()
	endMarked([]string{session + "/"})
	return 0
}
