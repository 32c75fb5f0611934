package serve

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/lesson"
	"classnotes/runner/site/sitetest"
)

// browserLesson is the lesson of the browser test: a cell that prints five lines a fifth of a second apart
// (recorded output out of date), a TCP server cell that says when a client connects, and its client.
const browserLesson = "# Live in class\n\nProse before the cells.\n\n" +
	"In [1]:\n\n```go\npackage main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n" +
	"\tfor i := 1; i <= 5; i++ {\n\t\tif i > 1 {\n\t\t\ttime.Sleep(200 * time.Millisecond)\n\t\t}\n" +
	"\t\tfmt.Printf(\"\\033[32mline %d\\033[0m\\n\", i)\n\t}\n}\n```\n\nOut [1]:\n\n```text\nold output\n```\n\n" +
	"Prose between the cells.\n\n" +
	"In [2]:\n\n```go background ready=tcp:127.0.0.1:PORT\npackage main\n\nimport (\n\t\"fmt\"\n\t\"net\"\n)\n\n" +
	"func main() {\n\tln, err := net.Listen(\"tcp\", \"127.0.0.1:PORT\")\n\tif err != nil {\n\t\tpanic(err)\n\t}\n" +
	"\tfmt.Println(\"listening\")\n\tfor {\n\t\tconn, err := ln.Accept()\n\t\tif err != nil {\n\t\t\treturn\n\t\t}\n" +
	"\t\tfmt.Println(\"Connected\")\n\t\tfmt.Fprintln(conn, \"hello from the server\")\n\t\tconn.Close()\n\t}\n}\n```\n\n" +
	"In [3]:\n\n```go\npackage main\n\nimport (\n\t\"bufio\"\n\t\"fmt\"\n\t\"net\"\n)\n\n" +
	"func main() {\n\tconn, err := net.Dial(\"tcp\", \"127.0.0.1:PORT\")\n\tif err != nil {\n\t\tfmt.Println(err)\n\t\treturn\n\t}\n" +
	"\tline, _ := bufio.NewReader(conn).ReadString('\\n')\n\tfmt.Print(line)\n}\n```\n"

// outOf returns the bytes of lesson src before and after cell n's Out block, and the block.
func outOf(t *testing.T, src []byte, n int) (before, out, after []byte) {
	t.Helper()
	l, err := lesson.Parse("lesson.md", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range l.Cells {
		if c.Number == n && c.Out != nil {
			return src[:c.Out.Start], src[c.Out.Start:c.Out.End], src[c.Out.End:]
		}
	}
	t.Fatalf("the lesson has no Out [%d]", n)
	return nil, nil, nil
}

// TestBrowserServe is a class with runner serve in headless Chromium: the teacher opens the token URL and the
// lesson, runs a cell and sees its output stream in line by line and the verdict, accepts it (only that Out
// block changes on disk), starts a server from its client cell and sees the server's output grow as the client
// connects, and edits the lesson's prose on disk: the page shows it and keeps the live outputs. A student on
// the LAN without the token sees no controls and follows a run. Screenshots go to $CLASSNOTES_SCREENSHOTS.
func TestBrowserServe(t *testing.T) {
	sitetest.Chromium(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "lesson.md")
	lessontest.Write(t, path, strings.ReplaceAll(browserLesson, "PORT", fmt.Sprint(lessontest.FreePort(t))))
	cfg := Config{Engine: newEngine(t), Root: dir, Files: []string{path}, Token: "t0k3n-for-the-browser"}
	_, teacher := startServer(t, cfg)
	var thrown sitetest.Exceptions
	ctx := sitetest.Browser(t, 5*time.Minute, thrown.Listen)
	b := sitetest.Tab{T: t, Ctx: ctx}
	b.Do("open the token URL", chromedp.Navigate(teacher.URL+"/?token=t0k3n-for-the-browser"))
	if u := sitetest.Eval[string](b, `location.href`); u != teacher.URL+"/" {
		t.Errorf("the token URL leads to %s", u)
	}
	b.Do("open the lesson", chromedp.Navigate(teacher.URL+"/lesson.html"))
	b.Wait(`document.body.dataset.connected === "true"`)
	if v := sitetest.Eval[string](b, `document.body.dataset.view`); v != "teacher" {
		t.Fatalf("the token holder sees the %s view", v)
	}

	// Run cell 1, noting every state of its Live panel.
	b.Do("observe", chromedp.Evaluate[chromedp.Void](`window.states = [];
		new MutationObserver(() => {
			const t = document.querySelector("#cell-1 .live .output").textContent;
			if (t && window.states[window.states.length - 1] !== t) window.states.push(t);
		}).observe(document.querySelector("#cell-1 .live .output"), {childList: true, subtree: true, characterData: true})`))
	b.Do("run cell 1", chromedp.Click(chromedp.CSS(`#cell-1 [data-action="run"]`)))
	b.Wait(`!document.querySelector("#cell-1 .verdict").hidden`)
	want := "line 1\nline 2\nline 3\nline 4\nline 5\n"
	states, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.states`))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range states {
		if !strings.HasPrefix(want, s) || (i > 0 && !strings.HasPrefix(s, states[i-1])) {
			t.Errorf("the Live panel read %q after %q", s, states[max(i-1, 0)])
		}
	}
	if len(states) < 2 || states[len(states)-1] != want {
		t.Errorf("the Live panel went through %q; want the five lines as they came", states)
	}
	if got := sitetest.Eval[string](b, `Array.from(document.querySelectorAll("#cell-1 .live .output span")).map(s => s.className + ":" + s.textContent).join()`); !strings.Contains(got, "term-fg32:line 5") {
		t.Errorf("cell 1's colours: %s", got)
	}
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-1 .verdict").innerText + document.querySelector("#cell-1 .live .badges").innerText`); !strings.Contains(got, "differs from the notes") || !strings.Contains(got, "+line 5") || !strings.Contains(got, "exit 0") {
		t.Errorf("cell 1's verdict and badges: %q", got)
	}

	// Accept: only Out [1] changes on disk, and the page shows it as the notes, keeping the Live panel.
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b.Do("accept", chromedp.Click(chromedp.CSS(`#cell-1 [data-action="accept"]`)))
	b.Wait(`document.querySelector("#cell-1 .message").textContent === "Written into the lesson."`)
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-1 .verdict").textContent`); got != "accepted: the notes now hold this output" {
		t.Errorf("after Accept, the verdict reads %q", got)
	}
	now, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	oldBefore, oldOut, oldAfter := outOf(t, old, 1)
	nowBefore, nowOut, nowAfter := outOf(t, now, 1)
	if !bytes.Equal(oldBefore, nowBefore) || !bytes.Equal(oldAfter, nowAfter) {
		t.Errorf("Accept changed the lesson outside Out [1]:\n%s", now)
	}
	if !bytes.Contains(nowOut, []byte(want)) || bytes.Contains(nowOut, []byte("old output")) {
		t.Errorf("Out [1] was\n%s\nand is\n%s", oldOut, nowOut)
	}
	b.Wait(`document.querySelector("#cell-1 .notes .output").textContent.includes("line 5")`)
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-1 .live .output").textContent`); got != want {
		t.Errorf("after the reload, cell 1's Live panel reads %q", got)
	}

	// The client, with its server down: the page offers to start the server; then the client connects.
	b.Do("run the client", chromedp.Click(chromedp.CSS(`#cell-3 [data-action="run"]`)))
	b.Wait(`document.querySelector("#cell-3 .servers button") !== null`)
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-3 .servers").innerText`); !strings.Contains(got, "In [2] (its server) is not running") {
		t.Errorf("cell 3 says %q", got)
	}
	b.Do("start the server", chromedp.Click(chromedp.CSS(`#cell-3 .servers button`)))
	b.Wait(`document.querySelector("#cell-2 .live .output").textContent.includes("listening")`)
	b.Wait(`!document.querySelector('#cell-3 [data-action="run"]').disabled && document.querySelector("#cell-3").classList.contains("ended")`)
	b.Do("run the client again", chromedp.Click(chromedp.CSS(`#cell-3 [data-action="run"]`)))
	b.Wait(`document.querySelector("#cell-3 .live .output").textContent.includes("hello from the server")`)
	b.Wait(`document.querySelector("#cell-2 .live .output").textContent.includes("Connected")`)
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-2").className + " " + document.querySelector('#cell-2 [data-action="stop"]').disabled`); !strings.Contains(got, "running") || !strings.HasSuffix(got, "false") {
		t.Errorf("the server cell: %s", got)
	}

	// Edit the prose on disk: the page shows it, the Live panels stay.
	edited := bytes.Replace(now, []byte("Prose between the cells."), []byte("Prose edited on disk."), 1)
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	b.Wait(`document.querySelector("main").textContent.includes("Prose edited on disk.")`)
	for n, want := range map[int]string{1: "line 5", 2: "Connected", 3: "hello from the server"} {
		if got := sitetest.Eval[string](b, fmt.Sprintf(`document.querySelector("#cell-%d .live .output").textContent`, n)); !strings.Contains(got, want) {
			t.Errorf("after the edit, cell %d's Live panel reads %q", n, got)
		}
	}
	b.Do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	t.Logf("teacher: %s", sitetest.Screenshot(t, ctx, "serve-teacher"))
	b.Do("stop the server", chromedp.Click(chromedp.CSS(`#cell-2 [data-action="stop"]`)))
	b.Wait(`document.querySelector("#cell-2").classList.contains("ended")`)

	// Run all: every cell runs again, the server around its client, and each gets its verdict.
	b.Do("forget the verdicts", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll(".verdict").forEach(v => v.replaceChildren())`))
	b.Do("run all", chromedp.Click(chromedp.CSS(`[data-action="run-all"]`)))
	b.Wait(`Array.from(document.querySelectorAll(".verdict")).every(v => v.textContent !== "") && !document.querySelector(".cell.running")`)
	if got := sitetest.Eval[string](b, `Array.from(document.querySelectorAll(".verdict")).map(v => v.textContent).join("|")`); got != "matches the notes|no recorded output to compare with|no recorded output to compare with" {
		t.Errorf("after Run all, the verdicts read %q", got)
	}
	if got := sitetest.Eval[string](b, `document.querySelector("#cell-2 .live .output").textContent`); got != "listening\nConnected\n" {
		t.Errorf("after Run all, the server printed %q", got)
	}

	// A student on the LAN, without the token: no controls, and the teacher's runs appear.
	cfg.LAN = true
	_, student := startServer(t, cfg)
	s := sitetest.Tab{T: t, Ctx: sitetest.Incognito(t, ctx)}
	s.Do("open the lesson as a student", chromedp.Navigate(student.URL+"/lesson.html"))
	s.Wait(`document.body.dataset.connected === "true"`)
	if v := sitetest.Eval[string](s, `document.body.dataset.view + " " + document.querySelectorAll("button").length + " " + Array.from(document.querySelectorAll("button")).map(b => b.textContent).join("|")`); v != "student 2 Presentation|Hide notes until run" {
		t.Errorf("the student sees: %s", v)
	}
	req, err := http.NewRequest("POST", student.URL+"/api/run", strings.NewReader(`{"lesson":"lesson.md","cell":1}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer t0k3n-for-the-browser")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the teacher's run on the LAN server: %s", resp.Status)
	}
	s.Wait(`document.querySelector("#cell-1 .verdict").textContent === "matches the notes"`)
	if got := sitetest.Eval[string](s, `document.querySelector("#cell-1 .live .output").textContent`); got != want {
		t.Errorf("the student's Live panel reads %q", got)
	}
	t.Logf("student: %s", sitetest.Screenshot(t, s.Ctx, "serve-student"))
	thrown.Check(t)
}
