package cli

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// moduleProxy writes a module proxy into dir (for GOPROXY=file://dir) serving example.org/unused at v1.0.0 and
// v1.1.0: a module that the course requires and no cell imports.
func moduleProxy(t *testing.T, dir string) {
	t.Helper()
	at := filepath.Join(dir, "example.org", "unused", "@v")
	writeFile(t, filepath.Join(at, "list"), "v1.0.0\nv1.1.0\n")
	for _, v := range []string{"v1.0.0", "v1.1.0"} {
		writeFile(t, filepath.Join(at, v+".info"), `{"Version":"`+v+`"}`)
		writeFile(t, filepath.Join(at, v+".mod"), "module example.org/unused\n\ngo 1.26\n")
		f, err := os.Create(filepath.Join(at, v+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for name, text := range map[string]string{"go.mod": "module example.org/unused\n\ngo 1.26\n", "unused.go": "package unused\n"} {
			w, err := zw.Create("example.org/unused@" + v + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(text))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// TestInstalledCourseStale: on a course with its own packages, driven by the installed command from another
// directory, a change to the course's package greet makes stale the cell that imports it and only that one;
// check runs the changed code (not an executable built before the change); undoing the change makes the cell
// stale again and render brings the first output back; bumping a requirement that no cell imports, or a comment
// in go.mod, makes nothing stale.
func TestInstalledCourseStale(t *testing.T) {
	top := t.TempDir()
	bin := buildCommand(t, filepath.Join(top, "bin"), "classnotes")
	c := writeCourse(t, top)
	moduleProxy(t, filepath.Join(top, "proxy"))
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(filepath.Join(top, "proxy")))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOMODCACHE", filepath.Join(top, "modcache"))
	goMod := filepath.Join(c.root, "go.mod")
	writeFile(t, goMod, "module example.org/course\n\ngo 1.26\n\nrequire example.org/unused v1.0.0\n")
	plain := filepath.Join(c.root, "lessons", "plain.md")
	writeFile(t, plain, cell(1, "", mainWith("fmt", "\tfmt.Println(\"no greeting\")")))
	elsewhere := filepath.Join(top, "elsewhere")
	if err := os.MkdirAll(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	lessons, err := filepath.Rel(elsewhere, filepath.Join(c.root, "lessons"))
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(top, "cache")
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return command(t, elsewhere, bin, append(append(args[:1:1], "--cache", cache), append(args[1:], lessons)...)...)
	}
	stale := func(want int, names ...string) {
		t.Helper()
		code, stdout, stderr := run("check", "--stale")
		wantLine := "2 cells: " + map[bool]string{true: "0 stale", false: "1 stale"}[want == 0] + "\n"
		if (code == exitOK) != (want == 0) || !strings.HasSuffix(stdout, wantLine) {
			t.Fatalf("check --stale: exit %d, stdout:\n%s\nstderr:\n%s\nwant %q", code, stdout, stderr, wantLine)
		}
		all := stdout + stderr
		for _, n := range names {
			if !strings.Contains(all, n) {
				t.Errorf("check --stale does not name %s:\n%s", n, all)
			}
		}
		if strings.Contains(all, "plain.md:") {
			t.Errorf("check --stale names the cell that does not import greet:\n%s", all)
		}
	}
	greet := filepath.Join(c.root, "greet", "greet.go")
	hello := readFile(t, greet)

	if code, _, stderr := run("render"); code != exitOK || !strings.Contains(stderr, "2 cells: 2 run") {
		t.Fatalf("render: exit %d, stderr:\n%s", code, stderr)
	}
	stale(0)

	writeFile(t, greet, strings.Replace(hello, `"Hello, "`, `"Hi, "`, 1))
	stale(1, "hello.md:", "In [1]")
	code, stdout, stderr := run("check")
	if code != exitFailed || !strings.Contains(stdout, "+Hi, class!") || !strings.HasSuffix(stdout, "2 cells: 1 match, 1 differ, 0 skipped\n") {
		t.Errorf("check after greet changed: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, _, stderr := run("render"); code != exitOK || !strings.Contains(stderr, "2 cells: 1 run, 1 unchanged") {
		t.Fatalf("render after greet changed: exit %d, stderr:\n%s", code, stderr)
	}
	if got := outputs(t, readFile(t, c.lesson))[1]; got != "Hi, class!\n" {
		t.Errorf("Out [1] after render: %q", got)
	}
	stale(0)

	writeFile(t, greet, hello) // undone: the first executable may come from the cache, the notes are stale
	stale(1, "hello.md:", "In [1]")
	if code, _, stderr := run("render"); code != exitOK || !strings.Contains(stderr, "2 cells: 1 run, 1 unchanged") {
		t.Fatalf("render after greet was restored: exit %d, stderr:\n%s", code, stderr)
	}
	if got := outputs(t, readFile(t, c.lesson))[1]; got != "Hello, class!\n" {
		t.Errorf("Out [1] after greet was restored: %q", got)
	}

	writeFile(t, goMod, "module example.org/course\n\n// The course's module.\ngo 1.26\n\nrequire example.org/unused v1.1.0\n")
	stale(0)
	if code, stdout, stderr := run("check"); code != exitOK || !strings.HasSuffix(stdout, "2 cells: 2 match, 0 differ, 0 skipped\n") {
		t.Errorf("check after the bump: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
