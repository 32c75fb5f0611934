package serve

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"classnotes/runner/class"
	"classnotes/runner/site/sitetest"
)

// TestBrowserClassView is the teacher's Class view in headless Chromium, against a real server with LAN: a
// report before the page opens (from GET /api/class) and reports after (from the class events) fill a table of
// students × exercises, coloured by state, with the counts as the server words them; a student's name that is
// markup shows as text; a student's report again changes their row only. A student's page has no Class view.
// The table is what the lead's end-to-end test reads: #class with data-students and data-seq, a row per
// student (tr[data-student][data-name]), a cell per exercise (td[data-exercise][data-status]), and
// #class-counts li[data-exercise][data-solved][data-reported] with the counts' text.
func TestBrowserClassView(t *testing.T) {
	sitetest.Chromium(t)
	f := newClassFixture(t, 0)
	report := func(name string, results ...any) {
		t.Helper()
		if resp, body := f.postReport(t, strings.NewReader(reportOf(t, name, results...))); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("report of %s: %d %s", name, resp.StatusCode, body)
		}
	}
	report("Ana", 2, class.Solved, 3, class.NotYet)

	var thrown sitetest.Exceptions
	ctx := sitetest.Browser(t, 3*time.Minute, thrown.Listen)
	b := sitetest.Tab{T: t, Ctx: ctx}
	b.Do("open the token URL", chromedp.Navigate(f.http.URL+"/?token="+token))
	b.Do("open the lesson", chromedp.Navigate(f.http.URL+"/ex.html"))
	b.Wait(`document.body.dataset.connected === "true"`)
	if !sitetest.Eval[bool](b, `document.getElementById("class-view").hidden`) {
		t.Errorf("the Class view shows before the teacher asks for it")
	}
	b.Do("show the Class view", chromedp.Click(chromedp.CSS(`.toolbar [data-action="class"]`)))
	b.Wait(`document.querySelector("#class").dataset.students === "1"`)
	if got := sitetest.Eval[string](b, `document.getElementById("class-view").hidden + " " + document.querySelector('[data-action="class"]').getAttribute("aria-pressed")`); got != "false true" {
		t.Errorf("after the click, hidden and pressed: %s", got)
	}

	const script = "<script>alert(1)</script>"
	report(script, 2, class.NoCompile)
	report("Bo", 2, class.Solved, 3, class.TimedOut)
	b.Wait(`document.querySelector("#class").dataset.seq === "3"`)
	rows := `Array.from(document.querySelectorAll("#class tbody tr")).map(tr => tr.dataset.student + " " + tr.querySelector("th").textContent + ": " +
		Array.from(tr.querySelectorAll("td[data-exercise]")).map(td => td.dataset.exercise + "=" + td.dataset.status).join(", ")).join("|")`
	want := "0 Ana: ex.md In [2]=solved, ex.md In [3]=not yet|1 " + script + ": ex.md In [2]=does not compile, ex.md In [3]=|2 Bo: ex.md In [2]=solved, ex.md In [3]=timed out"
	if got := sitetest.Eval[string](b, rows); got != want {
		t.Errorf("the Class view's rows:\n%s\nwant\n%s", got, want)
	}
	counts := `Array.from(document.querySelectorAll("#class-counts li")).map(li => li.dataset.exercise + " " + li.dataset.solved + "/" + li.dataset.reported + " " + li.textContent).join("|")`
	if got, want := sitetest.Eval[string](b, counts), "ex.md In [2] 2/3 ex.md In [2]: 2 of 3 solved; 1 does not compile|ex.md In [3] 0/2 ex.md In [3]: 0 of 2 solved; 1 not yet; 1 timed out"; got != want {
		t.Errorf("the counts:\n%s\nwant\n%s", got, want)
	}
	if n := sitetest.Eval[int](b, `document.querySelectorAll("#class-view script, #class-view b, script:not(:last-of-type)").length`); n != 0 {
		t.Errorf("a student's name made %d elements", n)
	}
	colours := `Array.from(document.querySelectorAll('#class tbody tr[data-student="0"] td[data-exercise], #class tbody tr[data-student="2"] td[data-exercise]')).map(td => getComputedStyle(td).backgroundColor).join(" ")`
	if got := sitetest.Eval[string](b, colours); got != "rgb(26, 127, 55) rgb(242, 178, 48) rgb(26, 127, 55) rgb(107, 114, 128)" {
		t.Errorf("the colours of solved, not yet, solved, timed out: %s", got)
	}
	if got := sitetest.Eval[string](b, `document.querySelector('#class tbody tr[data-student="0"] td[data-exercise]').textContent`); got != "solved · 1.5 s" {
		t.Errorf("a cell reads %q", got)
	}

	// Ana reports again: her row changes, in place; the others' do not.
	report("Ana", 2, class.Solved, 3, class.Solved)
	b.Wait(`document.querySelector("#class").dataset.seq === "4"`)
	want = strings.Replace(want, "0 Ana: ex.md In [2]=solved, ex.md In [3]=not yet", "0 Ana: ex.md In [2]=solved, ex.md In [3]=solved", 1)
	if got := sitetest.Eval[string](b, rows); got != want {
		t.Errorf("after Ana's second report:\n%s\nwant\n%s", got, want)
	}
	t.Logf("teacher: %s", sitetest.Screenshot(t, ctx, "serve-class"))

	// A student's page, without the token: no Class view, nothing of the class.
	s := sitetest.Tab{T: t, Ctx: sitetest.Incognito(t, ctx)}
	s.Do("open the lesson as a student", chromedp.Navigate(f.http.URL+"/ex.html"))
	s.Wait(`document.body.dataset.connected === "true"`)
	report("Cy", 2, class.Solved)
	b.Wait(`document.querySelector("#class").dataset.seq === "5"`)
	if got := sitetest.Eval[string](s, `document.body.dataset.view + " " + document.querySelectorAll("#class-view, #class, [data-action=class]").length + " " + document.body.textContent.includes("Ana")`); got != "student 0 false" {
		t.Errorf("a student's page: %s", got)
	}
	thrown.Check(t)
}
