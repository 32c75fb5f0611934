//go:build windows

package run

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// What is ended when a process ends, on Windows (compiled and vetted, never run by these tests).
//
// Every process starts suspended, in a new console process group (CREATE_NEW_PROCESS_GROUP, so that
// CTRL_BREAK_EVENT reaches it and its descendants alone), and is put in a job object of its own, set to kill
// every process in it when its last handle closes (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), before its threads are
// resumed: its descendants are in the job from their start, and nothing it starts can leave it (no
// breakaway is allowed). When it ends, the job is terminated and closed; when the runner dies, however it
// dies, Windows closes its handles, the job's among them, and so kills every process in it. The interrupt is
// CTRL_BREAK_EVENT, which a Go program sees as os.Interrupt; the kill is TerminateJobObject.
//
// Weaker than on Unix: the interrupt reaches only programs attached to the runner's console; the marker is
// set but no process table is read (the job makes it unneeded), so RemoveStale ends no program of a dead runner
// (there is none left: the job killed them) and Remaining cannot tell.

// osGroup is the job object of a process.
type osGroup struct {
	mu  sync.Mutex
	job windows.Handle // 0 once closed
}

func prepare() {}

func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP | windows.CREATE_SUSPENDED}
}

// attach puts the suspended process in a new job object that kills its processes when it closes, and resumes
// the process.
func (s *supervised) attach() error {
	job, err := windows.CreateJobObject(nil, nil) // no security attributes: the handle is not inherited
	if err != nil {
		return os.NewSyscallError("CreateJobObject", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{
		BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE},
	}
	_, err = windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation, uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	if err == nil {
		err = assign(job, s.cmd.Process.Pid)
	}
	if err == nil {
		err = resume(s.cmd.Process.Pid)
	}
	if err != nil {
		windows.CloseHandle(job) // kills the process if it was assigned
		return err
	}
	s.group.job = job
	return nil
}

// assign puts process pid in job.
func assign(job windows.Handle, pid int) error {
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		return os.NewSyscallError("OpenProcess", err)
	}
	defer windows.CloseHandle(h)
	return os.NewSyscallError("AssignProcessToJobObject", windows.AssignProcessToJobObject(job, h))
}

// resume resumes the threads of process pid, which was created suspended: os/exec keeps no handle to its
// first thread, so the threads are found in a snapshot of the system's threads.
func resume(pid int) error {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPTHREAD, 0)
	if err != nil {
		return os.NewSyscallError("CreateToolhelp32Snapshot", err)
	}
	defer windows.CloseHandle(snap)
	te := windows.ThreadEntry32{Size: uint32(unsafe.Sizeof(windows.ThreadEntry32{}))}
	resumed := false
	for err = windows.Thread32First(snap, &te); err == nil; err = windows.Thread32Next(snap, &te) {
		if te.OwnerProcessID != uint32(pid) {
			continue
		}
		t, err := windows.OpenThread(windows.THREAD_SUSPEND_RESUME, false, te.ThreadID)
		if err != nil {
			return os.NewSyscallError("OpenThread", err)
		}
		_, err = windows.ResumeThread(t)
		windows.CloseHandle(t)
		if err != nil {
			return os.NewSyscallError("ResumeThread", err)
		}
		resumed = true
	}
	if !resumed {
		return errors.New("resume: no thread of the new process found")
	}
	return nil
}

// signal interrupts the process's console process group (CTRL_BREAK_EVENT) for SIGINT, and terminates its
// job for any other signal.
func (s *supervised) signal(sig syscall.Signal) error {
	if sig == syscall.SIGINT {
		return os.NewSyscallError("GenerateConsoleCtrlEvent", windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(s.cmd.Process.Pid)))
	}
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	if s.group.job == 0 {
		return os.ErrProcessDone
	}
	return os.NewSyscallError("TerminateJobObject", windows.TerminateJobObject(s.group.job, 1))
}

// endGroup terminates and closes the job of the process, which has ended: every process in it ends.
func (s *supervised) endGroup() {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	if s.group.job != 0 {
		windows.TerminateJobObject(s.group.job, 1)
		windows.CloseHandle(s.group.job)
		s.group.job = 0
	}
}

func startTime(pid int) uint64 { return 0 }
func nowTicks() uint64         { return 0 }
func endMarked([]string)       {}

// Remaining cannot tell which processes are left: it says so. The job objects leave none.
func Remaining() (pids []int, ok bool) { return nil, false }

// Guarantees says, a line each, what the supervisor guarantees here (the README's table, for Windows, which
// these lines were never run on).
func Guarantees() []string {
	return []string{
		"processes: each program and every descendant in a job object of its own, terminated when it ends",
		"runner killed: Windows closes the job objects, which kills every program and descendant (KILL_ON_JOB_CLOSE)",
		"stop: CTRL_BREAK_EVENT to the program's console group, then the job is terminated",
	}
}
