package cli

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// classLesson has two exercises, In [2] and In [3], after a cell that is none.
var classLesson = "# Exercises\n\n" + cell(1, "", mainWith("fmt", `	fmt.Println("intro")`)) +
	cell(2, "exercise", mainWith("fmt", "\t// BEGIN SOLUTION\n\tfmt.Println(42)\n\t// END SOLUTION")) +
	cell(3, "exercise", mainWith("fmt", "\t// BEGIN SOLUTION\n\tfmt.Println(43)\n\t// END SOLUTION"))

// classAnnouncement is what serve --lan prints after the teacher's address: the class code and the students'
// command, with the address students reach (here the one it listens on) and the name the runner was run by.
var classAnnouncement = regexp.MustCompile(`^serving 1 lesson at http://127\.0\.0\.1:(\d+)/\?token=\S+\n` +
	`class code ([2-9A-HJ-NP-Z]{8}); students report their exercises with:\n` +
	`  runner check --report http://127\.0\.0\.1:(\d+)/ --code ([2-9A-HJ-NP-Z]{8}) --name "YOUR NAME"\n`)

// serveClass starts serve --lan on a free port of 127.0.0.1 in dir with more args, and returns it, its
// address and the class code it printed.
func serveClass(t *testing.T, dir string, args ...string) (r runningApp, base, code string) {
	t.Helper()
	r = startRunner(t, dir, os.Getenv, append([]string{"serve", "--lan", "--addr", "127.0.0.1:0"}, args...)...)
	m := firstLine(t, r, classAnnouncement)
	if m[1] != m[3] || m[2] != m[4] {
		t.Fatalf("the students' command names another server or code:\n%s", r.stdout.String())
	}
	return r, "http://127.0.0.1:" + m[1], m[2]
}

// studentReport posts a report to the served runner at base as a student's check does, and returns the status.
func studentReport(t *testing.T, base, code, body string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/class/report", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Class "+code)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeClassLog: serve --lan prints a class code and the students' command, new at each start; with
// --class-log the class goes into the file as CSV when serve stops, and without it nothing is written.
func TestServeClassLog(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "ex.md"), classLesson)
	log := filepath.Join(dir, "class.csv")
	r, base, code := serveClass(t, dir, "--class-log", "class.csv")
	ana := `{"name": "Ana", "exercises": [{"lesson": "ex.md", "cell": 2, "status": "solved", "ms": 1500}, {"lesson": "ex.md", "cell": 3, "status": "not yet", "ms": 20}]}`
	if status := studentReport(t, base, code, ana); status != http.StatusNoContent {
		t.Fatalf("Ana's report: %d", status)
	}
	if status := studentReport(t, base, code, `{"name": "=HYPERLINK(1)", "exercises": [{"lesson": "ex.md", "cell": 2, "status": "does not compile", "ms": 0}]}`); status != http.StatusNoContent {
		t.Fatalf("the second report: %d", status)
	}
	if status := studentReport(t, base, "WRONG234", ana); status != http.StatusUnauthorized {
		t.Errorf("a report with another code: %d", status)
	}
	if _, err := os.Lstat(log); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the class log before serve stops: %v", err)
	}
	interrupt(t, r)
	got := readFile(t, log)
	want := regexp.MustCompile(`^student,reported,ex.md In \[2\],ex.md In \[2\] ms,ex.md In \[3\],ex.md In \[3\] ms\n` +
		`Ana,20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ,solved,1500,not yet,20\n` +
		`'=HYPERLINK\(1\),20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ,does not compile,0,,\n$`)
	if !want.MatchString(got) {
		t.Errorf("the class log:\n%s", got)
	}
	if !strings.Contains(r.stderr.String(), "serve: the class log (2 students) is in "+log) {
		t.Errorf("stderr:\n%s", r.stderr.String())
	}

	// Again, without --class-log: another code, and nothing written.
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	r, base, again := serveClass(t, dir)
	if again == code {
		t.Errorf("the same class code twice: %s", code)
	}
	if status := studentReport(t, base, again, ana); status != http.StatusNoContent {
		t.Fatalf("Ana's report: %d", status)
	}
	interrupt(t, r)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "lessons" || strings.Contains(r.stderr.String(), "class log") {
		t.Errorf("serve without --class-log left %v; stderr:\n%s", entries, r.stderr.String())
	}
}

// TestServeClassLogRefused: a --class-log serve could not write at the end is refused at the start, exit 2,
// and what is at the path is left alone.
func TestServeClassLogRefused(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "ex.md"), classLesson)
	writeFile(t, filepath.Join(dir, "last-week.csv"), "student\nAna\n")
	if err := os.Mkdir(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere.csv", filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, want string }{
		{"last-week.csv", "last-week.csv is a file already; the class log is written to a new file only"},
		{"logs", "logs is a directory already"},
		{"link.csv", "link.csv is a symbolic link already"},
		{filepath.Join("missing", "class.csv"), "its directory " + filepath.Join(dir, "missing") + " does not exist"},
	}
	if err := mkfifo(filepath.Join(dir, "pipe"), 0o644); err == nil {
		cases = append(cases, struct{ name, want string }{"pipe", "pipe is a named pipe already"})
	}
	// A serve that starts after all is stopped after a while, and fails the test, rather than serving on.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, tc := range cases {
		code, stdout, stderr := runner(t, ctx, dir, "serve", "--lan", "--addr", "127.0.0.1:0", "--class-log", tc.name)
		if code != exitBadInput || stdout != "" || !strings.Contains(stderr, "runner: serve: --class-log: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("--class-log %s: exit %d, stdout %q, stderr:\n%s", tc.name, code, stdout, stderr)
		}
	}
	code, stdout, stderr := runner(t, ctx, dir, "serve", "--addr", "127.0.0.1:0", "--class-log", "new.csv")
	if code != exitBadInput || stdout != "" || !strings.Contains(stderr, "runner: serve: --class-log: needs --lan") {
		t.Errorf("--class-log without --lan: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if got := readFile(t, filepath.Join(dir, "last-week.csv")); got != "student\nAna\n" {
		t.Errorf("last week's log is now %q", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, "new.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("new.csv: %v", err)
	}
}
