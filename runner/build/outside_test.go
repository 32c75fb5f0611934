package build

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
)

var write = lessontest.Write

// TestBuildOutsideModule builds, for a lesson in no Go module, an src= package of two files and an inline cell,
// runs both, and records the messages of a package that does not compile and of one that is not a command.
func TestBuildOutsideModule(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "prog", "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(greeting) }\n")
	write(t, filepath.Join(dir, "prog", "greeting.go"), "package main\n\nconst greeting = \"two files\"\n")
	write(t, filepath.Join(dir, "prog", "greeting_test.go"), "package main\n\nthis is not Go\n")
	write(t, filepath.Join(dir, "bad", "main.go"), "package main\n\nfunc main() {\n\tundefined()\n}\n")
	src := "In [1]:\n\n```go src=prog/main.go\n```\n\n" +
		"In [2]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"inline\") }\n```\n\n" +
		"In [3]:\n\n```go src=bad/main.go\n```\n\n" +
		"In [4]:\n\n```go\npackage lib\n```\n"
	path := filepath.Join(dir, "l.md")
	write(t, path, src)
	l, err := lesson.Parse("l.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Make(l, path, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, prog := range p.Programs {
		if prog.Module != "" {
			t.Fatalf("In [%d] is in module %s; the test needs a directory outside every module", prog.Cell.Number, prog.Module)
		}
	}
	results, err := (&Builder{Dir: t.TempDir()}).Build(context.Background(), p.Programs)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"two files\n", "inline\n"} {
		if !results[i].OK() {
			t.Fatalf("In [%d] did not build: %s", i+1, results[i].Messages)
		}
		out, err := exec.Command(results[i].Binary).Output()
		if err != nil || string(out) != want {
			t.Errorf("In [%d] printed %q, %v; want %q", i+1, out, err, want)
		}
	}
	if r := results[2]; r.OK() || !strings.HasPrefix(r.Messages, "main.go:4:2: undefined: undefined") || strings.Contains(r.Messages, dir) {
		t.Errorf("In [3]: binary %q, messages %q", r.Binary, r.Messages)
	}
	if r := results[3]; r.OK() || r.Messages != "main.go:1:9: not a main package: package lib; a cell's program is a command, in package main\n" {
		t.Errorf("In [4]: binary %q, messages %q", r.Binary, r.Messages)
	}
}
