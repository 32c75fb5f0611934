package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"classnotes/runner/cache"
	"classnotes/runner/files"
	"classnotes/runner/internal/lessontest"
)

// These tests are the findings of hostile use (issue 10): each checks the lesson's bytes and what the runner
// said.

// TestUnknownFlag: a flag the verb does not know, or an argument to a verb that takes none, is reported with the
// verb's usage, exit 2, and nothing is done.
func TestUnknownFlag(t *testing.T) {
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	keep := filepath.Join(cacheDir, "out", "keep")
	writeFile(t, keep, "x")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"render", "--bogus"}, []string{"runner render: unknown flag: --bogus", "Usage: runner render"}},
		{[]string{"check", "-z"}, []string{"runner check: unknown shorthand flag: 'z' in -z", "Usage: runner check"}},
		{[]string{"run", "--timeout", "soon", "l.md", "1"}, []string{"invalid argument \"soon\" for \"--timeout\"", "Usage: runner run"}},
		{[]string{"clean", "--cache", cacheDir, "extra"}, []string{`runner clean: takes no arguments, got ["extra"]`, "Usage: runner clean"}},
		{[]string{"version", "now"}, []string{`runner version: takes no arguments`}},
		{[]string{"check", "--timeout=-1s"}, []string{"runner: check: --timeout must be positive"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := runner(t, context.Background(), dir, tt.args...)
		if code != exitBadInput || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want %d and nothing", tt.args, code, stdout, exitBadInput)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr:\n%s\nwant it to contain %q", tt.args, stderr, w)
			}
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("clean with an extra argument emptied the cache: %v", err)
	}
}

// TestNotMainPackage: a cell in another package than main records why it cannot run, like a compile error, and
// the cells after it run.
func TestNotMainPackage(t *testing.T) {
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	src := cell(1, "", "package lib\n\nfunc F() {}") + cell(2, "", mainWith("fmt", `	fmt.Println("two")`))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	for range 2 { // the second time from the cache
		code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "--cache", cacheDir, "l.md")
		if code != exitFailed || !strings.Contains(stderr, "compile error") {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		got := outputs(t, readFile(t, path))
		if want := "main.go:1:9: not a main package: package lib; a cell's program is a command, in package main\n"; got[1] != want {
			t.Errorf("Out [1] = %q, want %q", got[1], want)
		}
		if got[2] != "two\n" {
			t.Errorf("Out [2] = %q", got[2])
		}
	}
	bins, _ := filepath.Glob(filepath.Join(cacheDir, "bin", "*"))
	if len(bins) == 0 {
		t.Fatalf("no program cached in %s", cacheDir)
	}
	for _, b := range bins {
		if data, err := os.ReadFile(b); err == nil && strings.HasPrefix(string(data), "!<arch>") {
			t.Errorf("an archive was cached as a program: %s", b)
		}
	}
}

// TestNotRegularLessons: a named pipe or a device called *.md is refused at once, as is a lesson past the size
// limit; the other lessons of the directory are rendered.
func TestNotRegularLessons(t *testing.T) {
	dir := t.TempDir()
	lessons := filepath.Join(dir, "lessons")
	good := filepath.Join(lessons, "a.md")
	writeFile(t, good, cell(1, "", mainWith("fmt", `	fmt.Println("fine")`)))
	if err := mkfifo(filepath.Join(lessons, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(lessons, "zero.md")); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(lessons, "big.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(files.MaxSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	if err := big.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code, _, stderr := runner(t, ctx, dir, "render", "--no-html", "lessons")
	if ctx.Err() != nil {
		t.Fatal("the runner hung on a lesson that is not a regular file")
	}
	for _, want := range []string{
		"lessons/pipe.md: not a regular file (a named pipe); not read",
		"lessons/zero.md: not a regular file (a character device); not read",
		"lessons/big.md: 67108865 bytes, larger than the 64 MiB the runner reads (a lesson or a notebook); not read",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr:\n%s\nwant it to contain %q", stderr, want)
		}
	}
	if code != exitBadInput {
		t.Errorf("exit %d, want %d", code, exitBadInput)
	}
	if outputs(t, readFile(t, good))[1] != "fine\n" {
		t.Errorf("the regular lesson beside them was not rendered:\n%s", readFile(t, good))
	}
}

// TestSameLessonTwice: a lesson named twice (as itself, through its directory, through a link) is rendered once,
// without a false "changed on disk".
func TestSameLessonTwice(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lessons", "l.md")
	writeFile(t, path, cell(1, "", mainWith("fmt", `	fmt.Println("once")`)))
	if err := os.Symlink("l.md", filepath.Join(dir, "lessons", "link.md")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "lessons/l.md", "./lessons/l.md", "lessons")
	if code != exitOK || !strings.Contains(stderr, "render: 1 lesson, 1 cell: 1 run") || strings.Contains(stderr, "changed on disk") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if outputs(t, readFile(t, path))[1] != "once\n" {
		t.Errorf("lesson:\n%s", readFile(t, path))
	}
}

// TestSrcAbsolute: an absolute src= path is refused with a reason, even when the file exists.
func TestSrcAbsolute(t *testing.T) {
	dir := t.TempDir()
	snippet := filepath.Join(dir, "main.go")
	writeFile(t, snippet, mainWith("fmt", `	fmt.Println("x")`))
	src := "In [1]:\n\n```go src=" + snippet + "\n```\n"
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	code, _, stderr := runner(t, context.Background(), dir, "render", "l.md")
	want := "l.md:3:7: In [1]: src=" + snippet + ": an absolute path; write it relative to the lesson's directory"
	if code != exitBadInput || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant %q", code, stderr, want)
	}
	if readFile(t, path) != src {
		t.Errorf("lesson written")
	}
}

// TestNoCells: lessons without a single cell are said to be so; check, which then checked nothing, fails.
func TestNoCells(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "a.md"), "# A\n\nIn [1]: is prose here.\n")
	writeFile(t, filepath.Join(dir, "lessons", "b.md"), "# B\n")
	const want = `no cells in 2 lessons: a cell is a line "In [N]:" followed by a ` + "```go block"
	for _, verb := range [][]string{{"check"}, {"check", "--stale"}, {"render", "--no-html"}} {
		code, _, stderr := runner(t, context.Background(), dir, append(verb, "lessons")...)
		wantCode := exitBadInput
		if verb[0] == "render" {
			wantCode = exitOK // a lesson without cells is still a page
		}
		if code != wantCode || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr:\n%s", verb, code, stderr)
		}
	}
}

// TestInterruptedAfterWrite: Ctrl-C after the lesson was written, while its HTML page is made, says so: the
// lesson is written, the page is not.
func TestInterruptedAfterWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.md")
	writeFile(t, path, cell(1, "", mainWith("fmt", `	fmt.Println("done")`)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	afterWriteBack = cancel
	defer func() { afterWriteBack = nil }()
	code, _, stderr := runner(t, ctx, dir, "render", "--html", "site", "k.md")
	if code != exitSignal || !strings.Contains(stderr, "runner: interrupted; k.md written, its HTML page and the site index not\n") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if outputs(t, readFile(t, path))[1] != "done\n" {
		t.Errorf("the lesson was not written, though the runner said so")
	}
	if _, err := os.Stat(filepath.Join(dir, "site", "k.html")); err == nil {
		t.Errorf("the page was written after the interrupt")
	}
}

// TestUnterminatedEscape: a program that prints the start of an OSC sequence and never ends it keeps the rest
// of its output, panic trace included.
func TestUnterminatedEscape(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, cell(1, "", mainWith("fmt", `	fmt.Print("a\x1b]0;title never ends\n")
	fmt.Println("more text")
	fmt.Print("\x1b]8;;")
	panic("boom")`)))
	code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "l.md")
	out := outputs(t, readFile(t, path))[1]
	for _, want := range []string{"a0;title never ends\nmore text\n", "panic: boom", "goroutine 1", "exit status 2\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("Out [1] = %q, want it to contain %q (exit %d, stderr %s)", out, want, code, stderr)
		}
	}
}

// TestCheckJSONFullDisk: a report that cannot be written (here: a file size limit of 0, as on a full disk)
// leaves no file behind, and an old report stays as it was.
func TestCheckJSONFullDisk(t *testing.T) {
	dir := t.TempDir()
	bin := buildRunner(t, dir)
	cacheDir := filepath.Join(dir, "cache")
	writeFile(t, filepath.Join(dir, "l.md"), cell(1, "", mainWith("fmt", `	fmt.Println("x")`)))
	// The first render, without a limit, builds the program into the cache: check only runs it.
	if out, err := exec.Command(bin, "render", "--no-html", "--cache", cacheDir, filepath.Join(dir, "l.md")).CombinedOutput(); err != nil {
		t.Fatalf("render: %v\n%s", err, out)
	}
	for _, old := range []string{"", "old report\n"} {
		report := filepath.Join(dir, "report.json")
		os.Remove(report)
		if old != "" {
			writeFile(t, report, old)
		}
		cmd := exec.Command("sh", "-c", `ulimit -f 0 && exec "$0" check --cache "$1" --json report.json l.md`, bin, cacheDir)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != exitBadInput || !strings.Contains(string(out), "runner: check: write ") {
			t.Errorf("exit %d (%v), output:\n%s", code, err, out)
		}
		got, err := os.ReadFile(report)
		switch {
		case old == "" && err == nil:
			t.Errorf("a report was left behind: %q", got)
		case old != "" && string(got) != old:
			t.Errorf("the old report became %q (%v)", got, err)
		}
		if tmps, _ := filepath.Glob(filepath.Join(dir, ".report.json.*")); len(tmps) > 0 {
			t.Errorf("temporary files left: %v", tmps)
		}
	}
}

// TestCleanDuringRender: clean refuses while another runner has the cache open, rather than pulling a binary away
// from a render about to start it; once that runner is done, clean empties the cache.
func TestCleanDuringRender(t *testing.T) {
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	writeFile(t, filepath.Join(dir, "l.md"), cell(1, "", mainWith("fmt", `	fmt.Println("x")`)))
	if code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "--cache", cacheDir, "l.md"); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	held, err := cache.Open(cacheDir) // as a render in another process holds it
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runner(t, context.Background(), dir, "clean", "--cache", cacheDir)
	if code != exitBadInput || !strings.Contains(stderr, "runner: clean: "+cacheDir+": in use by another runner") {
		t.Errorf("clean while in use: exit %d, stderr %s", code, stderr)
	}
	if bins, _ := filepath.Glob(filepath.Join(cacheDir, "bin", "*")); len(bins) == 0 {
		t.Errorf("the cache was emptied while in use")
	}
	if err := held.Close(); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runner(t, context.Background(), dir, "clean", "--cache", cacheDir); code != exitOK || !strings.Contains(stdout, "emptied") {
		t.Errorf("clean after: exit %d, %s%s", code, stdout, stderr)
	}
	if bins, _ := filepath.Glob(filepath.Join(cacheDir, "bin", "*")); len(bins) != 0 {
		t.Errorf("not emptied: %v", bins)
	}
}

// TestStaleAfterTimeoutOrGoLine: timeout= and go.mod's go line are part of what an output was made from:
// changing either makes check --stale fail, naming the cell. go.sum is not: it pins the versions that go.mod
// names, and a line for a module no cell imports changes nothing a cell prints.
func TestStaleAfterTimeoutOrGoLine(t *testing.T) {
	root := module(t)
	writeFile(t, filepath.Join(root, "go.sum"), "")
	path := filepath.Join(root, "lessons", "l.md")
	writeFile(t, path, cell(1, "timeout=5s", mainWith("fmt", `	fmt.Println("x")`)))
	if code, _, stderr := runner(t, context.Background(), root, "render", "--no-html", "lessons"); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	rendered := readFile(t, path)
	stale := func(what string, want bool) {
		t.Helper()
		code, stdout, _ := runner(t, context.Background(), root, "check", "--stale", "lessons")
		if got := code == exitFailed && strings.Contains(stdout, "lessons/l.md:15: In [1]: the recorded output is stale"); got != want {
			t.Errorf("after changing %s: exit %d, stdout:\n%s", what, code, stdout)
		}
	}
	stale("nothing", false)
	writeFile(t, path, strings.Replace(rendered, "timeout=5s", "timeout=6s", 1))
	stale("timeout=", true)
	writeFile(t, path, rendered)
	writeFile(t, filepath.Join(root, "go.sum"), "example.com/x v1.0.0 h1:abc=\n")
	stale("go.sum", false)
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.25\n")
	stale("the go line", true)
}

// TestIdenticalClients: two identical client cells after one server print different things; each keeps its
// own cache entry, so a render from the cache still shows each its own output.
func TestIdenticalClients(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	client := fmt.Sprintf(lessontest.ReadAllClient, port)
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.CountingServer, port)) +
		cell(2, "", client) + cell(3, "", client)
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	page := filepath.Join(dir, "site", "l.html")
	for i, want := range []string{"3 run, 0 unchanged", "0 run, 3 unchanged"} {
		code, _, stderr := runner(t, context.Background(), dir, "render", "l.md")
		if code != exitOK || !strings.Contains(stderr, want) {
			t.Fatalf("render %d: exit %d, stderr:\n%s", i+1, code, stderr)
		}
		outs := outputs(t, readFile(t, path))
		if outs[2] != "you are client 1\n" || outs[3] != "you are client 2\n" {
			t.Errorf("render %d: Out [2] %q, Out [3] %q", i+1, outs[2], outs[3])
		}
		html := readFile(t, page)
		if !strings.Contains(html, "you are client 1") || !strings.Contains(html, "you are client 2") {
			t.Errorf("render %d: the page does not show both clients' outputs", i+1)
		}
	}
	portFree(t, port)
}

// TestRenderRefusesToReplace: a read-only lesson, or one with other hard links, is not written, as an editor
// would refuse; the runner says why and exits 2, and the file keeps its bytes, mode and links.
func TestRenderRefusesToReplace(t *testing.T) {
	src := cell(1, "", mainWith("fmt", `	fmt.Println("x")`))
	t.Run("read-only", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "lesson.md")
		writeFile(t, path, src)
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "lesson.md")
		if code != exitBadInput || !strings.Contains(stderr, "lesson.md: read-only file; not written\n") ||
			!strings.Contains(stderr, "0 written, 0 unchanged, 1 not written") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
		if readFile(t, path) != src || stat(t, path).Mode().Perm() != 0o444 {
			t.Errorf("the read-only lesson was changed")
		}
	})
	t.Run("hard links", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "lesson.md")
		writeFile(t, path, src)
		if err := os.Link(path, filepath.Join(dir, "other-name.md")); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "lesson.md")
		if code != exitBadInput || !strings.Contains(stderr, "lesson.md: the file has other hard links, which replacing it would break; not written\n") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
		if readFile(t, path) != src || links(stat(t, path)) != 2 {
			t.Errorf("the hard-linked lesson was changed or lost its link")
		}
	})
}

// TestRenderSeeminglyUnclosed: an author's unclosed fence that a later fence closes would make a region the
// runner replaces swallow prose and cells; render refuses, says where, and writes nothing.
func TestRenderSeeminglyUnclosed(t *testing.T) {
	root := module(t)
	writeFile(t, filepath.Join(root, "snip", "main.go"), mainWith("fmt", `	fmt.Println("snippet")`))
	hello := mainWith("fmt", `	fmt.Println("two")`)
	tests := []struct{ name, lesson, want string }{
		{"src= fence without its closing line",
			"In [1]:\n\n```go src=snip/main.go\n\n## Part 2\n\nProse.\n\n" + cell(2, "", hello),
			"l.md:3:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 9"},
		{"Out block without its closing line",
			cell(1, "", hello) + "Out [1]:\n\n```text\nold\n\n## Part 2\n\nProse.\n\n" + cell(2, "", hello),
			"l.md:17:1: Out [1]: this fence seems unclosed: its body runs into In [2]: at line 24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(root, "l.md")
			writeFile(t, path, tt.lesson)
			code, _, stderr := runner(t, context.Background(), root, "render", "--no-html", "l.md")
			if code != exitBadInput || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant %q", code, stderr, tt.want)
			}
			if readFile(t, path) != tt.lesson {
				t.Errorf("the lesson was written")
			}
		})
	}
}

// TestRenderBOM: a lesson that starts with a UTF-8 byte-order mark (before front matter here) has its cells
// found and rendered, and keeps the mark.
func TestRenderBOM(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.md")
	src := "\uFEFF---\ntitle: BOM\n---\n" + cell(1, "", mainWith("fmt", `	fmt.Println("found")`))
	writeFile(t, path, src)
	code, stdout, _ := runner(t, context.Background(), dir, "check", "--stale", "l.md")
	if code != exitFailed || !strings.Contains(stdout, "1 cell: 1 stale") {
		t.Errorf("check --stale: exit %d, %s", code, stdout)
	}
	if code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "l.md"); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	got := readFile(t, path)
	if !strings.HasPrefix(got, src) || outputs(t, got)[1] != "found\n" {
		t.Errorf("lesson after render:\n%q", got)
	}
}

// TestTimeoutTiny: the shortest timeout is recorded as the cell's timeout, like any other.
func TestTimeoutTiny(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, cell(1, "timeout=1ns", mainWith("fmt", `	fmt.Println("hi")`))+cell(2, "", mainWith("fmt", `	fmt.Println("next")`)))
	code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html", "l.md")
	outs := outputs(t, readFile(t, path))
	// The program may print before the kill reaches it; how it ended is recorded either way.
	if code != exitFailed || !strings.HasSuffix(outs[1], "timed out after 1ns\n") || outs[2] != "next\n" {
		t.Errorf("exit %d, outputs %v; stderr:\n%s", code, outs, stderr)
	}
}
