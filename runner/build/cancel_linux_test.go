//go:build linux && !classnotes_portable

// The build leaves nothing, not even a zombie: what the runner as a subreaper guarantees (the Linux extras).

package build

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"classnotes/runner/plan"
)

// proc is what /proc says of a process.
type proc struct {
	pid, ppid, pgid int
	comm            string
	zombie          bool
}

func readProc(pid int) (*proc, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return nil, false
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 3 {
		return nil, false
	}
	p := &proc{pid: pid, comm: s[open+1 : end], zombie: f[0] == "Z"}
	p.ppid, _ = strconv.Atoi(f[1])
	p.pgid, _ = strconv.Atoi(f[2])
	return p, true
}

// allProcs lists the processes /proc shows.
func allProcs(t *testing.T) []*proc {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var ps []*proc
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if p, ok := readProc(pid); ok {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// slowProgram returns the source of a program that takes the compiler seconds, different at every call so that
// no cache has it.
func slowProgram() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "package main\n\nimport \"fmt\"\n\nconst stamp = %q\n\n", rand.Text())
	const n = 12000
	for i := range n {
		fmt.Fprintf(&b, "func f%d(x int) int {\n\tfor j := 0; j < x; j++ {\n\t\tx += j*%d + x/(j+1)\n\t\tif x%%7 == %d {\n\t\t\tx -= %d\n\t\t}\n\t}\n\treturn x\n}\n\n", i, i, i%7, i)
	}
	b.WriteString("func main() {\n\ts := 0\n")
	for i := range n {
		fmt.Fprintf(&b, "\ts += f%d(s)\n", i)
	}
	b.WriteString("\tfmt.Println(stamp, s)\n}\n")
	return []byte(b.String())
}

// compiling waits until a go command that the test process started has a compile child, and returns that go
// command and its children then. It fails the test when none shows up within hangLimit.
func compiling(t *testing.T, built <-chan error) (goCmd *proc, children []*proc) {
	t.Helper()
	self := os.Getpid()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-built:
			t.Fatalf("the build ended before the compiler was seen: %v", err)
		default:
		}
		ps := allProcs(t)
		byPid := map[int]*proc{}
		for _, p := range ps {
			byPid[p.pid] = p
		}
		for _, p := range ps {
			if parent := byPid[p.ppid]; p.comm == "compile" && parent != nil && parent.ppid == self {
				for _, c := range ps {
					if c.ppid == parent.pid {
						children = append(children, c)
					}
				}
				return parent, children
			}
		}
	}
	t.Fatal("no compiler started within a minute")
	return nil, nil
}

// gotmpdir returns the GOTMPDIR in the environment of process pid, "" when it has none.
func gotmpdir(t *testing.T, pid int) string {
	t.Helper()
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	dir := ""
	for _, kv := range strings.Split(string(env), "\x00") {
		if v, ok := strings.CutPrefix(kv, "GOTMPDIR="); ok {
			dir = v
		}
	}
	return dir
}

// TestCancelledBuildLeavesNothing cancels a build while the compiler runs (Stop pressed, or Ctrl-C, during a
// build): when Build returns, no process of the go command's is left, running or as a zombie of the runner,
// and no go-build directory is left in the GOTMPDIR the go command was given, which is in the runner's own
// temporary directory. The go command ends on the interrupt and removes its work directory itself; a go
// command whose compiler ignores interrupts (here through a wrapper that ignores SIGINT before exec) is
// killed after the grace period, and its work directory is removed for it.
func TestCancelledBuildLeavesNothing(t *testing.T) {
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	deaf := filepath.Join(t.TempDir(), "go")
	write(t, deaf, "#!/bin/sh\ntrap '' INT\nexec '"+real+"' \"$@\"\n")
	if err := os.Chmod(deaf, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, goCmd string }{{"interrupted", ""}, {"killed after the grace", deaf}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			prog := &plan.Program{Inline: slowProgram(), BuildKey: "slow"}
			b := &Builder{Dir: t.TempDir(), Go: tt.goCmd}
			built := make(chan error, 1)
			go func() {
				_, err := b.Build(ctx, []*plan.Program{prog})
				built <- err
			}()
			goCmd, children := compiling(t, built)
			tmp := gotmpdir(t, goCmd.pid)
			cancel()
			select {
			case err = <-built:
			case <-time.After(time.Minute):
				t.Fatal("Build did not return a minute after its context was cancelled")
			}
			if err == nil {
				t.Errorf("a cancelled build returned no error")
			}
			left := map[int]*proc{}
			for _, c := range children {
				if p, ok := readProc(c.pid); ok {
					left[c.pid] = p
				}
			}
			for _, p := range allProcs(t) {
				if p.pgid == goCmd.pid && p.pid != goCmd.pid || p.pid == goCmd.pid && p.ppid == os.Getpid() {
					left[p.pid] = p
				}
			}
			for _, p := range left {
				t.Errorf("left after the build: process %d (%s), zombie %v, parent %d (the test is %d)", p.pid, p.comm, p.zombie, p.ppid, os.Getpid())
				if !p.zombie {
					syscall.Kill(p.pid, syscall.SIGKILL)
				}
				if p.ppid == os.Getpid() {
					syscall.Wait4(p.pid, nil, 0, nil)
				}
			}
			if tmp == "" {
				t.Fatalf("the go command ran without a GOTMPDIR of the runner's")
			}
			if !strings.HasPrefix(filepath.Base(filepath.Dir(tmp)), "classnotes-") {
				t.Errorf("GOTMPDIR %s is not in the runner's own temporary directory", tmp)
			}
			if work, _ := filepath.Glob(filepath.Join(tmp, "go-build*")); len(work) > 0 {
				t.Errorf("left after the build: %v", work)
			}
			if _, err := os.Stat(tmp); !os.IsNotExist(err) {
				t.Errorf("GOTMPDIR %s is still there: %v", tmp, err)
			}
		})
	}
}

// TestCancelledBuildKillsDeafGo: a go command that ignores the interrupt and never ends by itself is killed
// after the grace period, and Build returns.
func TestCancelledBuildKillsDeafGo(t *testing.T) {
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	deaf := filepath.Join(t.TempDir(), "go")
	write(t, deaf, "#!/bin/sh\nif [ \"$1\" = build ]; then trap '' INT; exec sleep 600; fi\nexec '"+real+"' \"$@\"\n")
	if err := os.Chmod(deaf, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prog := &plan.Program{Inline: []byte("package main\n\nfunc main() {}\n"), BuildKey: "deaf"}
	built := make(chan error, 1)
	go func() {
		_, err := (&Builder{Dir: t.TempDir(), Go: deaf}).Build(ctx, []*plan.Program{prog})
		built <- err
	}()
	var sleeper *proc
	for deadline := time.Now().Add(time.Minute); sleeper == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the go command did not start within a minute")
		}
		for _, p := range allProcs(t) {
			if p.comm == "sleep" && p.ppid == os.Getpid() {
				sleeper = p
			}
		}
	}
	cancel()
	select {
	case <-built:
	case <-time.After(time.Minute):
		t.Errorf("Build did not return a minute after its context was cancelled")
	}
	if p, ok := readProc(sleeper.pid); ok {
		t.Errorf("the go command %d is there after Build returned; zombie %v", p.pid, p.zombie)
		syscall.Kill(p.pid, syscall.SIGKILL)
	}
}
