package serve

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/site/sitetest"
)

// secretLesson has two cells whose notes say what no program prints: a page that has them was sent them.
const secretLesson = "# Predict first\n\n" +
	"In [1]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"one\") }\n```\n\nOut [1]:\n\n```text\nSECRET-ONE\n```\n\n" +
	"In [2]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"two\") }\n```\n\nOut [2]:\n\n```text\nSECRET-TWO\n```\n"

// notesEvents collects events until cell's end, and returns the notes events among them.
func notesEvents(t *testing.T, ch <-chan event, cell int) []map[string]any {
	t.Helper()
	var notes []map[string]any
	timeout := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("event stream ended")
			}
			if ev.name == "notes" {
				notes = append(notes, ev.data)
			}
			if c, _ := ev.data["cell"].(float64); ev.name == "end" && int(c) == cell {
				return notes
			}
		case <-timeout:
			t.Fatalf("no end of In [%d]", cell)
		}
	}
}

// TestNotesHidden: while the teacher hides the notes, a student's page and GET /api/notes leave out the
// recorded output of every cell that has not run since; the teacher gets all of it. A cell whose run ends is
// revealed to the students, and showing the notes again reveals every cell. Only the teacher, from the page's
// own origin, hides or shows them.
func TestNotesHidden(t *testing.T) {
	f := newFixture(t, true, map[string]string{"a.md": secretLesson})
	events := f.events(t)
	page := func(teacher bool) string {
		t.Helper()
		code, body := f.do(t, "GET", "/a.html", "", teacher)
		if code != http.StatusOK {
			t.Fatalf("page: %d %.200s", code, body)
		}
		return body
	}
	notes := func(cell int, teacher bool) (int, string) {
		t.Helper()
		return f.do(t, "GET", fmt.Sprintf("/api/notes?lesson=a.md&cell=%d", cell), "", teacher)
	}
	if p := page(false); !strings.Contains(p, "SECRET-ONE") || !strings.Contains(p, "SECRET-TWO") {
		t.Errorf("by default a student's page has the notes")
	}

	// Only the teacher's page may hide them.
	if code, body := f.do(t, "POST", "/api/notes", `{"lesson":"a.md","hidden":true}`, false); code != http.StatusUnauthorized {
		t.Errorf("a student hides the notes: %d %s", code, body)
	}
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}} {
		if code, body := f.do(t, "POST", "/api/notes", `{"lesson":"a.md","hidden":true}`, true, h...); code != http.StatusForbidden {
			t.Errorf("a cross-origin POST with %s: %d %s", h[0], code, body)
		}
	}
	for body, want := range map[string]int{`{"lesson":"a.md"}`: 400, `{"lesson":"a.md","hidden":"yes"}`: 400, `{"lesson":"b.md","hidden":true}`: 404} {
		if code, got := f.do(t, "POST", "/api/notes", body, true); code != want {
			t.Errorf("POST /api/notes %s: %d %s, want %d", body, code, got, want)
		}
	}
	if p := page(false); !strings.Contains(p, "SECRET-ONE") {
		t.Fatalf("a refused request hid the notes")
	}

	code, body := f.do(t, "POST", "/api/notes", `{"lesson":"a.md","hidden":true}`, true)
	if code != http.StatusOK || body != `{"hidden":true,"lesson":"a.md","revealed":[]}`+"\n" {
		t.Errorf("hide: %d %s", code, body)
	}
	if ev := next(t, events, "notes"); fmt.Sprint(ev.data) != "map[hidden:true lesson:a.md revealed:[]]" {
		t.Errorf("notes event %v", ev.data)
	}
	if p := page(false); strings.Contains(p, "SECRET-ONE") || strings.Contains(p, "SECRET-TWO") {
		t.Errorf("the student's page has notes the teacher hides")
	}
	if p := page(true); !strings.Contains(p, "SECRET-ONE") || !strings.Contains(p, "SECRET-TWO") {
		t.Errorf("the teacher's page lacks notes")
	}
	if code, body := notes(1, false); code != http.StatusForbidden || strings.Contains(body, "SECRET") {
		t.Errorf("a student's GET of hidden notes: %d %s", code, body)
	}
	if code, body := notes(1, true); code != http.StatusOK || !strings.Contains(body, "SECRET-ONE") {
		t.Errorf("the teacher's GET of hidden notes: %d %s", code, body)
	}
	if code, body := f.do(t, "GET", "/api/notes?lesson=a.md", "", false); code != http.StatusOK || body != `{"hidden":true,"lesson":"a.md","revealed":[]}`+"\n" {
		t.Errorf("the state: %d %s", code, body)
	}

	// The run of In [1] ends: its notes go to the students, In [2]'s do not.
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	if got := notesEvents(t, events, 1); len(got) != 1 || fmt.Sprint(got[0]) != "map[hidden:true lesson:a.md revealed:[1]]" {
		t.Errorf("notes events of the run: %v", got)
	}
	if code, body := notes(1, false); code != http.StatusOK || !strings.Contains(body, `<pre class="output term-container">SECRET-ONE`) {
		t.Errorf("a student's GET of revealed notes: %d %s", code, body)
	}
	if code, _ := notes(2, false); code != http.StatusForbidden {
		t.Errorf("a student's GET of In [2]'s notes: %d", code)
	}
	if p := page(false); !strings.Contains(p, "SECRET-ONE") || strings.Contains(p, "SECRET-TWO") {
		t.Errorf("after In [1] ran, the student's page has SECRET-ONE %v, SECRET-TWO %v", strings.Contains(p, "SECRET-ONE"), strings.Contains(p, "SECRET-TWO"))
	}

	// Showing the notes reveals them all.
	if code, body := f.do(t, "POST", "/api/notes", `{"lesson":"a.md","hidden":false}`, true); code != http.StatusOK || !strings.Contains(body, `"hidden":false`) {
		t.Errorf("show: %d %s", code, body)
	}
	if ev := next(t, events, "notes"); ev.data["hidden"] != false {
		t.Errorf("notes event %v", ev.data)
	}
	if p := page(false); !strings.Contains(p, "SECRET-TWO") {
		t.Errorf("the notes are shown, and the student's page lacks SECRET-TWO")
	}
	if code, body := notes(2, false); code != http.StatusOK || !strings.Contains(body, "SECRET-TWO") {
		t.Errorf("a student's GET of shown notes: %d %s", code, body)
	}
	for path, want := range map[string]int{"/api/notes?lesson=a.md&cell=x": 400, "/api/notes?lesson=a.md&cell=9": 404, "/api/notes?lesson=b.md&cell=1": 404} {
		if code, body := f.do(t, "GET", path, "", true); code != want {
			t.Errorf("GET %s: %d %s, want %d", path, code, body, want)
		}
	}
}

// TestBrowserNotes is "Hide notes until run" in headless Chromium, with a teacher's tab and a student's on a
// LAN server: the teacher hides the notes and both pages veil them; the student's page, opened again, has
// none in its source; the teacher runs In [1] and the student's page gets its notes, and In [2]'s only when
// the teacher shows the notes again.
func TestBrowserNotes(t *testing.T) {
	sitetest.Chromium(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "lesson.md")
	lessontest.Write(t, path, secretLesson)
	_, hs := startServer(t, Config{Engine: newEngine(t), Root: dir, Files: []string{path}, Token: token, LAN: true})
	var thrown sitetest.Exceptions
	ctx := sitetest.Browser(t, 5*time.Minute, thrown.Listen)
	teacher := sitetest.Tab{T: t, Ctx: ctx}
	teacher.Do("open the lesson as the teacher", chromedp.Navigate(hs.URL+"/lesson.html?token="+token))
	teacher.Wait(`document.body.dataset.view === "teacher" && document.body.dataset.connected === "true"`)
	student := sitetest.Tab{T: t, Ctx: sitetest.Incognito(t, ctx)}
	student.Do("open the lesson as a student", chromedp.Navigate(hs.URL+"/lesson.html"))
	student.Wait(`document.body.dataset.view === "student" && document.body.dataset.connected === "true"`)
	shown := `(n => { const p = document.querySelector("#cell-" + n + " .notes pre"); return p !== null && p.textContent.includes("SECRET") && getComputedStyle(p).display !== "none" })`
	source := `document.documentElement.outerHTML`
	if !sitetest.Eval[bool](student, shown+`(1) && `+shown+`(2)`) {
		t.Errorf("the student does not see the notes before they are hidden")
	}

	teacher.Do("hide the notes", chromedp.Click(chromedp.CSS(`[data-action="hide-notes"]`)))
	teacher.Wait(`document.querySelector('[data-action="hide-notes"]').getAttribute("aria-pressed") === "true"`)
	teacher.Wait(`!` + shown + `(1) && !` + shown + `(2)`)
	student.Wait(`!` + shown + `(1) && !` + shown + `(2)`)
	if n := sitetest.Eval[int](teacher, `document.querySelectorAll(".notes .hidden-note").length - Array.from(document.querySelectorAll(".notes .hidden-note")).filter(p => p.offsetParent === null).length`); n != 2 {
		t.Errorf("the teacher's page shows %d hidden-notes, want 2", n)
	}
	student.Do("open the lesson again", chromedp.Navigate(hs.URL+"/lesson.html"))
	student.Wait(`document.body.dataset.connected === "true"`)
	if src := sitetest.Eval[string](student, source); strings.Contains(src, "SECRET") || !strings.Contains(src, "Hidden until the cell has run") {
		t.Errorf("the student's page, opened while the notes are hidden, has them (or lacks the note)")
	}

	teacher.Do("run In [1]", chromedp.Click(chromedp.CSS(`#cell-1 [data-action="run"]`)))
	student.Wait(shown + `(1)`)
	teacher.Wait(shown + `(1)`)
	if sitetest.Eval[bool](student, `document.documentElement.outerHTML.includes("SECRET-TWO")`) || sitetest.Eval[bool](teacher, shown+`(2)`) {
		t.Errorf("In [2]'s notes came with In [1]'s")
	}
	if got := sitetest.Eval[string](student, `document.querySelector("#cell-1 .live .output").textContent`); got != "one\n" {
		t.Errorf("the student's Live panel reads %q", got)
	}

	t.Logf("student: %s", sitetest.Screenshot(t, student.Ctx, "serve-notes-student"))
	teacher.Do("show the notes", chromedp.Click(chromedp.CSS(`[data-action="hide-notes"]`)))
	student.Wait(shown + `(1) && ` + shown + `(2)`)
	teacher.Wait(shown + `(2) && document.querySelector('[data-action="hide-notes"]').getAttribute("aria-pressed") === "false"`)
	if got := sitetest.Eval[string](student, `document.querySelector(".toolbar-message").textContent`); got != "" {
		t.Errorf("the student's toolbar says %q", got)
	}
	thrown.Check(t)
}
