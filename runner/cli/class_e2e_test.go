package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"classnotes/runner/site/sitetest"
)

// copyTree copies the regular files and directories under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// edit replaces old by new in the file at path, which must hold old.
func edit(t *testing.T, path, old, new string) {
	t.Helper()
	src := readFile(t, path)
	if !strings.Contains(src, old) {
		t.Fatalf("%s has no %q:\n%s", path, old, src)
	}
	writeFile(t, path, strings.Replace(src, old, new, 1))
}

// TestClassThirty is the class, live, end to end: the teacher serves a course of two lessons with an exercise
// each (serve --lan); 30 students run the real check --report in their handouts (10 solved both, 10 whose
// first exercise does not compile, 10 who did nothing: the default starter panics, the other prints the
// starter's answer); the teacher's page in headless Chromium shows the Class view with 30 rows and the right
// counts, and a student's page shows nothing of the class.
func TestClassThirty(t *testing.T) {
	sitetest.Chromium(t)
	top := t.TempDir()
	root := filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "lessons", "a.md"), "# Area\n\n"+cell(1, "exercise", exerciseDefault))
	writeFile(t, filepath.Join(root, "lessons", "b.md"), "# Shout\n\n"+cell(1, "exercise", exerciseStarter))
	ctx := context.Background()
	render(t, ctx, root)
	untouched := filepath.Join(top, "untouched")
	handOut(t, ctx, root, untouched)
	solved, broken := filepath.Join(top, "solved"), filepath.Join(top, "broken")
	copyTree(t, untouched, solved)
	copyTree(t, untouched, broken)
	edit(t, filepath.Join(solved, "lessons", "a.md"), `panic("exercise: write this part")`, "return w * h")
	edit(t, filepath.Join(solved, "lessons", "b.md"), "return strings.TrimSpace(s) // make it loud", `return strings.ToUpper(s) + "!"`)
	edit(t, filepath.Join(broken, "lessons", "a.md"), `panic("exercise: write this part")`, "return w *")

	r := startRunner(t, root, os.Getenv, "serve", "--lan", "--addr", "127.0.0.1:0")
	m := firstLine(t, r, regexp.MustCompile(`^serving 2 lessons at (http://127\.0\.0\.1:\d+)/\?token=(\S+)\n`+
		`class code (\S+); students report their exercises with:\n  runner check --report (\S+) --code (\S+) --name "YOUR NAME"\n`))
	base, token, code := m[1], m[2], m[3]
	if m[4] != base+"/" || m[5] != code {
		t.Fatalf("the students' command names another server or code:\n%s", r.stdout.String())
	}
	start := time.Now()
	for i := range 30 {
		dir := []string{solved, broken, untouched}[i%3]
		name := fmt.Sprintf("Student %02d", i+1)
		if i == 7 {
			name = "<script>alert(1)</script>"
		}
		_, _, stderr := runner(t, ctx, dir, "check", "--report", base, "--code", code, "--name", name)
		if !strings.Contains(stderr, "report sent to "+base+"/ (2 exercises)") {
			t.Fatalf("student %d: %s", i+1, stderr)
		}
	}
	t.Logf("30 students checked and reported in %v", time.Since(start).Round(time.Millisecond))

	var thrown sitetest.Exceptions
	bctx := sitetest.Browser(t, 3*time.Minute, thrown.Listen)
	b := sitetest.Tab{T: t, Ctx: bctx}
	b.Do("open the token URL", chromedp.Navigate(base+"/?token="+token))
	b.Do("open a lesson", chromedp.Navigate(base+"/a.html"))
	b.Wait(`document.body.dataset.connected === "true"`)
	b.Do("show the Class view", chromedp.Click(chromedp.CSS(`.toolbar [data-action="class"]`)))
	b.Wait(`document.querySelector("#class").dataset.students === "30"`)
	counts := `Array.from(document.querySelectorAll("#class-counts li")).map(li => li.textContent).join("|")`
	want := "a.md In [1]: 10 of 30 solved; 10 do not compile; 10 failed at run time|b.md In [1]: 10 of 30 solved; 20 not yet"
	if got := sitetest.Eval[string](b, counts); got != want {
		t.Errorf("the teacher's counts:\n%s\nwant\n%s", got, want)
	}
	names := `Array.from(document.querySelectorAll("#class tbody tr th")).map(th => th.textContent).join("|")`
	if got := sitetest.Eval[string](b, names); !strings.Contains(got, "|<script>alert(1)</script>|") || strings.Count(got, "|") != 29 {
		t.Errorf("the students' names: %s", got)
	}
	if n := sitetest.Eval[int](b, `document.querySelectorAll("#class-view script").length`); n != 0 {
		t.Errorf("a student's name made %d script elements", n)
	}
	t.Logf("teacher's Class view: %s", sitetest.Screenshot(t, bctx, "class-thirty"))

	s := sitetest.Tab{T: t, Ctx: sitetest.Incognito(t, bctx)}
	s.Do("open the lesson as a student", chromedp.Navigate(base+"/a.html"))
	s.Wait(`document.body.dataset.connected === "true"`)
	if got := sitetest.Eval[string](s, `document.querySelectorAll("#class-view, #class, [data-action=class]").length + " " + document.body.textContent.includes("Student 01")`); got != "0 false" {
		t.Errorf("a student's page: %s", got)
	}
	thrown.Check(t)
	interrupt(t, r)
}
