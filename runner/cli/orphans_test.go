package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
)

// waitReaped fails the test unless process pid is gone for good within ten seconds, not even a zombie: the
// runner, here this test process, is the reaper of what its cells leave. It kills a process still there.
func waitReaped(t *testing.T, pid int) {
	t.Helper()
	lessontest.WaitEnded(t, pid, false)
}

// pidIn returns the pid written in file.
func pidIn(t *testing.T, file string) int {
	t.Helper()
	pid, err := strconv.Atoi(readFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// pidAfter returns the pid that follows word in a cell's output.
func pidAfter(t *testing.T, out, word string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + word + ` (\d+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q line in output %q", word, out)
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

// shellCell returns a cell whose program runs script with sh, the script's output going to the cell's.
func shellCell(n int, script string) string {
	return cell(n, "", mainWith("os os/exec", fmt.Sprintf(`	cmd := exec.Command("sh", "-c", %q)
	cmd.Stdout = os.Stdout
	if err := cmd.Run(); err != nil {
		panic(err)
	}`, script)))
}

// TestOrphansEndWithCell: processes that escape a cell's process group (setsid, a double fork, a server's
// daemon) end with the cell, and a second render finds the daemon's port free.
func TestOrphansEndWithCell(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	src := shellCell(1, "setsid sleep 300 & echo escaped $!") +
		shellCell(2, "(setsid sleep 300 & echo double $!) & wait") +
		cell(3, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.DaemonServer, port)) +
		cell(4, "", fmt.Sprintf(lessontest.DaemonClient, port))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	for i := range 2 {
		code, _, stderr := runner(t, context.Background(), dir, "render", "l.md")
		if code != exitOK || strings.Contains(stderr, "already in use") {
			t.Fatalf("render %d: exit %d; stderr:\n%s", i+1, code, stderr)
		}
		outs := outputs(t, readFile(t, path))
		if outs[4] != "hello from the daemon\n" || !strings.HasSuffix(outs[3], "\nsignal: interrupt\n") {
			t.Errorf("render %d: Out [3] = %q, Out [4] = %q", i+1, outs[3], outs[4])
		}
		waitReaped(t, pidAfter(t, outs[1], "escaped"))
		waitReaped(t, pidAfter(t, outs[2], "double"))
		waitReaped(t, pidAfter(t, outs[3], "daemon"))
		portFree(t, port)
	}
}

// buildRunner builds the runner's binary into dir, as go run ./runner names it.
func buildRunner(t *testing.T, dir string) string {
	t.Helper()
	return buildCommand(t, dir, "runner")
}

// signalledRender starts the runner binary on a lesson whose cell writes its pid to cell.pid, starts a process
// that escapes its group and writes that one's pid to escaped.pid, then waits; it sends sig to the runner once
// both files exist. The runner runs with tmp as its TMPDIR. It returns the runner's exit code and stderr, and
// the two pid files.
func signalledRender(t *testing.T, bin, tmp string, sig syscall.Signal) (code int, stderr, cellPid, escapedPid string) {
	t.Helper()
	dir := t.TempDir()
	cellPid, escapedPid = filepath.Join(dir, "cell.pid"), filepath.Join(dir, "escaped.pid")
	src := cell(1, "", mainWith("fmt os os/exec time", fmt.Sprintf(`	if err := exec.Command("sh", "-c", "setsid sleep 300 >/dev/null 2>&1 & printf %%s $! > %[2]s.tmp && mv %[2]s.tmp %[2]s").Run(); err != nil {
		panic(err)
	}
	os.WriteFile(%[1]q+".tmp", []byte(fmt.Sprint(os.Getpid())), 0o644)
	os.Rename(%[1]q+".tmp", %[1]q)
	fmt.Println("started")
	time.Sleep(time.Hour)`, cellPid, escapedPid)))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)

	cmd := exec.Command(bin, "render", "l.md")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !waitFile(ctx, cellPid) || !waitFile(ctx, escapedPid) {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the cell never started; stderr:\n%s", errBuf.String())
	}
	cmd.Process.Signal(sig)
	waited := make(chan struct{})
	go func() { cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-waited
		t.Errorf("the runner did not exit a minute after %v", sig)
	}
	if readFile(t, path) != src {
		t.Errorf("the runner wrote the lesson after %v", sig)
	}
	return cmd.ProcessState.ExitCode(), errBuf.String(), cellPid, escapedPid
}

// sessionDirs returns the runners' own temporary directories in tmp.
func sessionDirs(t *testing.T, tmp string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(tmp, "classnotes-*"))
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestRunnerHangupQuit: SIGHUP (the terminal closed) and SIGQUIT (Ctrl-\) interrupt the runner like Ctrl-C: it
// ends the cell and what escaped from it, writes nothing, removes its temporary directories and exits 130.
func TestRunnerHangupQuit(t *testing.T) {
	bin := buildRunner(t, t.TempDir())
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			code, stderr, cellPid, escapedPid := signalledRender(t, bin, tmp, sig)
			if code != exitSignal || !strings.Contains(stderr, "interrupted; l.md not written") {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitSignal, stderr)
			}
			waitGoneFile(t, cellPid)
			waitReaped(t, pidIn(t, escapedPid))
			if dirs := sessionDirs(t, tmp); len(dirs) != 0 {
				t.Errorf("temporary directories left: %v", dirs)
			}
		})
	}
}

// TestRunnerKilled: a runner killed by SIGKILL takes its cell with it (Pdeathsig); what escaped from the cell
// and the runner's temporary directory are removed when the next runner starts.
func TestRunnerKilled(t *testing.T) {
	bin := buildRunner(t, t.TempDir())
	tmp := t.TempDir()
	code, _, cellPid, escapedPid := signalledRender(t, bin, tmp, syscall.SIGKILL)
	if code != -1 {
		t.Errorf("exit %d, want -1 (killed)", code)
	}
	waitGoneFile(t, cellPid)
	stale := sessionDirs(t, tmp)
	if len(stale) != 1 {
		t.Fatalf("temporary directories of the killed runner: %v, want one", stale)
	}

	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("runner version: %v\n%s", err, out)
	}
	if dirs := sessionDirs(t, tmp); len(dirs) != 0 {
		t.Errorf("the next runner left the stale temporary directories: %v", dirs)
	}
	// A zombie now, of this test process if it is a subreaper: the killed runner's children came to it.
	waitGoneFile(t, escapedPid)
}
