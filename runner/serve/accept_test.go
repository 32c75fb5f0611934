package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"classnotes/runner/internal/lessontest"
)

// TestAcceptTwoRunsAtOnce accepts cell 1 of one run and cell 2 of another run of the same lesson at once,
// behind a barrier, 100 times: every accept that answers written must have its output on disk (two such
// accepts both answered written while the file held only one output).
func TestAcceptTwoRunsAtOnce(t *testing.T) {
	unique := "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { fmt.Println(\"cell %d:\", time.Now().UnixNano()) }\n"
	src := "# Two cells\n\n" + cell(1, "", fmt.Sprintf(unique, 1)) + "Out [1]:\n\n```text\nold\n```\n\n" +
		cell(2, "", fmt.Sprintf(unique, 2)) + "Out [2]:\n\n```text\nold\n```\n"
	f := newFixture(t, false, map[string]string{"a.md": src})
	events := f.events(t)
	path := filepath.Join(f.dir, "a.md")
	const tries = 100
	writtenBoth := 0
	for try := range tries {
		var runs [2]string
		var outs [2]string
		for i := range runs { // both runs start from the file as it is now
			code, body := f.do(t, "POST", "/api/run", fmt.Sprintf(`{"lesson":"a.md","cell":%d}`, i+1), true)
			var started struct{ Run string }
			if code != http.StatusAccepted || json.Unmarshal([]byte(body), &started) != nil {
				t.Fatalf("try %d: run In [%d]: %d %s", try, i+1, code, body)
			}
			runs[i] = started.Run
			_, outs[i] = until(t, events, i+1, "end")
		}
		var wg sync.WaitGroup
		barrier := make(chan struct{})
		var codes [2]int
		var bodies [2]string
		for i := range runs {
			wg.Go(func() {
				<-barrier
				codes[i], bodies[i] = f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":%d,"run":%q}`, i+1, runs[i]), true)
			})
		}
		close(barrier)
		wg.Wait()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		written := 0
		for i := range runs {
			switch {
			case codes[i] == http.StatusOK && strings.Contains(bodies[i], `"written":true`):
				written++
				if !strings.Contains(string(b), outs[i]) {
					t.Errorf("try %d: accept of In [%d] answered %s, but its output %q is not in the lesson:\n%s", try, i+1, bodies[i], outs[i], b)
				}
			case codes[i] == http.StatusConflict && strings.Contains(bodies[i], "changed on disk"):
			default:
				t.Errorf("try %d: accept of In [%d]: %d %s", try, i+1, codes[i], bodies[i])
			}
		}
		if written == 0 {
			t.Errorf("try %d: neither accept wrote: %q", try, bodies)
		}
		if written == 2 {
			writtenBoth++
		}
	}
	t.Logf("%d tries, %d with both accepts written one after the other", tries, writtenBoth)
}

// TestServeIndexLesson: a lesson named index.md is served at /index.html (serve's index is /, not a file), and
// two lessons with one name are refused.
func TestServeIndexLesson(t *testing.T) {
	f := newFixture(t, false, map[string]string{"index.md": "# Start here\n", "a.md": "# A\n"})
	if code, body := f.do(t, "GET", "/index.html", "", true); code != http.StatusOK || !strings.Contains(body, "Start here") {
		t.Errorf("GET /index.html: %d %s", code, body)
	}
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"s1/x.md", "s2/x.md"} {
		path := filepath.Join(dir, name)
		lessontest.Write(t, path, "# X\n")
		files = append(files, path)
	}
	if _, err := New(Config{Engine: newEngine(t), Root: dir, Files: files, Token: token}); err == nil || !strings.Contains(err.Error(), "would both be x.html") {
		t.Errorf("New with two x.md: %v", err)
	}
}

// TestAcceptSavedSinceRun: an Accept of a run whose output the lesson already holds is still refused when the
// file was saved since the run began (it answered 200 {"written":false}, as if the file were as the run read it).
func TestAcceptSavedSinceRun(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n\n" + cell(1, "", hello("hi"))})
	events := f.events(t)
	path := filepath.Join(f.dir, "a.md")
	runAndAccept := func(edit func()) (int, string) {
		t.Helper()
		run := f.startRun(t, "a.md", 1)
		until(t, events, 1, "end")
		edit()
		return f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":1,"run":%q}`, run), true)
	}
	if code, body := runAndAccept(func() {}); code != http.StatusOK || !strings.Contains(body, `"written":true`) {
		t.Fatalf("first accept: %d %s", code, body)
	}
	saved := ""
	code, body := runAndAccept(func() {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		saved = string(b) + "\nA line the teacher added during the run.\n"
		lessontest.Write(t, path, saved)
	})
	if code != http.StatusConflict || !strings.Contains(body, "changed on disk") {
		t.Errorf("accept after the file was saved: %d %s; want 409, changed on disk", code, body)
	}
	if b, _ := os.ReadFile(path); string(b) != saved {
		t.Errorf("the teacher's edit is gone:\n%s", b)
	}
}
