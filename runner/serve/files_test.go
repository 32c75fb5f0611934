package serve

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/lesson"
	"classnotes/runner/site"
)

// courseFixture serves a course's lessons/ with the course's root as Config.Course: a lesson that links to a
// data file, and to what must never be served through the same links: hidden files, a file outside the root,
// symbolic links out of the root or to a hidden file, a directory. The course has a file no lesson links to.
func courseFixture(t *testing.T, lan bool) *fixture {
	t.Helper()
	top := t.TempDir()
	course := filepath.Join(top, "course")
	prose := "# Files\n\n[data](../data/hosts.txt) [other name](../lessons/../data/hosts.txt) [secret](../.secret)\n" +
		"[hidden](../data/.hidden.txt) [out](../../outside.txt) [escape](../data/escape.txt) [to hidden](../data/inlink.txt)\n" +
		"[through a directory link](../data/linkdir/outside.txt) [dir](../data) [a lesson](a.md) [a pipe](../data/pipe)\n" +
		"[the lesson, slash](a.md/) [the lesson, dot](./a.md/.) [the lesson by a link](../data/lesson.txt)\n" +
		"[the lesson by a hard link](../data/copy.txt) [a lesson not served](b.md) [below the lessons](sub/c.Md)\n" +
		"[the course's README](../README.md)\n\n"
	lessontest.Write(t, filepath.Join(course, "lessons", "a.md"), prose+cell(1, "", hello("hi")))
	for name, text := range map[string]string{
		"data/hosts.txt": "127.0.0.1 localhost\n", "data/unlinked.txt": "not linked\n", ".secret": "the answers\n",
		"data/.hidden.txt": "hidden\n", "../outside.txt": "outside the course\n", "README.md": "# The course\n",
		"lessons/b.md": "# B\n\n" + cell(1, "", hello("b")), "lessons/sub/c.Md": "# C\n\n" + cell(1, "", hello("c")),
	} {
		lessontest.Write(t, filepath.Join(course, name), text)
	}
	if err := os.Link(filepath.Join(course, "lessons", "a.md"), filepath.Join(course, "data", "copy.txt")); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"data/escape.txt": "../../outside.txt", "data/inlink.txt": "../.secret", "data/linkdir": "../..",
		"data/lesson.txt": "../lessons/a.md",
	} {
		if err := os.Symlink(target, filepath.Join(course, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	lessons := filepath.Join(course, "lessons")
	srv, hs := startServer(t, Config{Engine: newEngine(t), Root: lessons, Files: []string{filepath.Join(lessons, "a.md")},
		Course: course, Token: token, LAN: lan})
	return &fixture{dir: course, srv: srv, http: hs}
}

// TestCourseFiles: the page links to the course's files under /files/, which serves the file a lesson links to,
// behind the token and the Host check, and nothing else: 404 for a file no lesson links to, a hidden file, one
// outside the root, and any way out through a symbolic link, whether it exists or not.
func TestCourseFiles(t *testing.T) {
	f := courseFixture(t, false)
	if code, page := f.do(t, "GET", "/a.html", "", true); code != http.StatusOK || !strings.Contains(page, `href="/files/data/hosts.txt"`) {
		t.Errorf("page: %d, links to the data file? %v", code, strings.Contains(page, `href="/files/data/hosts.txt"`))
	}
	resp, body := f.response(t, "GET", "/files/data/hosts.txt", "", true)
	if resp.StatusCode != http.StatusOK || body != "127.0.0.1 localhost\n" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("linked file: %d %q %s", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("linked file served without the server's headers: %v", resp.Header)
	}
	if code, _ := f.do(t, "GET", "/files/data/hosts.txt", "", false); code != http.StatusUnauthorized {
		t.Errorf("linked file without the token: %d, want 401", code)
	}
	if code, _ := f.do(t, "GET", "/files/data/hosts.txt", "", true, "Host", "evil.example"); code != http.StatusForbidden {
		t.Errorf("linked file for another Host: %d, want 403", code)
	}
	if code, body := f.do(t, "GET", "/files/README.md", "", true); code != http.StatusOK || body != "# The course\n" {
		t.Errorf("linked Markdown file outside the lessons' directory: %d %q", code, body)
	}
	for _, link := range []string{"the lesson, slash", "the lesson, dot"} {
		if _, page := f.do(t, "GET", "/a.html", "", true); !strings.Contains(page, `<a href="a.html">`+link+`</a>`) {
			t.Errorf("the link %q does not lead to the lesson's page", link)
		}
	}
	for _, p := range []string{
		"/files/lessons/a.md", "/files/lessons/a.md/", "/files/data/lesson.txt", "/files/data/copy.txt",
		"/files/lessons/b.md", "/files/lessons/sub/c.Md",
	} {
		if code, body := f.do(t, "GET", p, "", true); code != http.StatusNotFound {
			t.Errorf("GET %s, a lesson as a file: %d %q, want 404", p, code, body)
		}
	}
	for _, p := range []string{
		"/files/data/unlinked.txt", "/files/.secret", "/files/data/.hidden.txt", "/files/data/escape.txt",
		"/files/data/inlink.txt", "/files/data/linkdir/outside.txt", "/files/data", "/files/data/", "/files/lessons/a.md",
		"/files/..%2foutside.txt", "/files/../outside.txt", "/files/data/..%2f..%2f..%2foutside.txt", "/files/%2e%2e/outside.txt",
		"/files/data/missing.txt",
	} {
		code, body := f.do(t, "GET", p, "", true)
		if code == http.StatusOK || strings.Contains(body, "outside the course") || strings.Contains(body, "answers") || strings.Contains(body, "hidden\n") {
			t.Errorf("GET %s: %d %q, want a refusal", p, code, body)
		}
	}
}

// TestCourseFilesStudents: with --lan, a student without the token reads the linked file, as the pages, and
// nothing more.
func TestCourseFilesStudents(t *testing.T) {
	f := courseFixture(t, true)
	if code, body := f.do(t, "GET", "/files/data/hosts.txt", "", false); code != http.StatusOK || body != "127.0.0.1 localhost\n" {
		t.Errorf("linked file, student: %d %q", code, body)
	}
	if code, _ := f.do(t, "GET", "/files/data/unlinked.txt", "", false); code != http.StatusNotFound {
		t.Errorf("file no lesson links to, student: %d, want 404", code)
	}
}

// TestCourseFilesNone: without a course, nothing is served under /files/ and links stay as written.
func TestCourseFilesNone(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "[data](data.txt)\n\n" + cell(1, "", hello("hi"))})
	lessontest.Write(t, filepath.Join(f.dir, "data.txt"), "data\n")
	if code, _ := f.do(t, "GET", "/files/data.txt", "", true); code != http.StatusNotFound {
		t.Errorf("GET /files/data.txt without a course: %d, want 404", code)
	}
	if _, page := f.do(t, "GET", "/a.html", "", true); !strings.Contains(page, `href="data.txt"`) {
		t.Error("the link to data.txt changed without a course")
	}
}

// TestCourseFilesFollowEdits: the files a lesson links to are those of the lesson as last loaded: after an
// edit, a newly linked file is served and one no longer linked is not. A lesson's Markdown is parsed for its
// links once per version, not at each request under /files/.
func TestCourseFilesFollowEdits(t *testing.T) {
	f := courseFixture(t, true)
	var parses atomic.Int64
	fileLinks = func(l *lesson.Lesson, links map[string]string) []string {
		parses.Add(1)
		return site.FileLinks(l, links)
	}
	t.Cleanup(func() { fileLinks = site.FileLinks })
	for range 3 {
		for p, want := range map[string]int{"/files/data/hosts.txt": http.StatusOK, "/files/data/unlinked.txt": http.StatusNotFound} {
			if code, _ := f.do(t, "GET", p, "", false); code != want {
				t.Errorf("GET %s: %d, want %d", p, code, want)
			}
		}
	}
	if n := parses.Load(); n != 1 {
		t.Errorf("6 requests under /files/ parsed the lesson %d times, want once", n)
	}
	a := filepath.Join(f.dir, "lessons", "a.md")
	lessontest.Write(t, a, "# Files\n\n[now this one](../data/unlinked.txt)\n\n"+cell(1, "", hello("hi")))
	f.srv.reload(f.srv.lesson("a.md"))
	for p, want := range map[string]int{"/files/data/hosts.txt": http.StatusNotFound, "/files/data/unlinked.txt": http.StatusOK} {
		if code, _ := f.do(t, "GET", p, "", false); code != want {
			t.Errorf("after the edit, GET %s: %d, want %d", p, code, want)
		}
	}
	if n := parses.Load(); n < 2 {
		t.Errorf("the edited lesson was not parsed again for its links (%d parses)", n)
	}
}

// TestCourseFileFIFO: a named pipe that a lesson links to, inside the course, is 404 at once: the request does
// not wait for a writer that never comes.
func TestCourseFileFIFO(t *testing.T) {
	f := courseFixture(t, false)
	pipe := filepath.Join(f.dir, "data", "pipe")
	if err := mkfifo(pipe); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	req, err := http.NewRequest("GET", f.http.URL+"/files/data/pipe", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		unblockFIFO(pipe) // a handler held in open(2) would hold the test's server
		t.Fatalf("GET /files/data/pipe: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /files/data/pipe: %d, want 404", resp.StatusCode)
	}
}
