package serve

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/internal/lessontest"
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
		"[through a directory link](../data/linkdir/outside.txt) [dir](../data) [a lesson](a.md)\n\n"
	lessontest.Write(t, filepath.Join(course, "lessons", "a.md"), prose+cell(1, "", hello("hi")))
	for name, text := range map[string]string{
		"data/hosts.txt": "127.0.0.1 localhost\n", "data/unlinked.txt": "not linked\n", ".secret": "the answers\n",
		"data/.hidden.txt": "hidden\n", "../outside.txt": "outside the course\n",
	} {
		lessontest.Write(t, filepath.Join(course, name), text)
	}
	for link, target := range map[string]string{
		"data/escape.txt": "../../outside.txt", "data/inlink.txt": "../.secret", "data/linkdir": "../..",
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
