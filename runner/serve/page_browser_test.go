package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"classnotes/runner/lesson"
	"classnotes/runner/site"
	"classnotes/runner/site/sitetest"
)

// fakeServer plays runner serve's part for the page's script: it serves a lesson's teacher and student pages
// under the page's Content-Security-Policy, sends the events the test gives it to every tab, and answers the
// API as the test says, passing each request on. It runs nothing.
type fakeServer struct {
	t        *testing.T
	mu       sync.Mutex
	prose    string
	notes    string // what GET /api/notes answers: the state of the notes
	tabs     []chan string
	requests chan apiRequest
	done     chan struct{} // closed to end the event streams
}

type apiRequest struct {
	Path string
	Body map[string]any
}

const fakeLesson = "# Live lesson\n\n%s\n\nIn [1]:\n\n```go background ready=tcp:127.0.0.1:50123\npackage main\n\nfunc main() {}\n```\n\n" +
	"In [2]:\n\n```go\npackage main\n\nfunc main() {\n\tif true {\n\t\t" + longLine + "\n\t}\n}\n```\n\nOut [2]:\n\n```text\nrecorded line\n```\n\n%s"

// longLine is a line of code longer than the page is wide in presentation mode.
const longLine = `println("a line of code that is longer than the page is wide once the type is as large as a projector needs", 42)`

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/api/events":
		f.events(w, r)
	case r.URL.Path == "/api/notes" && r.Method == http.MethodGet:
		f.mu.Lock()
		notes := f.notes
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, notes)
	case strings.HasPrefix(r.URL.Path, "/api/"):
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Method != http.MethodPost {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		f.requests <- apiRequest{r.URL.Path, body}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/notes":
			json.NewEncoder(w).Encode(Notes{Lesson: "lesson.md", Hidden: body["hidden"] == true, Revealed: []int{1}})
		case r.URL.Path == "/api/accept":
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `{"error":"the lesson changed on disk since the run began"}`)
		case r.URL.Path == "/api/run" && body["cell"] == 2.0:
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"run":"r2","down":[1]}`)
		default:
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"run":"r"}`)
		}
	case r.URL.Path == "/teacher.html" || r.URL.Path == "/student.html":
		f.mu.Lock()
		src := fmt.Sprintf(fakeLesson, f.prose, strings.Repeat("Filler prose to make the page scroll.\n\n", 40))
		f.mu.Unlock()
		l, err := lesson.Parse("lesson.md", []byte(src))
		if err != nil {
			f.t.Error(err)
			return
		}
		var b bytes.Buffer
		err = writePage(&b, l, nil, "", &pageView{Lesson: "lesson.md", Teacher: r.URL.Path == "/teacher.html"})
		if err != nil {
			f.t.Error(err)
		}
		w.Header().Set("Content-Security-Policy", pagePolicy())
		w.Write(b.Bytes())
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeServer) events(w http.ResponseWriter, r *http.Request) {
	tab := make(chan string, 100)
	f.mu.Lock()
	f.tabs = append(f.tabs, tab)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-f.done:
			return
		case msg := <-tab:
			io.WriteString(w, msg)
			w.(http.Flusher).Flush()
		}
	}
}

// send sends an event to every tab, encoded as the server encodes it.
func (f *fakeServer) send(e Event) {
	msg := string(encode(e))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, tab := range f.tabs {
		tab <- msg
	}
}

// request returns the next API request the page made.
func (f *fakeServer) request(ctx context.Context) apiRequest {
	f.t.Helper()
	select {
	case r := <-f.requests:
		return r
	case <-ctx.Done():
		f.t.Fatalf("the page made no API request: %v", ctx.Err())
		return apiRequest{}
	}
}

// TestBrowserServePage drives the served page's script in headless Chromium against a fake server: output
// streamed in chunks that cut escape sequences and line endings, the verdict, Accept refused, a client whose
// server is down, keys, toggles, live reload that keeps the Live panels, the error overlay, and the student
// view following the events without controls.
func TestBrowserServePage(t *testing.T) {
	f := &fakeServer{t: t, prose: "Prose as first written.", notes: `{"lesson":"lesson.md","hidden":false,"revealed":[]}`, requests: make(chan apiRequest, 10), done: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(f.done) })
	var thrown sitetest.Exceptions
	ctx := sitetest.Browser(t, 2*time.Minute, thrown.Listen)
	b := sitetest.Tab{T: t, Ctx: ctx}
	b.Do("open the teacher's page", chromedp.Navigate(srv.URL+"/teacher.html"))
	b.Wait(`document.body.dataset.connected === "true"`)

	b.Do("click Run", chromedp.Click(chromedp.CSS(`#cell-1 [data-action="run"]`)))
	if r := f.request(ctx); r.Path != "/api/run" || fmt.Sprint(r.Body) != "map[cell:1 lesson:lesson.md]" {
		t.Errorf("Run sent %s %v", r.Path, r.Body)
	}
	f.send(Started{Lesson: "lesson.md", Cell: 1, Run: "r1"})
	for _, chunk := range []string{"\x1b[9", "2mgre", "en\x1b[0m <script>alert(1)</script>\r", "\nline 2\n\x1b[1;31mbold red\x1b", "[0m\n"} {
		f.send(Output{Lesson: "lesson.md", Cell: 1, Run: "r1", Text: chunk})
	}
	f.send(Output{Lesson: "other.md", Cell: 1, Run: "x", Text: "another lesson's output\n"})
	live := `document.querySelector("#cell-1 .live .output")`
	b.Wait(live + `.textContent.includes("bold red\n")`)
	if got := sitetest.Eval[string](b, live+`.textContent`); got != "green <script>alert(1)</script>\nline 2\nbold red\n" {
		t.Errorf("Live panel reads %q", got)
	}
	spans := sitetest.Eval[[]string](b, `Array.from(`+live+`.querySelectorAll("span")).map(s => s.className + ":" + s.textContent)`)
	if fmt.Sprint(spans) != "[term-fgi92:gre term-fgi92:en term-fg31 term-fg1:bold red]" {
		t.Errorf("Live panel spans %q", spans)
	}
	if n := sitetest.Eval[int](b, `document.querySelectorAll("main script, .live .output *:not(span), .live .output span *").length`); n != 0 {
		t.Errorf("program output made %d elements", n)
	}
	if got := sitetest.Eval[string](b, `["run", "stop", "accept"].map(a => document.querySelector('#cell-1 [data-action="' + a + '"]').disabled).join()`); got != "true,false,true" {
		t.Errorf("while running, Run, Stop, Accept disabled: %s", got)
	}

	ms := int64(500)
	f.send(End{Lesson: "lesson.md", Cell: 1, Run: "r1", Status: "exit status 0", Outcome: "ok",
		Verdict: "differs", Diff: "--- notes\n+++ live\n@@ -1 +1 @@\n-green\n+green <b>x</b>", DurationMS: &ms,
		Badges: []site.Badge{{Text: "exit 0", Kind: "ok"}, {Text: "0.50 s", Kind: "info\" onclick=\"x"}}})
	b.Wait(`!document.querySelector('#cell-1 [data-action="accept"]').disabled`)
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-1 .verdict").innerText`); !strings.Contains(got, "differs from the notes") || !strings.Contains(got, "+green <b>x</b>") {
		t.Errorf("verdict reads %q", got)
	}
	if got := sitetest.Eval[[]string](b, `Array.from(document.querySelectorAll("#cell-1 .live .badge")).map(s => s.className + ":" + s.textContent)`); fmt.Sprint(got) != "[badge ok:exit 0 badge info:0.50 s]" {
		t.Errorf("badges %q", got)
	}
	b.Do("click Accept", chromedp.Click(chromedp.CSS(`#cell-1 [data-action="accept"]`)))
	if r := f.request(ctx); r.Path != "/api/accept" || fmt.Sprint(r.Body) != "map[cell:1 lesson:lesson.md run:r1]" {
		t.Errorf("Accept sent %s %v", r.Path, r.Body)
	}
	b.Wait(`document.querySelector("#cell-1 .message").textContent === "the lesson changed on disk since the run began"`)
	f.send(RunError{Lesson: "lesson.md", Cell: 2, Run: "r9", Message: "a run's error, not the lesson's"})
	b.Wait(`document.querySelector("#cell-2 .message").textContent === "a run's error, not the lesson's"`)
	if !sitetest.Eval[bool](b, `document.querySelector(".overlay").hidden`) {
		t.Errorf("a run's error shows as the lesson's")
	}
	b.Do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	sitetest.Screenshot(t, ctx, "serve-page-teacher")

	// Shift+Enter on cell 2, whose server is down: the page offers to start it.
	b.Do("focus cell 2", chromedp.Focus(chromedp.CSS("#cell-2")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)))
	if r := f.request(ctx); fmt.Sprint(r.Body) != "map[cell:2 lesson:lesson.md]" {
		t.Errorf("Shift+Enter sent %s %v", r.Path, r.Body)
	}
	f.send(Servers{Lesson: "lesson.md", Cell: 2, Down: []int{1}})
	b.Wait(`document.querySelector("#cell-2 .servers button") !== null`)
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-2 .servers").innerText`); strings.Count(got, "In [1] (its server) is not running") != 1 {
		t.Errorf("cell 2 says %q", got)
	}
	// Clicked from the page's own script: the offer may be drawn again (the run's answer and the servers event
	// both carry it) between a node lookup and a click, which then finds no node.
	b.Do("start the server", chromedp.Evaluate[chromedp.Void](`document.querySelector("#cell-2 .servers button").click()`))
	if r := f.request(ctx); fmt.Sprint(r.Body) != "map[cell:1 lesson:lesson.md]" {
		t.Errorf("Start In [1] sent %s %v", r.Path, r.Body)
	}
	f.send(Started{Lesson: "lesson.md", Cell: 1, Run: "r3"})
	f.send(Output{Lesson: "lesson.md", Cell: 1, Run: "r3", Text: "listening\n"})
	b.Wait(`document.querySelector("#cell-2 .servers").hidden && ` + live + `.textContent === "listening\n"`)
	f.send(End{Lesson: "lesson.md", Cell: 1, Run: "r3", Verdict: "matches", Outcome: "stopped (signal: interrupt)"})
	b.Wait(`document.querySelector("#cell-1 .verdict").textContent === "matches the notes"`)

	b.Do("run all", chromedp.Click(chromedp.CSS(`[data-action="run-all"]`)))
	if r := f.request(ctx); r.Path != "/api/run" || fmt.Sprint(r.Body) != "map[cell:0 lesson:lesson.md]" {
		t.Errorf("Run all sent %s %v", r.Path, r.Body)
	}

	// Keys and toggles.
	b.Do("k", chromedp.KeyEvent("k"))
	b.Wait(`document.querySelector("#cell-1").classList.contains("current")`)
	b.Do("hide notes", chromedp.Click(chromedp.CSS(`[data-action="hide-notes"]`)))
	if r := f.request(ctx); r.Path != "/api/notes" || fmt.Sprint(r.Body) != "map[hidden:true lesson:lesson.md]" {
		t.Errorf("Hide notes sent %s %v", r.Path, r.Body)
	}
	b.Wait(`document.querySelector('[data-action="hide-notes"]').getAttribute("aria-pressed") === "true"`)
	hidden := `(getComputedStyle(document.querySelector("#cell-%d .notes pre")).display === "none")`
	if got := sitetest.Eval[string](b, fmt.Sprintf(hidden, 1)+` + "," + `+fmt.Sprintf(hidden, 2)); got != "false,true" {
		t.Errorf("with notes hidden until run, cell 1 (revealed), cell 2 (not revealed) hidden: %s", got)
	}
	f.send(Notes{Lesson: "lesson.md", Hidden: false, Revealed: []int{}})
	b.Wait(`document.querySelector('[data-action="hide-notes"]').getAttribute("aria-pressed") === "false"`)
	if got := sitetest.Eval[string](b, fmt.Sprintf(hidden, 1)+` + "," + `+fmt.Sprintf(hidden, 2)); got != "false,false" {
		t.Errorf("with the notes shown again, cell 1, cell 2 hidden: %s", got)
	}
	b.Do("presentation", chromedp.Click(chromedp.CSS(`[data-action="present"]`)))
	if got := sitetest.Eval[string](b, `getComputedStyle(document.documentElement).fontSize + " " + getComputedStyle(document.querySelector("#cell-2")).opacity`); got != "28px 0.35" {
		t.Errorf("presentation: font size, other cell's opacity %s", got)
	}
	// The long line wraps inside its block, its continuation further right than the line's start, which is
	// where the line's own indentation puts it.
	wrap := sitetest.Eval[[]float64](b, `(() => {
		const pre = document.querySelector("#cell-2 .in pre");
		const long = Array.from(pre.querySelectorAll(".line")).find(l => l.textContent.includes("projector"));
		const code = long.querySelector(".w:first-child").nextElementSibling.getBoundingClientRect().left;
		const lines = Array.from(long.querySelectorAll("span:not(.w):not(.cl)")).flatMap(s => Array.from(s.getClientRects()));
		const first = Math.min(...lines.map(r => r.top));
		const rest = lines.filter(r => r.top > first + 1);
		const tops = new Set(lines.map(r => Math.round(r.top)));
		const indent = document.querySelector("#cell-2 .in pre .line:nth-child(4) .w:first-child + span").getBoundingClientRect().left;
		const left = pre.getBoundingClientRect().left;
		return [pre.scrollWidth - pre.clientWidth, tops.size, code - left, Math.min(...rest.map(r => r.left)) - code, indent - left];
	})()`)
	if len(wrap) != 5 || wrap[0] > 0 || wrap[1] < 2 || wrap[3] <= 0 || wrap[2] <= wrap[4] {
		t.Errorf("presentation: the long line overflows by %vpx, takes %v lines, starts %vpx in, its continuation %vpx right of its start, the line above it starts %vpx in", wrap[0], wrap[1], wrap[2], wrap[3], wrap[4])
	}
	b.Do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	sitetest.Screenshot(t, ctx, "serve-page-presentation")

	// Live reload keeps the Live panels and the scroll position; an error shows over the page until the next.
	b.Do("scroll", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 300)`))
	f.mu.Lock()
	f.prose = "Prose saved again."
	f.mu.Unlock()
	f.send(Reload{Lesson: "lesson.md"})
	b.Wait(`document.querySelector("main p").textContent === "Prose saved again."`)
	if got := sitetest.Eval[string](b, live+`.textContent + "|" + document.querySelector("#cell-1 .verdict").textContent + "|" + window.scrollY`); got != "listening\n|matches the notes|300" {
		t.Errorf("after the reload: %q", got)
	}
	f.send(LessonError{Lesson: "lesson.md", Message: "lesson.md:12:1: In [3]: expected a <b>```go</b> block"})
	b.Wait(`!document.querySelector(".overlay").hidden`)
	if got := sitetest.Eval[string](b, `document.querySelector(".overlay-message").textContent + document.querySelectorAll(".overlay b").length`); got != "lesson.md:12:1: In [3]: expected a <b>```go</b> block0" {
		t.Errorf("overlay reads %q", got)
	}
	b.Do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	sitetest.Screenshot(t, ctx, "serve-page-error")
	f.send(Reload{Lesson: "lesson.md"})
	b.Wait(`document.querySelector(".overlay").hidden`)

	// The student's view: no controls, the same events. The page was written with the notes shown; the state
	// it asks for once connected (events sent before are lost) hides them.
	f.mu.Lock()
	f.notes = `{"lesson":"lesson.md","hidden":true,"revealed":[1]}`
	f.mu.Unlock()
	s := sitetest.Tab{T: t, Ctx: sitetest.Incognito(t, ctx)}
	s.Do("open the student's page", chromedp.Navigate(srv.URL+"/student.html"))
	s.Wait(`document.body.dataset.connected === "true"`)
	s.Wait(`document.querySelector("#cell-2 .notes").classList.contains("veiled")`)
	if got := sitetest.Eval[string](s, fmt.Sprintf(hidden, 1)+` + "," + `+fmt.Sprintf(hidden, 2)); got != "false,true" {
		t.Errorf("the student's page, notes hidden and cell 1 revealed, hides cell 1, cell 2: %s", got)
	}
	if n := sitetest.Eval[int](s, `document.querySelectorAll("[data-action=run], [data-action=stop], [data-action=accept], [data-action=run-all]").length`); n != 0 {
		t.Errorf("the student's page has %d controls", n)
	}
	f.send(Started{Lesson: "lesson.md", Cell: 2, Run: "r4"})
	f.send(Output{Lesson: "lesson.md", Cell: 2, Run: "r4", Text: "from the teacher's run\n"})
	f.send(Servers{Lesson: "lesson.md", Cell: 2, Down: []int{1}})
	s.Wait(`document.querySelector("#cell-2 .live .output").textContent === "from the teacher's run\n" && !document.querySelector("#cell-2 .servers").hidden`)
	if n := sitetest.Eval[int](s, `document.querySelectorAll("button:not([data-action=present]):not([data-action=hide-notes])").length`); n != 0 {
		t.Errorf("the student's page has %d buttons besides the toggles", n)
	}
	s.Do("Shift+Enter", chromedp.Focus(chromedp.CSS("#cell-2")), chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierShift)))
	s.Do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	sitetest.Screenshot(t, s.Ctx, "serve-page-student")
	select {
	case r := <-f.requests:
		t.Errorf("the student's page sent %s %v", r.Path, r.Body)
	default:
	}
	thrown.Check(t)
}
