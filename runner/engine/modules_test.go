package engine

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
)

// proxy makes a module proxy in a directory (GOPROXY=file://...) serving example.org/dep v1.0.0, whose package
// imports nothing.
func proxy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	v := filepath.Join(dir, "example.org", "dep", "@v")
	lessontest.Write(t, filepath.Join(v, "list"), "v1.0.0\n")
	lessontest.Write(t, filepath.Join(v, "v1.0.0.info"), `{"Version":"v1.0.0","Time":"2026-01-01T00:00:00Z"}`)
	lessontest.Write(t, filepath.Join(v, "v1.0.0.mod"), "module example.org/dep\n\ngo 1.26\n")
	f, err := os.Create(filepath.Join(v, "v1.0.0.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, text := range map[string]string{
		"go.mod": "module example.org/dep\n\ngo 1.26\n",
		"dep.go": "package dep\n\nconst Greeting = \"hello from dep\"\n",
	} {
		w, err := zw.Create("example.org/dep@v1.0.0/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestLoadDownloadsModules: a cell importing a required module that is not in the module cache yet is planned
// after the go command has fetched the module (here from a proxy in a directory), not fingerprinted from less
// than the build reads; a module nobody serves is a load error naming it.
func TestLoadDownloadsModules(t *testing.T) {
	modCache := t.TempDir()
	t.Setenv("GOMODCACHE", modCache)
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy(t)))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "-modcacherw") // so that the temporary cache can be removed
	course := t.TempDir()
	lessontest.Write(t, filepath.Join(course, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire example.org/dep v1.0.0\n")
	cell := "In [1]:\n\n```go\npackage main\n\nimport \"example.org/dep\"\n\nfunc main() { println(dep.Greeting) }\n```\n"
	lessontest.Write(t, filepath.Join(course, "l.md"), cell)
	e, err := New(Config{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Load("l.md", filepath.Join(course, "l.md"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if fp := l.Plan.Programs[0].Fingerprint; len(fp) != 64 {
		t.Errorf("fingerprint %q", fp)
	}
	if _, err := os.Stat(filepath.Join(modCache, "example.org", "dep@v1.0.0", "dep.go")); err != nil {
		t.Errorf("the module was not fetched into the module cache: %v", err)
	}

	lessontest.Write(t, filepath.Join(course, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire example.org/dep v1.9.9\n")
	_, err = e.Load("l.md", filepath.Join(course, "l.md"))
	if err == nil || !strings.Contains(err.Error(), "go mod download example.org/dep@v1.9.9") {
		t.Errorf("a module nobody serves: err = %v", err)
	}
}
