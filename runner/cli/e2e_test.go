package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

// runner runs the CLI in-process in dir and returns its exit code, standard output and standard error.
func runner(t *testing.T, ctx context.Context, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &App{Stdout: &stdout, Stderr: &stderr, Getwd: func() (string, error) { return dir, nil }, Getenv: os.Getenv}
	code := app.Run(ctx, args)
	return code, stdout.String(), stderr.String()
}

// cell returns an inline cell numbered n with the given info attributes and Go program.
var cell = lessontest.Cell

// mainWith returns a program whose main function has body, importing imports.
func mainWith(imports, body string) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	for _, imp := range strings.Fields(imports) {
		fmt.Fprintf(&b, "\t%q\n", imp)
	}
	fmt.Fprintf(&b, ")\n\nfunc main() {\n%s\n}\n", body)
	return b.String()
}

var writeFile = lessontest.Write

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var outBlock = regexp.MustCompile("(?ms)Out \\[(\\d+)\\]:\r?\n\r?\n(`{3,})text(?: fp=[0-9a-f]+)?\r?\n(.*?)(?:^|\n)`{3,}")

// fpWord matches the fingerprint in an output's info string.
var fpWord = regexp.MustCompile(` fp=[0-9a-f]{12}`)

// TestMain keeps the runner's cache for these tests apart from the user's. Go's own build cache, which also
// lives under XDG_CACHE_HOME, stays where it is, so that builds stay warm.
func TestMain(m *testing.M) {
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		panic(err)
	}
	os.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	dir, err := os.MkdirTemp("", "classnotes-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	run.Cleanup() // the runner's temporary directory of this test process
	os.Exit(code)
}

// outputs returns the recorded output text of each cell of the lesson, keyed by cell number.
func outputs(t *testing.T, lesson string) map[int]string {
	t.Helper()
	got := map[int]string{}
	for _, m := range outBlock.FindAllStringSubmatch(lesson, -1) {
		n, _ := strconv.Atoi(m[1])
		text := m[3]
		if text != "" {
			text += "\n"
		}
		got[n] = text
	}
	return got
}

// TestRenderOutcomes renders one lesson whose cells cover the ways a program can end and what it can print.
func TestRenderOutcomes(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("# Outcomes\n\nProse stays.\n\n")
	b.WriteString(cell(1, "", mainWith("fmt", `	fmt.Println("hello")`)))
	b.WriteString(cell(2, "", mainWith("fmt os", `	fmt.Println("to stdout")
	fmt.Fprintln(os.Stderr, "to stderr")
	fmt.Println("stdout again")
	os.Exit(3)`)))
	b.WriteString(cell(3, "", mainWith("", `	panic("boom")`)))
	b.WriteString(cell(4, "", "package main\n\nfunc main() {\n\tx := 1\n\ty()\n}\n"))
	b.WriteString(cell(5, "timeout=1s", mainWith("fmt os/exec time", `	child := exec.Command("sleep", "300")
	if err := child.Start(); err != nil {
		panic(err)
	}
	fmt.Println("child", child.Process.Pid)
	time.Sleep(time.Hour)`)))
	b.WriteString(cell(6, "", mainWith("fmt", `	fmt.Println("\x1b[32mgreen\x1b[0m and \x1b[1;31mred\x1b[0m")`)))
	b.WriteString(cell(7, "", mainWith("fmt", "	fmt.Println(\"a fence: ````` inside\")")))
	b.WriteString(cell(8, "", mainWith("os strings", `	os.Stdout.WriteString(strings.Repeat("x", 2<<20))`)))
	b.WriteString(cell(9, "", mainWith("os", `	os.Stdout.Write([]byte("bad \xff\xfe bytes\n"))`)))
	b.WriteString(cell(10, "", mainWith("", "")))
	b.WriteString("The end.\n")
	lessonPath := filepath.Join(dir, "outcomes.md")
	writeFile(t, lessonPath, b.String())

	code, _, stderr := runner(t, context.Background(), dir, "render", "outcomes.md")
	if code != exitFailed {
		t.Fatalf("render exit code = %d, want %d (cells fail); stderr:\n%s", code, exitFailed, stderr)
	}
	got := readFile(t, lessonPath)
	outs := outputs(t, got)

	exact := map[int]string{
		1:  "hello\n",
		2:  "to stdout\nto stderr\nstdout again\nexit status 3\n",
		4:  "main.go:4:2: declared and not used: x\nmain.go:5:2: undefined: y\n",
		6:  "green and red\n",
		7:  "a fence: ````` inside\n",
		9:  "bad \uFFFD bytes\n",
		10: "",
	}
	for n, want := range exact {
		if outs[n] != want {
			t.Errorf("Out [%d] = %q, want %q", n, outs[n], want)
		}
	}
	if o := outs[3]; !strings.HasPrefix(o, "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n") || !strings.HasSuffix(o, "\nexit status 2\n") {
		t.Errorf("Out [3] (panic) = %q", o)
	}
	if strings.Contains(got, os.TempDir()) || strings.Contains(got, "classnotes-") {
		t.Errorf("lesson mentions a temporary directory:\n%s", got)
	}
	if !regexp.MustCompile("Out \\[7\\]:\n\n``````text fp=[0-9a-f]{12}\n").MatchString(got) {
		t.Errorf("Out [7] does not use a fence longer than the output's backtick run")
	}
	if o := outs[8]; o != strings.Repeat("x", 1<<20)+"\n[output capped: 1048576 more bytes dropped]\n" {
		t.Errorf("Out [8] has %d bytes, ends %q", len(o), o[max(0, len(o)-60):])
	}
	if _, ok := outs[10]; !ok || !regexp.MustCompile("Out \\[10\\]:\n\n```text fp=[0-9a-f]{12}\n```\n").MatchString(got) {
		t.Errorf("empty output not recorded as an empty text block")
	}

	// The cell that timed out: its output so far, the timeout line, and no child left.
	o5 := outs[5]
	m := regexp.MustCompile(`^child (\d+)\ntimed out after 1s\n$`).FindStringSubmatch(o5)
	if m == nil {
		t.Fatalf("Out [5] = %q, want the child's pid and a timeout line", o5)
	}
	pid, _ := strconv.Atoi(m[1])
	waitGone(t, pid)

	// Everything outside the outputs is unchanged: removing the Out blocks gives back the original.
	got = fpWord.ReplaceAllString(got, "")
	if stripped := outBlock.ReplaceAllString(got, ""); stripped != strings.ReplaceAll(b.String(), "```\n\n", "```\n\n\n\n") {
		t.Errorf("bytes outside the outputs changed:\n%s", stripped)
	}

}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// waitGone fails the test unless process pid is gone (or a zombie nobody reaped) within ten seconds.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	lessontest.WaitEnded(t, pid, true)
}

// TestRenderCRLFTwice renders a CRLF lesson with odd bytes around its cells: every byte outside the outputs
// survives, outputs use CRLF, and a second render changes nothing and leaves the file alone.
func TestRenderCRLFTwice(t *testing.T) {
	dir := t.TempDir()
	src := "---\r\ntitle: CRLF\r\n---\r\n# Title  \r\n\r\n\tindented\tprose\r\n<div>html</div>\r\n\r\n" +
		"In [1]:\r\n~~~~go\r\npackage main\r\n\r\nimport \"fmt\"\r\n\r\nfunc main() {\r\n\tfmt.Println(\"one\")\r\n\tfmt.Println(\"two\")\r\n}\r\n~~~~\r\n" +
		"Trailing   \r\n```go\r\n// not a cell\r\n```\r\n" +
		"In [2]:\r\n\r\n```go\r\npackage main\r\n\r\nfunc main() {}\r\n```\r\n\r\nOut [2]:\r\n\r\n```text\r\nstale\r\n```\r\nend without newline"
	path := filepath.Join(dir, "crlf.md")
	writeFile(t, path, src)
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runner(t, context.Background(), dir, "render", "crlf.md")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	want := strings.Replace(src, "}\r\n~~~~\r\n", "}\r\n~~~~\r\n\r\nOut [1]:\r\n\r\n```text\r\none\r\ntwo\r\n```\r\n", 1)
	want = strings.Replace(want, "```text\r\nstale\r\n```", "```text\r\n```", 1)
	got := readFile(t, path)
	if n := len(fpWord.FindAllString(got, -1)); n != 2 {
		t.Errorf("%d outputs have a fingerprint, want 2", n)
	}
	if g := fpWord.ReplaceAllString(got, ""); g != want {
		t.Errorf("rendered lesson (fingerprints taken out):\n%q\nwant:\n%q", g, want)
	}
	if mode := stat(t, path).Mode().Perm(); mode != 0o640 {
		t.Errorf("mode after render = %v, want 0640", mode)
	}

	before := stat(t, path)
	code, _, stderr = runner(t, context.Background(), dir, "render", "crlf.md")
	if code != exitOK || !strings.Contains(stderr, "0 written, 1 unchanged") {
		t.Errorf("second render: exit %d, stderr:\n%s", code, stderr)
	}
	after := stat(t, path)
	if readFile(t, path) != got || !before.ModTime().Equal(after.ModTime()) || !os.SameFile(before, after) {
		t.Errorf("second render rewrote the lesson")
	}
}

// TestRenderLessonEditedDuringRun: a lesson that changes on disk while its cells run is not overwritten.
func TestRenderLessonEditedDuringRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "edited.md")
	body := fmt.Sprintf(`	f, err := os.OpenFile(%q, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	f.WriteString("\nThe teacher's edit.\n")
	f.Close()
	fmt.Println("edited")`, path)
	writeFile(t, path, cell(1, "", mainWith("fmt os", body)))
	edited := cell(1, "", mainWith("fmt os", body)) + "\nThe teacher's edit.\n"

	code, _, stderr := runner(t, context.Background(), dir, "render", "edited.md")
	if code == exitOK || !strings.Contains(stderr, "edited.md: the file changed on disk while its cells ran; not overwritten") {
		t.Errorf("exit %d; stderr:\n%s", code, stderr)
	}
	if got := readFile(t, path); got != edited {
		t.Errorf("lesson on disk = %q, want the teacher's edit kept: %q", got, edited)
	}
}

// TestRenderBadInput: each problem gets a positioned error, exit 2, and the lesson is not written.
func TestRenderBadInput(t *testing.T) {
	hello := mainWith("fmt", `	fmt.Println("hi")`)
	tests := []struct {
		name, lesson, want string
	}{
		{"marker without fence", "In [1]:\n\nJust prose.\n", "bad.md:1:1: In [1]: expected a ```go code block after the marker"},
		{"duplicate", cell(1, "", hello) + cell(1, "", hello), "bad.md:15:1: In [1]: duplicate cell number (also at line 1)"},
		{"stray output", "Out [4]:\n\n```text\nx\n```\n", "bad.md:1:1: Out [4]: there is no cell In [4]"},
		{"unclosed", "In [1]:\n\n```go\npackage main\n", "bad.md:3:1: In [1]: unclosed fence ```"},
		{"unknown attribute", cell(1, "colour=red", hello), "bad.md:3:7: unknown attribute \"colour\""},
		{"bad timeout", cell(1, "timeout=banana", hello), "bad.md:3:7: timeout=banana: want a positive Go duration"},
		{"src missing", cell(1, "src=nowhere/main.go", hello), "bad.md:3:7: In [1]: src=nowhere/main.go: no such file"},
		{"src not go", cell(1, "src=notes.txt", hello), "bad.md:3:7: src=notes.txt: not a .go file"},
		{"src outside", cell(1, "src=../outside/main.go", hello), "bad.md:3:7: In [1]: src=../outside/main.go: resolves to"},
		{"not utf-8", "# Caf\xe9\n", "bad.md:1:6: lesson is not valid UTF-8"},
		{"ready without background", cell(1, "ready=tcp:127.0.0.1:9", hello), "bad.md:3:7: ready= needs background"},
		{"unknown probe", cell(1, "background ready=http:127.0.0.1:9", hello), "bad.md:3:18: ready=http:127.0.0.1:9: unknown probe \"http\""},
		{"malformed address", cell(1, "background ready=tcp:127.0.0.1", hello), "bad.md:3:18: ready=tcp:127.0.0.1: want tcp:HOST:PORT"},
		{"bad port", cell(1, "background ready=udp:127.0.0.1:70000", hello), "bad.md:3:18: ready=udp:127.0.0.1:70000: \"70000\" is not a port number"},
		{"bad regex", cell(1, "background ready=out:(", hello), "bad.md:3:18: ready=out:(: error parsing regexp"},
		{"background with value", cell(1, "background=yes", hello), "bad.md:3:7: attribute background takes no value"},
		{"negative cell number", "In [-1]:\n\n```go\npackage main\n```\n", "bad.md:1:1: In [-1]: cell numbers are positive integers"},
		{"space in a marker", "In [ 1]:\n\n```go\npackage main\n```\n", `bad.md:1:1: malformed marker "In [ 1]:": write it as In [1]:`},
		{"src with a line break", cell(1, `src="a\nb.go"`, hello), `bad.md:3:7: In [1]: src=a\nb.go: no such file`},
		{"all problems together", cell(1, "src=nowhere/main.go", hello) + cell(2, "timeout=x", hello),
			"bad.md:3:7: In [1]: src=nowhere/main.go: no such file\nbad.md:17:7: timeout=x: want a positive Go duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "course")
			writeFile(t, filepath.Join(root, "outside", "main.go"), hello)
			writeFile(t, filepath.Join(dir, "notes.txt"), "not go")
			path := filepath.Join(dir, "bad.md")
			writeFile(t, path, tt.lesson)
			code, _, stderr := runner(t, context.Background(), dir, "render", "bad.md")
			if code != exitBadInput {
				t.Errorf("exit %d, want %d", code, exitBadInput)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr:\n%s\nwant it to contain:\n%s", stderr, tt.want)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr shows a stack trace:\n%s", stderr)
			}
			if got := readFile(t, path); got != tt.lesson {
				t.Errorf("lesson was written:\n%s", got)
			}
		})
	}
}

// TestRenderPaths: a directory is searched for lessons; a path without lessons is an error.
func TestRenderPaths(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "empty", "notes.txt"), "no lessons here")
	code, _, stderr := runner(t, context.Background(), dir, "render", "empty")
	if code != exitBadInput || !strings.Contains(stderr, "empty: no lessons (*.md files) found") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = runner(t, context.Background(), dir, "render")
	if code != exitBadInput || !strings.Contains(stderr, "no lessons/ directory in "+dir+" or any directory above it") {
		t.Errorf("no lessons/ dir: exit %d, stderr:\n%s", code, stderr)
	}
}

// module makes a Go module in a temporary directory with a package lib and returns its root.
func module(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\n// Greeting is shared by cells.\nconst Greeting = \"hello from lib\"\n")
	return root
}

// TestRenderSrcCells: src= cells build their package in their module, run in their own directory, and the
// lesson shows the file's current contents.
func TestRenderSrcCells(t *testing.T) {
	root := module(t)
	prog := mainWith("fmt os path/filepath example.com/course/lib", `	wd, _ := os.Getwd()
	fmt.Println(lib.Greeting, "in", filepath.Base(wd))
	fmt.Println(helper())`)
	writeFile(t, filepath.Join(root, "snippets", "one", "hello", "main.go"), prog)
	writeFile(t, filepath.Join(root, "snippets", "one", "hello", "helper.go"), "package main\n\nfunc helper() string { return \"helper in the same package\" }\n")
	lessonSrc := "# One\n\nIn [1]:\n\n  ```go src=../snippets/one/hello/main.go\n  old text\n  ```\n\n" +
		cell(2, "", mainWith("fmt example.com/course/lib", `	fmt.Println("inline:", lib.Greeting)`))
	path := filepath.Join(root, "lessons", "one.md")
	writeFile(t, path, lessonSrc)

	code, _, stderr := runner(t, context.Background(), root, "render", "lessons")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	got := readFile(t, path)
	indented := "  " + strings.ReplaceAll(strings.TrimSuffix(prog, "\n"), "\n", "\n  ")
	indented = strings.ReplaceAll(indented, "\n  \n", "\n\n")
	if !strings.Contains(got, "  ```go src=../snippets/one/hello/main.go\n"+indented+"\n  ```\n") {
		t.Errorf("src cell does not show the file's contents:\n%s", got)
	}
	outs := outputs(t, got)
	if want := "hello from lib in hello\nhelper in the same package\n"; outs[1] != want {
		t.Errorf("Out [1] = %q, want %q", outs[1], want)
	}
	if want := "inline: hello from lib\n"; outs[2] != want {
		t.Errorf("Out [2] = %q, want %q", outs[2], want)
	}

	// A compile error in an src cell names the snippet's own file.
	writeFile(t, filepath.Join(root, "snippets", "one", "hello", "helper.go"), "package main\n\nfunc helper() string { return 42 }\n")
	code, _, _ = runner(t, context.Background(), root, "render", "lessons/one.md")
	if code != exitFailed {
		t.Errorf("exit %d after breaking the snippet, want %d", code, exitFailed)
	}
	if o := outputs(t, readFile(t, path))[1]; !strings.HasPrefix(o, "helper.go:3:31: cannot use 42") {
		t.Errorf("Out [1] after breaking the snippet = %q", o)
	}
}

// TestRunVerb: run streams the chosen cells' output, writes nothing unless --write, and rejects unknown cells.
func TestRunVerb(t *testing.T) {
	dir := t.TempDir()
	src := cell(1, "", mainWith("fmt", `	fmt.Println("\x1b[34mfirst\x1b[0m")`)) +
		cell(2, "", mainWith("fmt os", `	fmt.Println("second")
	os.Exit(4)`))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)

	code, stdout, stderr := runner(t, context.Background(), dir, "run", "l.md", "2", "1")
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	if stdout != "second\nfirst\n" {
		t.Errorf("stdout = %q, want the cells' output in the order asked, without colours off a terminal", stdout)
	}
	if !strings.Contains(stderr, "l.md:15: In [2]:\nexit status 4\nIn [2]: the notes have no recorded output to compare with\nl.md:1: In [1]:\n") {
		t.Errorf("stderr = %q", stderr)
	}
	if readFile(t, path) != src {
		t.Errorf("run wrote the lesson without --write")
	}

	code, _, stderr = runner(t, context.Background(), dir, "run", "l.md", "7")
	if code != exitBadInput || !strings.Contains(stderr, "l.md: no cell In [7] (cells: 1, 2)") {
		t.Errorf("unknown cell: exit %d, stderr %q", code, stderr)
	}

	code, _, _ = runner(t, context.Background(), dir, "run", "--write", "l.md", "1")
	outs := outputs(t, readFile(t, path))
	if code != exitOK || outs[1] != "first\n" || len(outs) != 1 {
		t.Errorf("run --write: exit %d, outputs %v", code, outs)
	}
}

// TestList shows each lesson's cells, attributes and whether an output is recorded.
func TestList(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "a.md"), cell(1, "", "package main\nfunc main() {}")+
		"Out [1]:\n\n```text\n```\n\n"+cell(3, `timeout=2s`, "package main\nfunc main() {}"))
	code, stdout, stderr := runner(t, context.Background(), dir, "list")
	want := "lessons/a.md: 2 cells\n  In [1]\tline 1\tinline\toutput recorded\n  In [3]\tline 13\tinline timeout=2s\tno output recorded\n"
	if code != exitOK || stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", code, stdout, want, stderr)
	}
}

// TestRenderInterrupted: cancelling the runner (Ctrl-C) stops the running cell and writes nothing.
func TestRenderInterrupted(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	src := cell(1, "", mainWith("fmt os time", fmt.Sprintf(`	os.WriteFile(%q, []byte(fmt.Sprint(os.Getpid())), 0o644)
	fmt.Println("started")
	time.Sleep(time.Hour)`, pidFile)))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	interruptedRender(t, dir, path, pidFile, 0)
}

// interruptedRender renders the lesson at path, in dir, and cancels the runner (as Ctrl-C does) once pidFile
// exists and delay has passed. The runner must exit 130 without writing the lesson, and the process whose pid
// is in pidFile must be gone.
func interruptedRender(t *testing.T, dir, path, pidFile string, delay time.Duration) {
	t.Helper()
	src := readFile(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if waitFile(ctx, pidFile) {
			time.Sleep(delay)
			cancel()
		}
	}()
	code, _, stderr := runner(t, ctx, dir, "render", filepath.Base(path))
	if code != exitSignal || !strings.Contains(stderr, "interrupted; "+filepath.Base(path)+" not written") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if readFile(t, path) != src {
		t.Errorf("interrupted render wrote the lesson")
	}
	waitGoneFile(t, pidFile)
}

// waitGoneFile fails the test unless the process whose pid is in pidFile is gone within a few seconds.
func waitGoneFile(t *testing.T, pidFile string) {
	t.Helper()
	waitGone(t, pidIn(t, pidFile))
}

// waitFile reports whether the file at path came to exist, with something in it, before ctx was done. (A pid
// file is written in one write, but created before it: an empty file is not yet written.)
func waitFile(ctx context.Context, path string) bool {
	for ctx.Err() == nil {
		if info, err := os.Stat(path); err == nil && info.Size() > 0 {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// TestHelpAndVersion: the verbs describe themselves.
func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"help"}, {"render", "--help"}, {"version"}} {
		code, stdout, stderr := runner(t, context.Background(), dir, args...)
		if code != exitOK || stdout+stderr == "" {
			t.Errorf("%v: exit %d, no text", args, code)
		}
	}
	if code, _, stderr := runner(t, context.Background(), dir, "frobnicate"); code != exitBadInput || !strings.Contains(stderr, `unknown verb "frobnicate"`) {
		t.Errorf("unknown verb: exit %d, stderr %q", code, stderr)
	}
}
