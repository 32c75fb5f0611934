package serve

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"classnotes/runner/lesson"
	"classnotes/runner/site"
)

// serverLesson has a server cell and its client.
const serverLesson = "# Two cells\n\nIn [1]:\n\n```go background ready=tcp:127.0.0.1:50123\npackage main\n\nfunc main() {}\n```\n\n" +
	"In [2]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\nOut [2]:\n\n```text\nhello\n```\n"

// servedPage returns the page of lesson src as v draws it, or the static site's page when v is nil.
func servedPage(t *testing.T, src string, v *pageView) string {
	t.Helper()
	l, err := lesson.Parse("l.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if v == nil {
		err = site.WritePage(&b, &site.Page{Lesson: l})
	} else {
		err = writePage(&b, l, nil, "", v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// controls matches the teacher's buttons in markup.
var controls = regexp.MustCompile(`<button[^>]*(data-action="(run|stop|accept|run-all)"|>(Run|Stop|Accept|Run all)<)`)

// TestServedPage checks what a served page adds to the static one: the data attributes the script reads, both
// panels, the toggles, one inline script and no other, and the teacher's controls only in the teacher's view.
func TestServedPage(t *testing.T) {
	teacher := servedPage(t, serverLesson, &pageView{Lesson: "dir/l.md", Teacher: true})
	student := servedPage(t, serverLesson, &pageView{Lesson: "dir/l.md"})
	for name, page := range map[string]string{"teacher": teacher, "student": student} {
		for _, want := range []string{
			`<body data-lesson="dir/l.md" data-view="` + name + `">`,
			`<section class="cell" id="cell-1" data-cell="1" data-background="true" tabindex="-1">`,
			`<section class="cell" id="cell-2" data-cell="2" tabindex="-1">`,
			`<div class="panel notes"><div class="pane-title">Notes</div><pre class="output term-container">hello`,
			`<div class="panel live">`,
			`<div class="verdict" hidden>`,
			`data-action="present"`,
			`data-action="hide-notes"`,
			`<div class="overlay" role="alert" hidden>`,
			`new EventSource("/api/events")`,
			".panes {",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s page lacks %s", name, want)
			}
		}
		if n := strings.Count(page, "<script"); n != 1 {
			t.Errorf("%s page has %d scripts, want 1", name, n)
		}
		for _, bad := range []string{"<script src", "http://", "https://", "<link", "@import", "url("} {
			if strings.Contains(page, bad) {
				t.Errorf("%s page contains %q", name, bad)
			}
		}
	}
	if got := len(controls.FindAllString(teacher, -1)); got != 2*3+1 {
		t.Errorf("teacher page has %d controls, want Run, Stop, Accept for 2 cells and Run all", got)
	}
	if found := controls.FindAllString(student, -1); len(found) != 0 {
		t.Errorf("student page has controls: %q", found)
	}
}

// TestServedPageEscapes: the lesson key is an attribute value, and a recorded output holding markup stays text.
func TestServedPageEscapes(t *testing.T) {
	src := strings.Replace(serverLesson, "hello", "</pre><script>alert(1)</script>", 1)
	page := servedPage(t, src, &pageView{Lesson: `x" onload="alert(1)<script>.md`, Teacher: true})
	if !strings.Contains(page, `data-lesson="x&#34; onload=&#34;alert(1)&lt;script&gt;.md"`) {
		_, body, _ := strings.Cut(page, "<body")
		body, _, _ = strings.Cut(body, ">")
		t.Errorf("lesson key not escaped: <body%s>", body)
	}
	if !strings.Contains(page, "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("recorded output not escaped")
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("page has %d scripts, want 1", n)
	}
}

// TestStaticPageHasNoServeParts: without the served view the page is the static site's (the golden file checks every
// byte; this says what must not leak in).
func TestStaticPageHasNoServeParts(t *testing.T) {
	page := servedPage(t, serverLesson, nil)
	for _, bad := range []string{"<script", "data-cell", "data-lesson", "<button", "panel live", "toolbar", "overlay"} {
		if strings.Contains(page, bad) {
			t.Errorf("static page contains %q", bad)
		}
	}
}

// TestServeScript checks the script as text: it cannot end its element early, it never parses strings as
// markup, and pagePolicy allows exactly it.
func TestServeScript(t *testing.T) {
	for _, bad := range []string{"</script", "<!--", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "http:", "https:"} {
		if strings.Contains(strings.ToLower(pageScript), strings.ToLower(bad)) {
			t.Errorf("page.js contains %q", bad)
		}
	}
	page := servedPage(t, serverLesson, &pageView{Lesson: "l.md"})
	_, script, _ := strings.Cut(page, "<script>")
	script, _, _ = strings.Cut(script, "</script>")
	if script != pageScript {
		t.Fatalf("the page's script is not page.js as it is")
	}
	sum := sha256.Sum256([]byte(script))
	if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(pagePolicy(), "script-src "+hash+";") {
		t.Errorf("policy %q does not allow the script %s", pagePolicy(), hash)
	}
}

// TestServedPageNotesHidden: while the teacher hides the notes, the student's page is written without the
// recorded output of a cell not revealed (only the note that stands for it), and with a revealed cell's; the
// teacher's page has every one, veiled until revealed; writeNotesPanel gives one cell's panel as the page has it.
func TestServedPageNotesHidden(t *testing.T) {
	src := strings.Replace(serverLesson, "hello", "secret of two", 1)
	student := servedPage(t, src, &pageView{Lesson: "l.md", NotesHidden: true, Withhold: true})
	if strings.Contains(student, "secret of two") || !strings.Contains(student, `<div class="panel notes withheld"><div class="pane-title">Notes</div><p class="hidden-note">`) {
		t.Errorf("student's page, notes hidden:\n%s", student)
	}
	revealed := &pageView{Lesson: "l.md", NotesHidden: true, Revealed: map[int]bool{2: true}, Withhold: true}
	if page := servedPage(t, src, revealed); !strings.Contains(page, `<div class="panel notes"><div class="pane-title">Notes</div><pre class="output term-container">secret of two`) {
		t.Errorf("student's page, In [2] revealed, lacks its notes")
	}
	teacher := servedPage(t, src, &pageView{Lesson: "l.md", Teacher: true, NotesHidden: true})
	if !strings.Contains(teacher, `<div class="panel notes veiled"><div class="pane-title">Notes</div><pre class="output term-container">secret of two`) ||
		!strings.Contains(teacher, `data-notes="hidden"`) || !strings.Contains(teacher, `data-action="hide-notes" aria-pressed="true"`) {
		t.Errorf("teacher's page, notes hidden, lacks the veiled notes or the state")
	}
	if shown := servedPage(t, src, &pageView{Lesson: "l.md", Withhold: true}); !strings.Contains(shown, "secret of two") || strings.Contains(shown, `notes withheld"`) {
		t.Errorf("student's page, notes not hidden, withholds them")
	}

	l, err := lesson.Parse("l.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeNotesPanel(&b, l, revealed, 2); err != nil {
		t.Fatal(err)
	}
	want := `<div class="panel notes"><div class="pane-title">Notes</div><pre class="output term-container">secret of two` + "\n" +
		`</pre><p class="hidden-note">Hidden until the cell has run: what will it print?</p></div>` + "\n"
	if b.String() != want || !strings.Contains(servedPage(t, src, revealed), want) {
		t.Errorf("writeNotesPanel wrote\n%s\nwant the page's panel\n%s", b.String(), want)
	}
	b.Reset()
	if err := writeNotesPanel(&b, l, &pageView{NotesHidden: true, Withhold: true}, 2); err != nil || strings.Contains(b.String(), "secret") {
		t.Errorf("writeNotesPanel of a withheld cell: %v\n%s", err, b.String())
	}
	if err := writeNotesPanel(&b, l, &pageView{}, 3); err == nil || err.Error() != "l.md: no cell In [3]" {
		t.Errorf("writeNotesPanel of no cell: %v", err)
	}
}

// TestErrorPage: the page of a lesson that does not load shows its key and errors as text, runs one script,
// the one its policy allows, and that script reloads on its lesson's reload event (Reload's name).
func TestErrorPage(t *testing.T) {
	page, script := errorPage(`a"<b>.md`, errors.New("a.md:1:1: <script>x</script>"))
	for _, want := range []string{`<body data-lesson="a&#34;&lt;b&gt;.md">`, "&lt;script&gt;x&lt;/script&gt;", "<script>" + script + "</script>"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the error page lacks %q:\n%s", want, page)
		}
	}
	if n := bytes.Count(page, []byte("<script")); n != 1 {
		t.Errorf("the error page has %d scripts, want its own", n)
	}
	if !strings.HasPrefix(script, `new EventSource("/api/events").addEventListener("`+Reload{}.EventName()+`", `) ||
		!strings.Contains(script, `JSON.parse(e.data).lesson === "a\"\u003cb\u003e.md"`) {
		t.Errorf("the error page's script does not follow its lesson's reloads: %s", script)
	}
	sum := sha256.Sum256([]byte(script))
	if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(policyFor(script), "script-src "+hash+";") {
		t.Errorf("policy %q does not allow the script %s", policyFor(script), hash)
	}
}
