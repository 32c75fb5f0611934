package cli

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/class"
	"classnotes/runner/engine"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// The exercises of the report tests, one per state a report names. Each starter compiles and needs work, as
// the teacher's check wants; the student then solves one and breaks another.
const (
	exerciseReady = `package main

import "fmt"

func main() {
	// BEGIN SOLUTION
	fmt.Println("ready") // SOL-R1
	// END SOLUTION
	// BEGIN STARTER
	// fmt.Println("not ready")
	// END STARTER
}`
	exerciseSleep = `package main

import (
	"fmt"
	"time"
)

func main() {
	// BEGIN SOLUTION
	time.Sleep(time.Millisecond) // SOL-R2
	// END SOLUTION
	// BEGIN STARTER
	// time.Sleep(time.Hour)
	// END STARTER
	fmt.Println("done")
}`
	exerciseDouble = `package main

import "fmt"

func double(n int) int {
	// BEGIN SOLUTION
	return 2 * n // SOL-R3
	// END SOLUTION
	// BEGIN STARTER
	// return n // STARTER-DOUBLE
	// END STARTER
}

func main() { fmt.Println(double(21)) }`
	exerciseZero = `package main

import "fmt"

func zero() int {
	// BEGIN SOLUTION
	return 0 * 7 // SOL-R4
	// END SOLUTION
	// BEGIN STARTER
	// return 1 // STARTER-ZERO
	// END STARTER
}

func main() { fmt.Println(zero()) }`
)

// reportCourse writes a course with two lessons: ex.md with five exercises and a plain cell, one.md with one
// exercise; renders it, writes its handout, and there solves In [4] of ex.md and makes In [5] not compile. It
// returns the course's root and the handout.
func reportCourse(t *testing.T) (root, out string) {
	t.Helper()
	top := t.TempDir()
	root = filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "lessons", "ex.md"), "# Exercises\n\n"+
		cell(1, "exercise", exerciseDefault)+ // the starter panics: failed at run time
		cell(2, "exercise", exerciseReady)+ // prints something else: not yet
		cell(3, "exercise timeout=500ms", exerciseSleep)+ // sleeps: timed out
		cell(4, "exercise", exerciseDouble)+ // solved by the student
		cell(5, "exercise", exerciseZero)+ // made not to compile by the student
		cell(6, "", mainWith("fmt", "\tfmt.Println(\"plain\")")))
	writeFile(t, filepath.Join(root, "lessons", "one.md"), "# One\n\n"+cell(1, "exercise", exerciseDefault))
	ctx := context.Background()
	render(t, ctx, root)
	out = filepath.Join(top, "handout")
	handOut(t, ctx, root, out)
	lessonFile := filepath.Join(out, "lessons", "ex.md")
	src := readFile(t, lessonFile)
	edited := strings.Replace(src, "return n // STARTER-DOUBLE", "return n + n", 1)
	edited = strings.Replace(edited, "return 1 // STARTER-ZERO", `return "zero"`, 1)
	if edited == src || strings.Contains(edited, "STARTER-") {
		t.Fatalf("the handout's starters are not where the test expects them:\n%s", src)
	}
	writeFile(t, lessonFile, edited)
	return root, out
}

// request is what a test server received.
type request struct {
	method, path string
	header       http.Header
	body         []byte
	at           time.Time
}

// classServer is a teacher's serve for the tests: it records each request and answers the nth (from 0) with
// answer(w, n).
type classServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
}

func newClassServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) *classServer {
	t.Helper()
	s := &classServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request: %v", err)
		}
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, request{r.Method, r.URL.Path, r.Header.Clone(), body, time.Now()})
		s.mu.Unlock()
		answer(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *classServer) received() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

// quickReports makes the sending of reports quick for the test, and puts back the timing after.
func quickReports(t *testing.T) {
	saved := reportTiming
	reportTiming.try, reportTiming.total, reportTiming.pause = 500*time.Millisecond, 3*time.Second, 10*time.Millisecond
	t.Cleanup(func() { reportTiming = saved })
}

// TestCheckReport: a student's check in a handout with --report sends the state of each exercise that ran
// (solved, not yet, does not compile, failed at run time, timed out), its lesson, cell and time, no difference
// unless --share-diff; and whatever the teacher's serve answers, or if nothing answers, the check prints the
// same on standard output and exits as without --report, saying in one line on standard error what became of
// the report.
func TestCheckReport(t *testing.T) {
	root, out := reportCourse(t)
	ctx := context.Background()
	quickReports(t)
	want := map[int]class.Status{1: class.RunFailed, 2: class.NotYet, 3: class.TimedOut, 4: class.Solved, 5: class.NoCompile}
	exLesson := filepath.Join("lessons", "ex.md")
	oneLesson := filepath.Join("lessons", "one.md")
	alone := map[string][2]any{}
	for _, lesson := range []string{exLesson, oneLesson} {
		code, stdout, stderr := runner(t, ctx, out, "check", lesson)
		if code != exitFailed {
			t.Fatalf("check %s in the handout: exit %d\n%s%s", lesson, code, stdout, stderr)
		}
		alone[lesson] = [2]any{code, stdout}
	}
	if stdout := alone[exLesson][1].(string); !strings.Contains(stdout, "exercises: 1 of 5 solved") || !strings.Contains(stdout, "timed out after 500ms") ||
		!strings.Contains(stdout, "cannot use \"zero\"") {
		t.Fatalf("check in the handout:\n%s", stdout)
	}
	// check runs the lesson with --report args; its exit code and standard output must be those without; it
	// returns standard error.
	check := func(t *testing.T, lesson string, args ...string) string {
		t.Helper()
		code, stdout, stderr := runner(t, ctx, out, append(append([]string{"check"}, args...), lesson)...)
		if code != alone[lesson][0].(int) || stdout != alone[lesson][1].(string) {
			t.Errorf("check %s %v: exit %d, standard output:\n%s\nwithout --report: exit %d\n%s", lesson, args, code, stdout, alone[lesson][0], alone[lesson][1])
		}
		if strings.Count(stderr, "report") != 1 || !strings.HasSuffix(stderr, "\n") {
			t.Errorf("check %v: not one line about the report on standard error:\n%s", args, stderr)
		}
		return stderr
	}
	ok := func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusNoContent) }

	t.Run("sent", func(t *testing.T) {
		s := newClassServer(t, ok)
		stderr := check(t, exLesson, "--report", s.URL, "--code", "c0de-42", "--name", " Ana Lima ")
		if wantLine := "runner check: report sent to " + s.URL + "/ (5 exercises)\n"; stderr != wantLine {
			t.Errorf("standard error %q, want %q", stderr, wantLine)
		}
		reqs := s.received()
		if len(reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(reqs))
		}
		r := reqs[0]
		if r.method != http.MethodPost || r.path != "/api/class/report" || r.header.Get("Authorization") != "Class c0de-42" ||
			r.header.Get("Content-Type") != "application/json" {
			t.Errorf("request %s %s, headers %v", r.method, r.path, r.header)
		}
		for name := range r.header {
			switch name {
			case "Authorization", "Content-Type", "Content-Length", "User-Agent", "Connection":
			default:
				t.Errorf("the request carries a header %s: %q", name, r.header[name])
			}
		}
		if bytes.Contains(r.body, []byte(out)) || bytes.Contains(r.body, []byte("SOL-")) || bytes.Contains(r.body, []byte("package main")) {
			t.Errorf("the report carries a path or code: %s", r.body)
		}
		rep, err := class.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("the report does not decode: %v\n%s", err, r.body)
		}
		if rep.Name != "Ana Lima" || len(rep.Exercises) != len(want) {
			t.Errorf("report of %q with %d exercises: %s", rep.Name, len(rep.Exercises), r.body)
		}
		for i, e := range rep.Exercises {
			if e.Lesson != "ex.md" || e.Cell != i+1 || e.Status != want[e.Cell] || e.Diff != "" {
				t.Errorf("exercise %d: %+v, want ex.md In [%d] %q with no diff", i, e, i+1, want[i+1])
			}
		}
		if n := len(rep.Exercises); n == len(want) && (rep.Exercises[2].Millis < 400 || rep.Exercises[2].Millis > 5000) {
			t.Errorf("the exercise that timed out after 500ms took %d ms", rep.Exercises[2].Millis)
		}
	})

	t.Run("share-diff", func(t *testing.T) {
		s := newClassServer(t, ok)
		stderr := check(t, exLesson, "--report", s.URL+"/class", "--code", "c", "--name", "Ana", "--share-diff")
		if !strings.Contains(stderr, "report sent to "+s.URL+"/class/ (5 exercises)") {
			t.Errorf("standard error: %s", stderr)
		}
		reqs := s.received()
		if len(reqs) != 1 || reqs[0].path != "/class/api/class/report" {
			t.Fatalf("requests: %+v", reqs)
		}
		rep, err := class.Decode(bytes.NewReader(reqs[0].body))
		if err != nil {
			t.Fatal(err)
		}
		diffs := map[int]string{}
		for _, e := range rep.Exercises {
			diffs[e.Cell] = e.Diff
		}
		wantDiffs := map[int]string{1: "+panic: exercise: write this part", 2: "+not ready", 3: "+timed out after 500ms", 4: "",
			5: "+main.go:6:9: cannot use \"zero\" (untyped string constant) as int value in return statement"} // the student's lines
		for cell, d := range wantDiffs {
			if diffs[cell] != d {
				t.Errorf("In [%d]: diff %q, want %q", cell, diffs[cell], d)
			}
		}
	})

	t.Run("401", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			http.Error(w, "wrong code: expected c0de", http.StatusUnauthorized)
		})
		stderr := check(t, oneLesson, "--report", s.URL+"/", "--code", "x", "--name", "Ana")
		if stderr != "runner check: report not sent: the class code was not accepted\n" {
			t.Errorf("standard error %q", stderr)
		}
		if n := len(s.received()); n != 1 {
			t.Errorf("%d requests, want 1: a wrong code is not tried again", n)
		}
	})

	t.Run("400", func(t *testing.T) {
		msg := "name: \x1b[31mtoo\tlong\u202e\r\nsecond line " + strings.Repeat("é", 150)
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { http.Error(w, msg, http.StatusBadRequest) })
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		line := strings.TrimPrefix(strings.TrimSuffix(stderr, "\n"), "runner check: report not sent: ")
		if !strings.HasPrefix(line, "name: [31mtoo long  second line éé") || len(line) > 200 || strings.ContainsAny(line, "\x1b\r\n\t\u202e") {
			t.Errorf("standard error %q", stderr)
		}
		if n := len(s.received()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})

	t.Run("500 then 200", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n == 0 {
				http.Error(w, "busy", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if !strings.Contains(stderr, "report sent to "+s.URL+"/ (1 exercise)") {
			t.Errorf("standard error %q", stderr)
		}
		if reqs := s.received(); len(reqs) != 2 || !bytes.Equal(reqs[0].body, reqs[1].body) {
			t.Errorf("%d requests, want the same report twice", len(reqs))
		}
	})

	t.Run("429 Retry-After", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			if n == 0 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return
			}
			w.WriteHeader(http.StatusAccepted)
		})
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		reqs := s.received()
		if !strings.Contains(stderr, "report sent") || len(reqs) != 2 || reqs[1].at.Sub(reqs[0].at) < 900*time.Millisecond {
			t.Errorf("%d requests (Retry-After: 1 honoured?); standard error %q", len(reqs), stderr)
		}
	})

	t.Run("429 full", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			http.Error(w, "the class is full: tell the teacher", http.StatusTooManyRequests)
		})
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if stderr != "runner check: report not sent: the class is full: tell the teacher\n" || len(s.received()) != 1 {
			t.Errorf("%d requests (a 429 without Retry-After is not tried again); standard error %q", len(s.received()), stderr)
		}
	})

	t.Run("403 without a message", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(http.StatusForbidden) })
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if stderr != "runner check: report not sent: the teacher's serve answered 403 Forbidden\n" || len(s.received()) != 1 {
			t.Errorf("%d requests; standard error %q", len(s.received()), stderr)
		}
	})

	t.Run("500 always", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { http.Error(w, "broken", http.StatusBadGateway) })
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if !strings.Contains(stderr, "report not sent: "+s.URL+"/ answered 502 Bad Gateway (3 tries)") || len(s.received()) != 3 {
			t.Errorf("%d requests; standard error %q", len(s.received()), stderr)
		}
	})

	t.Run("no answer", func(t *testing.T) {
		release := make(chan struct{})
		s := newClassServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		start := time.Now()
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if !strings.Contains(stderr, "report not sent: no answer from "+s.URL+"/ within 500ms") {
			t.Errorf("standard error %q", stderr)
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("the check waited %v for a teacher that does not answer", took)
		}
	})

	t.Run("down", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		stderr := check(t, oneLesson, "--report", "http://"+addr, "--code", "x", "--name", "Ana")
		if !strings.Contains(stderr, "report not sent: nothing answers at http://"+addr+"/ (connection refused)") || !strings.Contains(stderr, "(3 tries)") {
			t.Errorf("standard error %q", stderr)
		}
	})

	t.Run("redirect", func(t *testing.T) {
		elsewhere := newClassServer(t, ok)
		s := newClassServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, elsewhere.URL+"/api/class/report", http.StatusTemporaryRedirect)
		})
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if !strings.Contains(stderr, "a redirect, which is not followed") || len(s.received()) != 1 || len(elsewhere.received()) != 0 {
			t.Errorf("redirected: %d requests there; standard error %q", len(elsewhere.received()), stderr)
		}
	})

	t.Run("https, a certificate not trusted", func(t *testing.T) {
		s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { t.Error("a request went through") }))
		s.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake the check gives up
		defer s.Close()
		stderr := check(t, oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if !strings.Contains(stderr, "report not sent: "+s.URL+"/: x509: certificate signed by unknown authority\n") {
			t.Errorf("standard error %q", stderr)
		}
	})

	t.Run("interrupted", func(t *testing.T) {
		s := newClassServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			for len(s.received()) == 0 {
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
		}()
		_, _, stderr := runner(t, ctx, out, "check", "--report", s.URL, "--code", "x", "--name", "Ana", oneLesson)
		if !strings.HasSuffix(stderr, "runner check: report not sent: interrupted\n") || len(s.received()) != 1 {
			t.Errorf("%d requests; standard error %q", len(s.received()), stderr)
		}
	})

	t.Run("teacher", func(t *testing.T) {
		s := newClassServer(t, ok)
		code, _, stderr := runner(t, ctx, root, "check", oneLesson, "--report", s.URL, "--code", "x", "--name", "Ana")
		if code != exitOK || !strings.Contains(stderr, "no report sent: these are the teacher's lessons") || len(s.received()) != 0 {
			t.Errorf("the teacher's check with --report: exit %d, %d requests\n%s", code, len(s.received()), stderr)
		}
	})
}

// TestCheckReportOffline: an exercise that did not run (a net exercise, offline) is not reported; the report
// is sent, with none.
func TestCheckReportOffline(t *testing.T) {
	ctx, out := context.Background(), netHandout(t)
	s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {})
	code, _, stderr := runner(t, ctx, out, "check", "--offline", "--report", s.URL, "--code", "x", "--name", "Ana")
	reqs := s.received()
	if code != exitFailed || !strings.Contains(stderr, "report sent to "+s.URL+"/ (0 exercises)") || len(reqs) != 1 {
		t.Fatalf("check --offline --report: exit %d, %d requests\n%s", code, len(reqs), stderr)
	}
	if rep, err := class.Decode(bytes.NewReader(reqs[0].body)); err != nil || len(rep.Exercises) != 0 {
		t.Errorf("report %s: %v", reqs[0].body, err)
	}
}

// TestCheckReportUsage: bad combinations of the report's flags and bad URLs are usage errors, given before
// anything runs.
func TestCheckReportUsage(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "a.md"), cell(1, "", mainWith("fmt", "\tfmt.Println(\"must not run\")")))
	id := []string{"--code", "c", "--name", "Ana"}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--report", "http://127.0.0.1:1/"}, "--report needs --code CODE and --name NAME"},
		{[]string{"--report", "http://127.0.0.1:1/", "--code", "c"}, "--report needs --code CODE and --name NAME"},
		{[]string{"--report", "http://127.0.0.1:1/", "--name", "Ana"}, "--report needs --code CODE and --name NAME"},
		{[]string{"--report", "http://127.0.0.1:1/", "--code", "c", "--name", "  "}, "--report needs --code CODE and --name NAME"},
		{[]string{"--report", "http://127.0.0.1:1/", "--code", "c d", "--name", "Ana"}, "--code: expected the class code"},
		{[]string{"--report", "http://127.0.0.1:1/", "--code", "c\r\nX-Evil: 1", "--name", "Ana"}, "--code: expected the class code"},
		{[]string{"--report", "http://127.0.0.1:1/", "--code", "c", "--name", "Ana\x1b[2J"}, "--name: has control or invisible characters"},
		{[]string{"--report", "http://127.0.0.1:1/", "--code", "c", "--name", strings.Repeat("a", 65)}, "--name: 65 characters, more than 64"},
		{[]string{"--share-diff"}, "--share-diff is for --report URL"},
		{[]string{"--share-diff=false"}, "--share-diff is for --report URL"},
		{[]string{"--code", "c"}, "--code is for --report URL"},
		{[]string{"--name", "Ana"}, "--name is for --report URL"},
		{[]string{"--report", ""}, "--report: expected the URL the teacher gives"},
		{append([]string{"--report", "http://127.0.0.1:1/", "--stale"}, id...), "--stale runs nothing"},
		{append([]string{"--report", "ftp://127.0.0.1/"}, id...), "not an http or https URL"},
		{append([]string{"--report", "127.0.0.1:8080"}, id...), "expected the URL the teacher gives"},
		{append([]string{"--report", "localhost:8080"}, id...), "not an http or https URL"},
		{append([]string{"--report", "http://"}, id...), "no host"},
		{append([]string{"--report", "http:///api/"}, id...), "no host"},
		{append([]string{"--report", "http:host"}, id...), "no host"},
		{append([]string{"--report", "http://ana:secret@127.0.0.1:1/"}, id...), "a URL with a user or password"},
		{append([]string{"--report", "http://127.0.0.1:1/?code=c"}, id...), "a URL with a query"},
		{append([]string{"--report", "http://127.0.0.1:1/?"}, id...), "a URL with a query"},
		{append([]string{"--report", "http://127.0.0.1:1/#x"}, id...), "a URL with a fragment"},
		{append([]string{"--report", "http://127.0.0.1:1/#"}, id...), "a URL with a fragment"},
		{append([]string{"--report", "http://127.0.0.1:99999/"}, id...), "the port is not a number"},
	} {
		code, stdout, stderr := runner(t, context.Background(), dir, append([]string{"check"}, tt.args...)...)
		if code != exitBadInput || stdout != "" || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 ||
			strings.Contains(stderr, "secret") {
			t.Errorf("check %q: exit %d, want %d and %q\n%s%s", tt.args, code, exitBadInput, tt.want, stdout, stderr)
		}
	}
}

// TestFirstDiffLine: the first line that differs, after the diff's header, made one short printable line.
func TestFirstDiffLine(t *testing.T) {
	long := strings.Repeat("ü", 150) // 300 bytes
	for _, tt := range []struct{ diff, want string }{
		{"diff notes fresh\n--- notes\n+++ fresh\n@@ -1,1 +1,1 @@\n-42\n+0\n(no normalisation rule of the lesson changed either side)\n", "+0"},
		{"diff notes fresh\n--- notes\n+++ fresh\n@@ -1,2 +1,3 @@\n same\n+added\n", "+added"},
		{"diff notes fresh\n--- notes\n+++ fresh\n@@ -1 +1 @@\n---x\n", "---x"},
		{"@@ -1 +1 @@\n-a\x1b[1m\u200bb\tc\r\n", "-a[1mb c"},
		{"diff notes fresh\n--- notes\n+++ fresh\n@@ -1 +1 @@\n-" + long + "\n", "-" + strings.Repeat("ü", 99)},
		{"diff notes fresh\n--- notes\n+++ fresh\n", ""},
		{"", ""},
		{"@@ -1 +1 @@\n-\xff\xfeok\n", "-ok"},
	} {
		got := firstDiffLine(tt.diff)
		if got != tt.want || len(got) > class.MaxDiff {
			t.Errorf("firstDiffLine(%q) = %q, want %q", tt.diff, got, tt.want)
		}
	}
}

// TestExerciseStatus: the state a report gives an exercise, from how its build and run went.
func TestExerciseStatus(t *testing.T) {
	compiled := &build.Result{Binary: "prog"}
	prog := func(expect string) *plan.Program {
		return &plan.Program{Cell: &lesson.Cell{Number: 1, Attrs: lesson.Attrs{Expect: expect}}}
	}
	for _, tt := range []struct {
		name   string
		r      engine.Result
		solved bool
		want   class.Status
	}{
		{"matched", engine.Result{Program: prog(""), Build: compiled, Run: &run.Result{}}, true, class.Solved},
		{"matched, exit 1, expect=error", engine.Result{Program: prog("error"), Build: compiled, Run: &run.Result{Status: "exit status 1", ExitCode: 1}}, true, class.Solved},
		{"ran, differs", engine.Result{Program: prog(""), Build: compiled, Run: &run.Result{}}, false, class.NotYet},
		{"compile error", engine.Result{Program: prog(""), Build: &build.Result{Messages: "x.go:1: bad"}}, false, class.NoCompile},
		{"timed out", engine.Result{Program: prog(""), Build: compiled, Run: &run.Result{Status: "timed out after 1s", ExitCode: -1, TimedOut: true}}, false, class.TimedOut},
		{"exit 2", engine.Result{Program: prog(""), Build: compiled, Run: &run.Result{Status: "exit status 2", ExitCode: 2}}, false, class.RunFailed},
		{"exit 0, expect=error", engine.Result{Program: prog("error"), Build: compiled, Run: &run.Result{}}, false, class.NotYet},
		{"exit 2, expect=error", engine.Result{Program: prog("error"), Build: compiled, Run: &run.Result{Status: "exit status 2", ExitCode: 2}}, false, class.NotYet},
		{"not ready", engine.Result{Program: prog(""), Build: compiled, Run: &run.Result{}, NotReady: "not ready after 10s"}, false, class.RunFailed},
		{"not run", engine.Result{Program: prog(""), NotRun: "its server did not start"}, false, class.RunFailed},
	} {
		if got := exerciseStatus(&tt.r, tt.solved); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRetryAfter: seconds or a date, bounded; nothing for what is neither.
func TestRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "2": 2 * time.Second, "-3": 0, "soon": 0, "99999": time.Hour,
		"Mon, 02 Jan 2006 15:04:05 GMT": 0} {
		if got := retryAfter(v); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
	if got := retryAfter(time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)); got < 8*time.Second || got > 10*time.Second {
		t.Errorf("a date 10s ahead: %v", got)
	}
}

// TestClassReportTooLarge: more exercises than a report holds are not sent, and the student is told to check
// fewer lessons at once; nothing reaches the teacher.
func TestClassReportTooLarge(t *testing.T) {
	s := newClassServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {})
	c := &classReport{target: &classTarget{base: s.URL + "/", endpoint: s.URL + "/" + reportPath, code: "x", name: "Ana"}, handout: true}
	for i := range class.MaxExercises + 1 {
		c.report.Exercises = append(c.report.Exercises, class.Result{Lesson: "ex.md", Cell: i + 1, Status: class.NotYet})
	}
	var stdout, stderr bytes.Buffer
	app := &App{Stdout: &stdout, Stderr: &stderr, Name: "classnotes"}
	app.sendClassReport(context.Background(), c)
	want := "classnotes check: report not sent: 65 exercises, more than the 64 a report holds: check fewer lessons at once (classnotes check --report … lessons/FILE.md)\n"
	if stderr.String() != want || stdout.Len() != 0 || len(s.received()) != 0 {
		t.Errorf("%d requests; standard error %q", len(s.received()), stderr.String())
	}
	c.report.Exercises = c.report.Exercises[:class.MaxExercises]
	stderr.Reset()
	app.sendClassReport(context.Background(), c)
	if !strings.Contains(stderr.String(), "report sent to "+s.URL+"/ (64 exercises)") || len(s.received()) != 1 {
		t.Errorf("%d requests; standard error %q", len(s.received()), stderr.String())
	}
}
