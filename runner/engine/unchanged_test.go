package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnchanged: a lesson loaded again is Unchanged from the first load only while the file (bytes, inode,
// size, time) and every program's code, a src= snippet's included, are the same.
func TestUnchanged(t *testing.T) {
	snippet := "package main\n\nfunc main() { println(1) }\n"
	e, _ := load(t, "# L\n")
	path := filepath.Join(t.TempDir(), "l.md")
	if err := os.MkdirAll(filepath.Join(filepath.Dir(path), "snip"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "# L\n\nIn [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\nIn [2]:\n\n```go src=snip/main.go\n" + snippet + "```\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	writeSnippet := func(code string) {
		if err := os.WriteFile(filepath.Join(filepath.Dir(path), "snip", "main.go"), []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeSnippet(snippet)
	again := func() *Lesson {
		t.Helper()
		l, err := e.Load("l.md", path)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	base := again()
	if !again().Unchanged(base) {
		t.Fatal("a lesson loaded twice, nothing changed: not Unchanged")
	}
	writeSnippet("package main\n\nfunc main() { println(2) }\n")
	if again().Unchanged(base) {
		t.Error("Unchanged after its snippet changed")
	}
	writeSnippet(snippet)
	if !again().Unchanged(base) {
		t.Error("not Unchanged once the snippet is back as it was")
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if again().Unchanged(base) {
		t.Error("Unchanged after the file was saved again with the same bytes (a write-back would refuse it)")
	}
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if again().Unchanged(base) {
		t.Error("Unchanged after an edit")
	}
}

// TestStoppedBeforeReady: a server stopped (its context done) before it is seen ready still has a result: what
// it printed, how it ended and why it never got ready. It had none, and a classroom page showed only "stopped
// before it ended" for a server that had run.
func TestStoppedBeforeReady(t *testing.T) {
	port := freePort(t)
	e, l := load(t, cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port),
		"package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tfmt.Println(\"starting\")\n\ttime.Sleep(time.Hour)\n}\n"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var done *Result
	obs := func(ev Event) {
		switch ev.Kind {
		case CellOutput:
			cancel() // it has started, and is not listening
		case CellDone:
			done = ev.Result
		}
	}
	if _, err := e.RunAlone(ctx, l, l.Plan.Programs[0], obs); err == nil {
		t.Error("RunAlone of a stopped run returned no error")
	}
	if done == nil || done.Run == nil || done.NotReady != "stopped before it was ready" || !strings.HasPrefix(done.Text, "starting\n") {
		t.Fatalf("the server's result: %+v", done)
	}
	if !done.Run.Stopped {
		t.Errorf("the server's run is not marked stopped: %+v", done.Run)
	}
}
