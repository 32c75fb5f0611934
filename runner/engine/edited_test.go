package engine

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"classnotes/runner/cache"
	"classnotes/runner/internal/lessontest"
)

// TestEditedWhileBuilding: a snippet saved while its cell is being built (a -toolexec wrapper, through GOFLAGS,
// edits it when the compiler starts) leaves no executable in the cache under the key of the sources planned,
// and the run is refused, nothing run: else undoing the edit would run the edited program's binary.
func TestEditedWhileBuilding(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the wrapper is a shell script")
	}
	dir := t.TempDir()
	lessontest.Write(t, filepath.Join(dir, "go.mod"), "module example.com/course\n\ngo 1.26\n")
	snippet := filepath.Join(dir, "snippets", "hello", "main.go")
	// Code of its own, so that no build cache holds it.
	lessontest.Write(t, snippet, "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"before\", "+time.Now().Format("150405.000000")+") }\n")
	lesson := filepath.Join(dir, "lessons", "l.md")
	lessontest.Write(t, lesson, "In [1]:\n\n```go src=../snippets/hello/main.go\n```\n")
	wrapper := filepath.Join(dir, "edit")
	// The first time the compiler is run on main.go, the snippet is edited (once).
	lessontest.Write(t, wrapper, "#!/bin/sh\ncase \"$*\" in *compile*main.go*) [ -e "+dir+"/edited ] || { sed -i 's/before/after/' "+snippet+"; touch "+dir+"/edited; } ;; esac\nexec \"$@\"\n")
	if err := os.Chmod(wrapper, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-toolexec="+wrapper)
	c, err := cache.Open(filepath.Join(dir, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e, err := New(Config{Cache: c, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Load("l.md", lesson)
	if err != nil {
		t.Fatal(err)
	}
	key := l.Plan.Programs[0].BuildKey
	results, err := e.Render(context.Background(), l, false, nil)
	if err == nil || !strings.Contains(err.Error(), "In [1]: the program's files changed while it was built") {
		t.Fatalf("Render: err = %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "edited")); statErr != nil {
		t.Fatalf("the wrapper never edited the snippet: %v", statErr)
	}
	if _, ok := c.Binary(key); ok {
		t.Errorf("the cache keeps an executable of the edited snippet under the key of the one planned")
	}
	for _, r := range results {
		if r.Ran() {
			t.Errorf("In [%d] ran", r.Cell().Number)
		}
	}
}
