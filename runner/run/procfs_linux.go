package run

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The process table as Linux gives it, in /proc: for the supervisor's Linux extras (reap_linux.go) and for its
// portable POSIX path when the tests run it on Linux (reap_posix.go, under the classnotes_portable tag).

// environ returns the environment the process was started with; nil for a zombie or a process we may not read.
func (p *proc) environ() []byte {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/environ")
	return b
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
	f := strings.Fields(s[i+1:]) // from field 3, the state
	if len(f) < 20 {
		return nil, errors.New("bad /proc stat")
	}
	p := &proc{pid: pid, zombie: f[0] == "Z"}
	p.ppid, _ = strconv.Atoi(f[1])
	p.pgid, _ = strconv.Atoi(f[2])
	p.start, _ = strconv.ParseUint(f[19], 10, 64) // field 22
	return p, nil
}

// nowTicks returns the time now in the clock ticks since boot that /proc gives start times in (USER_HZ: 100
// a second).
func nowTicks() uint64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
		return ^uint64(0) // unknown: every later orphan may be a foreign child's
	}
	return uint64(ts.Sec)*100 + uint64(ts.Nsec)/10_000_000
}

// startTime returns when process pid started, in clock ticks since boot; 0 when /proc does not say.
func startTime(pid int) uint64 {
	if p, err := readProc(pid); err == nil {
		return p.start
	}
	return 0
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
