//go:build darwin

package run

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// The process table as macOS gives it: sysctl kern.proc (struct kinfo_proc) for the processes, and
// kern.procargs2 for a process's environment, which the kernel gives for the user's own processes.

// sZomb is a zombie's p_stat (SZOMB in sys/proc.h).
const sZomb = 5

func fromKinfo(kp *unix.KinfoProc) *proc {
	return &proc{pid: int(kp.Proc.P_pid), ppid: int(kp.Eproc.Ppid), pgid: int(kp.Eproc.Pgid), zombie: kp.Proc.P_stat == sZomb}
}

// procs lists the processes other than this one.
func procs() []*proc {
	kps, _ := unix.SysctlKinfoProcSlice("kern.proc.all")
	self := os.Getpid()
	var ps []*proc
	for i := range kps {
		if p := fromKinfo(&kps[i]); p.pid != self && p.pid != 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

// readProc returns what the table says of process pid.
func readProc(pid int) (*proc, error) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		return nil, err
	}
	if int(kp.Proc.P_pid) != pid {
		return nil, errors.New("no such process")
	}
	return fromKinfo(kp), nil
}

// environ returns the environment the process was started with, each entry ended by a NUL; nil for a process
// we may not read. kern.procargs2 gives argc (a 32-bit int), the executable's path, NUL padding, the argc
// arguments and then the environment, each string ended by a NUL.
func (p *proc) environ() []byte {
	b, err := unix.SysctlRaw("kern.procargs2", p.pid)
	if err != nil || len(b) < 4 {
		return nil
	}
	argc := int(binary.NativeEndian.Uint32(b))
	b = b[4:]
	i := bytes.IndexByte(b, 0) // the executable's path
	if i < 0 {
		return nil
	}
	b = bytes.TrimLeft(b[i:], "\x00")
	for ; argc > 0; argc-- {
		if i = bytes.IndexByte(b, 0); i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	return b
}

// startTime and nowTicks are 0: only the Linux extras use start times.
func startTime(pid int) uint64 { return 0 }
func nowTicks() uint64         { return 0 }
