package cli

import (
	"context"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The verbs that write files (import, export, render's site, check --json) refuse, as render's write-back of a
// lesson does, whatever the guarded writer refuses, and leave it as it was.

// course returns the path of the test notebook that import turns into a lesson.
func course(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../jupyter/testdata/course.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lstat returns what lstat(2) says of path.
func lstat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// sameNode fails the test unless path is still the very file before was, with its mode and time.
func sameNode(t *testing.T, path string, before fs.FileInfo) {
	t.Helper()
	after := lstat(t, path)
	if !os.SameFile(before, after) || after.Mode() != before.Mode() || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("%s was changed: now %v %v, was %v %v", path, after.Mode(), after.ModTime(), before.Mode(), before.ModTime())
	}
}

func TestImportOutRefused(t *testing.T) {
	tests := []struct {
		name  string
		force bool
		setup func(t *testing.T, dir, out string)
		want  string
	}{
		{"dangling symlink", false, func(t *testing.T, dir, out string) {
			if err := os.Symlink(filepath.Join(dir, "nowhere.md"), out); err != nil {
				t.Fatal(err)
			}
		}, "out.md exists; --force overwrites it"},
		{"dangling symlink, force", true, func(t *testing.T, dir, out string) {
			if err := os.Symlink(filepath.Join(dir, "nowhere.md"), out); err != nil {
				t.Fatal(err)
			}
		}, "does not exist"},
		{"read-only, force", true, func(t *testing.T, dir, out string) {
			writeFile(t, out, "mine\n")
			if err := os.Chmod(out, 0o444); err != nil {
				t.Fatal(err)
			}
		}, "read-only file; not written"},
		{"hard link, force", true, func(t *testing.T, dir, out string) {
			writeFile(t, out, "mine\n")
			if err := os.Link(out, filepath.Join(dir, "other.md")); err != nil {
				t.Fatal(err)
			}
		}, "other hard links"},
		{"fifo", false, func(t *testing.T, dir, out string) {
			if err := mkfifo(out, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "out.md exists; --force overwrites it"},
		{"fifo, force", true, func(t *testing.T, dir, out string) {
			if err := mkfifo(out, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a named pipe)"},
		{"device, force", true, func(t *testing.T, dir, out string) {
			if err := mkchar(out, 1, 3); err != nil { // the null device's numbers
				t.Skipf("cannot make a device node: %v", err)
			}
		}, "not a regular file (a character device)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.md")
			tt.setup(t, dir, out)
			before := lstat(t, out)
			args := []string{"import", course(t), "--out", "out.md"}
			if tt.force {
				args = append(args, "--force")
			}
			code, stdout, stderr := runner(t, context.Background(), dir, args...)
			if code != exitBadInput || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("import: exit %d\nstdout %s\nstderr %s\nwant exit 2 and %q", code, stdout, stderr, tt.want)
			}
			sameNode(t, out, before)
			if before.Mode().IsRegular() && readFile(t, out) != "mine\n" {
				t.Errorf("%s lost its text", out)
			}
		})
	}
}

// TestImportForceHonours: --force replaces the file a symbolic link names, keeps the link and the file's mode,
// as render does with a lesson; and never writes over the notebook it reads.
func TestImportForceHonours(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.md")
	writeFile(t, target, "mine\n")
	if err := os.Chmod(target, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runner(t, context.Background(), dir, "import", course(t), "--out", "link.md", "--force"); code != 0 {
		t.Fatalf("import --force through a link: exit %d %s", code, stderr)
	}
	if lstat(t, filepath.Join(dir, "link.md")).Mode()&fs.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced by a file")
	}
	// The images go beside the lesson, in a directory named after it: link.files.
	if got := readFile(t, target); got != strings.ReplaceAll(readFile(t, "../jupyter/testdata/course.md"), "(course.files/", "(link.files/") {
		t.Errorf("the link's target holds %q", got)
	}
	if mode := lstat(t, target).Mode(); mode != 0o600 {
		t.Errorf("the target's mode became %v, want 0600", mode)
	}
	nb := filepath.Join(dir, "nb.ipynb")
	writeFile(t, nb, readFile(t, course(t)))
	before := lstat(t, nb)
	if code, _, stderr := runner(t, context.Background(), dir, "import", "nb.ipynb", "--out", "nb.ipynb", "--force"); code != exitBadInput || !strings.Contains(stderr, "is the notebook itself") {
		t.Errorf("import over its own notebook: exit %d %s", code, stderr)
	}
	sameNode(t, nb, before)
}

// TestImportReadsRegularFiles: a named pipe as the notebook is refused at once (it hung, deaf to signals), and
// so is a file past the size limit (a device without end read until the runtime aborted).
func TestImportReadsRegularFiles(t *testing.T) {
	dir := t.TempDir()
	if err := mkfifo(filepath.Join(dir, "pipe.ipynb"), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(dir, "big.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(1 << 30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	if err := big.Close(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"pipe.ipynb": "not a regular file (a named pipe)", "big.ipynb": "larger than the 64 MiB"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		code, _, stderr := runner(t, ctx, dir, "import", name)
		cancel()
		if code != exitBadInput || !strings.Contains(stderr, want) {
			t.Errorf("import %s: exit %d %s; want exit 2 and %q", name, code, stderr, want)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.md")); len(m) != 0 {
		t.Errorf("lessons written: %q", m)
	}
}

// TestExportCollision: two lessons with one file name are refused before any notebook is written, where the
// second silently replaced the first.
func TestExportCollision(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"s1", "s2"} {
		writeFile(t, filepath.Join(dir, sub, "x.md"), "# "+sub+"\n\n"+cell(1, "", mainWith("fmt", `fmt.Println("hi")`)))
	}
	code, stdout, stderr := runner(t, context.Background(), dir, "export", "--out", "nb", "s1/x.md", "s2/x.md")
	if code != exitBadInput || !strings.Contains(stderr, "would both be x.ipynb") || strings.Contains(stdout, "→") {
		t.Errorf("export of two x.md: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "nb", "x.ipynb")); err == nil {
		t.Error("a notebook was written")
	}
}

// TestExportOverFifo: a named pipe where a notebook goes is refused and left, the other notebook written.
func TestExportOverFifo(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.md"), "# A\n")
	writeFile(t, filepath.Join(dir, "b.md"), "# B\n")
	if err := os.Mkdir(filepath.Join(dir, "nb"), 0o755); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "nb", "a.ipynb")
	if err := mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	before := lstat(t, fifo)
	code, stdout, stderr := runner(t, context.Background(), dir, "export", "--out", "nb", "a.md", "b.md")
	if code != exitBadInput || !strings.Contains(stderr, "a.ipynb") || !strings.Contains(stderr, "named pipe") || !strings.Contains(stdout, "b.md → nb/b.ipynb") {
		t.Errorf("export over a pipe: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	sameNode(t, fifo, before)
}

// TestSiteIndexLesson: a lesson named index.md would have its page replaced by the site's index; render says so
// and draws no site.
func TestSiteIndexLesson(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "index.md"), "# Start here\n")
	writeFile(t, filepath.Join(dir, "a.md"), "# A\n")
	code, _, stderr := runner(t, context.Background(), dir, "render", "--html", "site", "index.md", "a.md")
	if code != exitBadInput || !strings.Contains(stderr, "index.md would be index.html, the site's index") {
		t.Errorf("render with index.md: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "site", "index.html")); err == nil {
		t.Error("the site was drawn")
	}
}

var hrefAttr = regexp.MustCompile(`href="([^"]*)"`)

// TestSiteOddNames: lessons whose names hold characters that mean something in a URL get links that lead to
// their pages, from the index and from each other (they gave #ZgotmplZ and que?ry.html).
func TestSiteOddNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a:b.md", "que?ry.md", "x#1.md", "50%.md", "sp ace.md"}
	for _, n := range names {
		writeFile(t, filepath.Join(dir, n), "# "+n+"\n\nSee [the next one](que%3Fry.md) and [this one](./"+url.PathEscape(n)+").\n")
	}
	code, stdout, stderr := runner(t, context.Background(), dir, append([]string{"render", "--html", "site"}, names...)...)
	if code != 0 {
		t.Fatalf("render: exit %d\n%s%s", code, stdout, stderr)
	}
	site := filepath.Join(dir, "site")
	checkLinks := func(page string, want int) {
		t.Helper()
		html := readFile(t, filepath.Join(site, page))
		if strings.Contains(html, "ZgotmplZ") {
			t.Errorf("%s has a link html/template refused:\n%s", page, html)
		}
		found := 0
		for _, m := range hrefAttr.FindAllStringSubmatch(html, -1) {
			u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
			if err != nil || u.IsAbs() || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("%s: link %q is not a plain relative link (%v)", page, m[1], err)
				continue
			}
			if u.Path == "" || !strings.HasSuffix(u.Path, ".html") {
				continue
			}
			found++
			if _, err := os.Stat(filepath.Join(site, u.Path)); err != nil {
				t.Errorf("%s: link %q leads nowhere: %v", page, m[1], err)
			}
		}
		if found < want {
			t.Errorf("%s: %d links to pages, want at least %d", page, found, want)
		}
	}
	checkLinks("index.html", len(names))
	for _, n := range names {
		checkLinks(strings.TrimSuffix(n, ".md")+".html", 2)
	}
}

// TestCheckJSONOverFifo: check's report is not written into a named pipe (which would block) or over a
// device, and the pipe stays.
func TestCheckJSONOverFifo(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.md"), "# A\n")
	fifo := filepath.Join(dir, "report.json")
	if err := mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	before := lstat(t, fifo)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, _, stderr := runner(t, ctx, dir, "check", "--json", "report.json", "a.md")
	if code == 0 || !strings.Contains(stderr, "named pipe") {
		t.Errorf("check --json into a pipe: exit %d %s", code, stderr)
	}
	sameNode(t, fifo, before)
}

// TestSitePageRefused: a named pipe or a read-only file where render draws a page is refused and left as it
// was; the lesson is still rendered and the other pages drawn.
func TestSitePageRefused(t *testing.T) {
	for _, kind := range []string{"fifo", "read-only"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "a.md"), "# A\n")
			writeFile(t, filepath.Join(dir, "b.md"), "# B\n")
			page := filepath.Join(dir, "site", "a.html")
			if kind == "fifo" {
				if err := os.MkdirAll(filepath.Dir(page), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := mkfifo(page, 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, page, "mine\n")
				if err := os.Chmod(page, 0o444); err != nil {
					t.Fatal(err)
				}
			}
			before := lstat(t, page)
			code, stdout, stderr := runner(t, context.Background(), dir, "render", "--html", "site", "a.md", "b.md")
			want := map[string]string{"fifo": "named pipe", "read-only": "read-only"}[kind]
			if code == exitOK || !strings.Contains(stderr, "a.html") || !strings.Contains(stderr, want) {
				t.Errorf("render: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
			}
			sameNode(t, page, before)
			if !strings.HasPrefix(readFile(t, filepath.Join(dir, "site", "b.html")), "<!DOCTYPE html>") {
				t.Error("b.html was not drawn")
			}
		})
	}
}

// TestCheckJSONNotOverLesson: "check --json lessons/a.md" reads a.md as the report's name; the lesson is not
// replaced by the report (it was), whether named as a lesson or through another name.
func TestCheckJSONNotOverLesson(t *testing.T) {
	dir := t.TempDir()
	src := "# A\n\n" + cell(1, "", mainWith("fmt", `fmt.Println("hi")`))
	writeFile(t, filepath.Join(dir, "lessons", "a.md"), src)
	if err := os.Symlink(filepath.Join("lessons", "a.md"), filepath.Join(dir, "report.json")); err != nil {
		t.Fatal(err)
	}
	for _, report := range []string{"lessons/a.md", "report.json"} {
		code, _, stderr := runner(t, context.Background(), dir, "check", "--json", report, "lessons")
		if code != exitBadInput || !strings.Contains(stderr, "check: --json: "+report) {
			t.Errorf("check --json %s: exit %d %s", report, code, stderr)
		}
		if got := readFile(t, filepath.Join(dir, "lessons", "a.md")); got != src {
			t.Fatalf("the lesson was overwritten by check --json %s:\n%s", report, got)
		}
	}
}
