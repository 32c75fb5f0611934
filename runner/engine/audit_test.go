package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"classnotes/runner/files"
	"classnotes/runner/internal/lessontest"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// printProgram is a cell's program that prints %q and a newline.
const printProgram = `package main

import "fmt"

func main() { fmt.Println(%q) }`

// runnerDirs returns the build-*, cell-* and starter-* directories in the runner's own temporary directory.
func runnerDirs(t *testing.T) []string {
	t.Helper()
	probe, err := run.TempDir("audit-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(probe); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(probe))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && (strings.HasPrefix(e.Name(), "build-") || strings.HasPrefix(e.Name(), "cell-") || strings.HasPrefix(e.Name(), "starter-")) {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

// TestCheckLeavesNoTempDirs: once Check has returned, the directory the cells were built in and the
// directories the inline cells ran in, a server's among them, are gone from the runner's temporary directory.
func TestCheckLeavesNoTempDirs(t *testing.T) {
	port := freePort(t)
	e, l := load(t, cell(1, "", fmt.Sprintf(printProgram, "first"))+
		cell(2, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.NumberingServer, port))+
		cell(3, "", fmt.Sprintf(lessontest.ReadAllClient, port)))
	before := runnerDirs(t)
	var seen []string // the directories there while the cells ran: the test looks where they are made
	results, err := e.Check(context.Background(), l, func(ev Event) {
		if ev.Kind == CellDone && ev.Result.Cell().Number == 3 {
			seen = runnerDirs(t)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Failed() {
			t.Fatalf("In [%d]: %s", r.Cell().Number, r.Outcome())
		}
	}
	var during []string
	for _, d := range seen {
		if !slices.Contains(before, d) {
			during = append(during, d)
		}
	}
	if !slices.ContainsFunc(during, func(d string) bool { return strings.HasPrefix(d, "build-") }) ||
		!slices.ContainsFunc(during, func(d string) bool { return strings.HasPrefix(d, "cell-") }) {
		t.Fatalf("while the cells ran, the runner's temporary directory had %v new: no build-* and cell-* to watch", during)
	}
	var left []string
	for _, d := range runnerDirs(t) {
		if !slices.Contains(before, d) {
			left = append(left, d)
		}
	}
	if len(left) > 0 {
		t.Errorf("after Check, the runner's temporary directory still has %v", left)
	}
}

// TestCancelledServerInterrupted: a server stopped because the context was cancelled is interrupted, as at the
// end of a lesson, and records so: held by RunAlone, or running beside a later cell of Check.
func TestCancelledServerInterrupted(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(context.Context, *Engine, *Lesson, Observer) (*Result, error)
	}{
		{"RunAlone", func(ctx context.Context, e *Engine, l *Lesson, obs Observer) (*Result, error) {
			return e.RunAlone(ctx, l, l.Cell(1), obs)
		}},
		{"Check", func(ctx context.Context, e *Engine, l *Lesson, obs Observer) (*Result, error) {
			results, err := e.Check(ctx, l, obs)
			return results[0], err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := freePort(t)
			e, l := load(t, cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.NumberingServer, port))+
				cell(2, "", "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cancelOn := func(ev Event) {
				// RunAlone runs only the server; Check cancels once the sleeper has started.
				if ev.Kind == ServerReady && tc.name == "RunAlone" || ev.Kind == CellStarted && ev.Result.Cell().Number == 2 {
					cancel()
				}
			}
			r, err := tc.run(ctx, e, l, cancelOn)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if r.Run == nil {
				t.Fatalf("the server has no run recorded: %s, text %q", r.NotReady, r.Text)
			}
			if r.Run.Status != "signal: interrupt" || !r.Run.Stopped || !strings.HasSuffix(r.Text, "signal: interrupt\n") ||
				r.Outcome() != "stopped (signal: interrupt)" {
				t.Errorf("status %q, stopped %v, outcome %q, text %q; want stopped by signal: interrupt",
					r.Run.Status, r.Run.Stopped, r.Outcome(), r.Text)
			}
			lessontest.PortFree(t, port)
		})
	}
}

// TestServerNotReadyBlocksLaterCells: when a server does not get ready (it never is, or it exits first), the
// cells after it are not run, and say why.
func TestServerNotReadyBlocksLaterCells(t *testing.T) {
	for _, tc := range []struct {
		name, program, notReady string
	}{
		{"never ready", "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }", "not ready after 1s"},
		{"exits first", "package main\n\nfunc main() {}", "exited before it was ready"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, l := load(t, cell(1, "background ready=out:^ready$ timeout=1s", tc.program)+
				cell(2, "", fmt.Sprintf(printProgram, "after")))
			rec := newRecorder()
			results, err := e.Check(context.Background(), l, rec.observe)
			if err != nil {
				t.Fatal(err)
			}
			if got := results[0].NotReady; got != tc.notReady {
				t.Errorf("In [1]: not ready %q, want %q", got, tc.notReady)
			}
			r := results[1]
			if r.NotRun != "In [1] did not get ready" || r.Run != nil || r.Text != "" || r.Ran() || !r.Failed() {
				t.Errorf("In [2]: not run %q, run %+v, text %q, ran %v, failed %v; want not run because In [1] did not get ready",
					r.NotRun, r.Run, r.Text, r.Ran(), r.Failed())
			}
			if slices.Contains(rec.events, "In [2] started") || !slices.Contains(rec.events, "In [2] done") {
				t.Errorf("events %v: want In [2] done without started", rec.events)
			}
		})
	}
}

// TestWriteBackKeepsSupportServerOut: when RunCells runs a client, the server started for it (Support) runs
// and prints, but WriteBack records only the client's output: the server's Out [N] stays byte for byte.
func TestWriteBackKeepsSupportServerOut(t *testing.T) {
	port := freePort(t)
	serverOut := "Out [1]:\n\n```text fp=0123456789ab\nrecorded by hand\n```\n\n"
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.NumberingServer, port)) + serverOut +
		cell(2, "", fmt.Sprintf(lessontest.ReadAllClient, port))
	e, l := load(t, src)
	results, err := e.RunCells(context.Background(), l, []*plan.Program{l.Cell(2)}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want the server's and the client's", len(results))
	}
	if r := results[0]; !r.Support || r.Run == nil || !strings.HasPrefix(r.Text, "listening\n") {
		t.Fatalf("In [1]: support %v, %s, text %q; want the server run as support", r.Support, r.Outcome(), r.Text)
	}
	if r := results[1]; r.Text != "you are client 1\n" {
		t.Fatalf("In [2]: %s, text %q", r.Outcome(), r.Text)
	}
	now, written, err := e.WriteBack(l, results)
	if err != nil || !written {
		t.Fatalf("WriteBack: written %v, %v", written, err)
	}
	out := now.Source().Source
	want := strings.TrimSuffix(src, "\n\n") + "\n\nOut [2]:\n\n```text fp=" + plan.Short(l.Cell(2).Fingerprint) +
		"\nyou are client 1\n```\n\n"
	if string(out) != want {
		t.Errorf("WriteBack wrote:\n%s\nwant the server's Out [1] as it was and the client's output:\n%s", out, want)
	}
	disk, err := os.ReadFile(l.Plan.File)
	if err != nil {
		t.Fatal(err)
	}
	if string(disk) != string(out) {
		t.Errorf("the file on disk is not what WriteBack returned:\n%s", disk)
	}
}

// TestWriteBackRefusesChangedFile: when the lesson changed on disk while its cells ran, WriteBack writes
// nothing, keeps the edit and says so with files.ErrChanged, whether the editor wrote the file in place, saved
// it by rename, or made an edit of the same size and left the modification time as it was.
func TestWriteBackRefusesChangedFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, path string, src []byte) []byte
	}{
		{"in place", func(t *testing.T, path string, src []byte) []byte {
			b := append([]byte("An edit.\n\n"), src...)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"by rename", func(t *testing.T, path string, src []byte) []byte {
			b := append([]byte("An edit.\n\n"), src...)
			lessontest.Write(t, path+".swp", string(b))
			if err := os.Rename(path+".swp", path); err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{"same size and time", func(t *testing.T, path string, src []byte) []byte {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			b := []byte(strings.Replace(string(src), "before", "BEFORE", 1))
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, info.ModTime(), info.ModTime()); err != nil {
				t.Fatal(err)
			}
			return b
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "# before\n\n" + cell(1, "", fmt.Sprintf(printProgram, "fresh"))
			e, l := load(t, src)
			results, err := e.Render(context.Background(), l, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !results[0].Ran() || results[0].Text != "fresh\n" {
				t.Fatalf("In [1]: %s, text %q", results[0].Outcome(), results[0].Text)
			}
			edited := tc.edit(t, l.Plan.File, []byte(src))
			now, written, err := e.WriteBack(l, results)
			if !errors.Is(err, files.ErrChanged) || written || now != nil {
				t.Errorf("WriteBack: written %v, lesson %v, error %v; want files.ErrChanged", written, now != nil, err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "l.md: ") {
				t.Errorf("the error does not name the lesson: %v", err)
			}
			disk, err := os.ReadFile(l.Plan.File)
			if err != nil {
				t.Fatal(err)
			}
			if string(disk) != string(edited) {
				t.Errorf("the edit on disk was not kept; the file is:\n%s", disk)
			}
		})
	}
}

// TestRevertedCodeRunsAgain: a cell rendered with code A, then B, then A again runs again, and its output is
// A's once more: the run of A kept in the cache is not taken for the B output the lesson now records.
func TestRevertedCodeRunsAgain(t *testing.T) {
	codeA, codeB := fmt.Sprintf(printProgram, "A"), fmt.Sprintf(printProgram, "B")
	e, l := load(t, cell(1, "", codeA))
	path := l.Plan.File
	render := func(wantText string) {
		t.Helper()
		var err error
		if l, err = e.Load("l.md", path); err != nil {
			t.Fatal(err)
		}
		rec := newRecorder()
		results, err := e.Render(context.Background(), l, false, rec.observe)
		if err != nil {
			t.Fatal(err)
		}
		if r := results[0]; !r.Ran() || r.Text != wantText || strings.Join(rec.events, ",") != "In [1] started,In [1] done" {
			t.Fatalf("In [1]: %s, ran %v, text %q, events %v; want a run that prints %q", r.Outcome(), r.Ran(), r.Text, rec.events, wantText)
		}
		if _, written, err := e.WriteBack(l, results); err != nil || !written {
			t.Fatalf("WriteBack: written %v, %v", written, err)
		}
		if l, err = e.Load("l.md", path); err != nil {
			t.Fatal(err)
		}
		o := l.Source().Cells[0].Out
		if o == nil || o.Recorded(l.Source().Source) != wantText || o.Fingerprint != plan.Short(l.Cell(1).Fingerprint) {
			t.Fatalf("the lesson records %+v, want %q made by the cell's code:\n%s", o, wantText, l.Source().Source)
		}
	}
	swap := func(from, to string) {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), from) {
			t.Fatalf("the lesson has no %q:\n%s", from, b)
		}
		lessontest.Write(t, path, strings.Replace(string(b), from, to, 1))
	}
	render("A\n")
	swap(codeA, codeB)
	render("B\n")
	swap(codeB, codeA) // the code only: the lesson still records B's output
	render("A\n")
}
