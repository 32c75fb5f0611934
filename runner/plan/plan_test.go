package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/lesson"
)

var write = lessontest.Write

// course makes a module with a lesson directory and a snippet; it returns the module's root.
func course(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n")
	write(t, filepath.Join(root, "go.sum"), "")
	write(t, filepath.Join(root, "snippets", "hello", "main.go"), "package main\n\nfunc main() {}\n")
	write(t, filepath.Join(root, "snippets", "hello", "help.go"), "package main\n")
	return root
}

// makePlan parses src as the lesson lessons/l.md of root and plans it.
func makePlan(t *testing.T, root, src string, opt Options) (*Plan, error) {
	t.Helper()
	path := filepath.Join(root, "lessons", "l.md")
	write(t, path, src)
	l, err := lesson.Parse("lessons/l.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return Make(l, path, opt)
}

func mustPlan(t *testing.T, root, src string, opt Options) *Plan {
	t.Helper()
	p, err := makePlan(t, root, src, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const inline = "In [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\n"

func TestMake(t *testing.T) {
	root := course(t)
	src := inline + "In [2]:\n\n```go src=../snippets/hello/main.go timeout=3s\n```\n"
	p := mustPlan(t, root, src, Options{Timeout: 5 * time.Second})
	if len(p.Programs) != 2 || p.File != filepath.Join(root, "lessons", "l.md") {
		t.Fatalf("plan: %+v", p)
	}
	in, sn := p.Programs[0], p.Programs[1]
	if !in.IsInline() || string(in.Inline) != "package main\n\nfunc main() {}\n" || in.Module != root || in.Timeout != 5*time.Second {
		t.Errorf("inline program: %+v", in)
	}
	if sn.IsInline() || sn.Dir != filepath.Join(root, "snippets", "hello") || sn.SrcFile != filepath.Join(sn.Dir, "main.go") ||
		string(sn.Src) != "package main\n\nfunc main() {}\n" || sn.Module != root || sn.Timeout != 3*time.Second {
		t.Errorf("src program: %+v", sn)
	}
	if p := mustPlan(t, root, inline, Options{}); p.Programs[0].Timeout != DefaultTimeout {
		t.Errorf("default timeout %v", p.Programs[0].Timeout)
	}
	// CRLF in an inline program is the lesson's line ending, not the program's.
	if p := mustPlan(t, root, strings.ReplaceAll(inline, "\n", "\r\n"), Options{}); string(p.Programs[0].Inline) != "package main\n\nfunc main() {}\n" {
		t.Errorf("inline program from a CRLF lesson: %q", p.Programs[0].Inline)
	}
}

func TestMakeOutsideModule(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "lessons", "prog", "main.go"), "package main\n\nfunc main() {}\n")
	write(t, filepath.Join(dir, "up", "main.go"), "package main\n")
	src := "In [1]:\n\n```go src=prog/main.go\n```\n"
	p := mustPlan(t, dir, src, Options{})
	if p.Programs[0].Module != "" || p.Programs[0].Dir != filepath.Join(dir, "lessons", "prog") {
		t.Errorf("program outside a module: %+v", p.Programs[0])
	}
	// Outside a module, src= stays inside the lesson's directory.
	_, err := makePlan(t, dir, "In [1]:\n\n```go src=../up/main.go\n```\n", Options{})
	if err == nil || !strings.Contains(err.Error(), "lessons/l.md:3:7: In [1]: src=../up/main.go: resolves to") {
		t.Errorf("err = %v", err)
	}
}

func TestSrcErrors(t *testing.T) {
	root := course(t)
	write(t, filepath.Join(root, "..", filepath.Base(root)+"-outside", "main.go"), "package main\n")
	if err := os.Symlink(filepath.Join(root, "..", filepath.Base(root)+"-outside", "main.go"), filepath.Join(root, "snippets", "link.go")); err != nil {
		t.Fatal(err)
	}
	if err := mkfifo(filepath.Join(root, "snippets", "pipe.go"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "snippets", "dir.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ src, want string }{
		{"nowhere/main.go", "src=nowhere/main.go: no such file"},
		{"/etc/main.go", "src=/etc/main.go: an absolute path; write it relative to the lesson's directory"},
		{"../../" + filepath.Base(root) + "-outside/main.go", "resolves to " + filepath.Join(filepath.Dir(root), filepath.Base(root)+"-outside", "main.go") + ", outside " + root},
		{"../snippets/link.go", "src=../snippets/link.go: resolves to"},
		{"../snippets/pipe.go", "src=../snippets/pipe.go: not a regular file"},
		{"../snippets/dir.go", "src=../snippets/dir.go: not a regular file"},
	}
	for _, tt := range tests {
		_, err := makePlan(t, root, "In [1]:\n\n```go src="+tt.src+"\n```\n", Options{})
		if err == nil || !strings.HasPrefix(err.Error(), "lessons/l.md:3:7: In [1]: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("src=%s: err = %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestFingerprintCovers: each thing an output depends on changes the fingerprint; what it does not depend on
// leaves it alone.
func TestFingerprintCovers(t *testing.T) {
	root := course(t)
	tc := Toolchain{GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64", BuildFlags: "-trimpath"}
	const cellSrc = "In [1]:\n\n```go src=../snippets/hello/main.go%s\n```\n"
	plan := func(attrs string, tc Toolchain) *Program {
		t.Helper()
		src := strings.Replace(cellSrc, "%s", attrs, 1)
		return mustPlan(t, root, src, Options{Toolchain: tc}).Programs[0]
	}
	base := plan("", tc)
	if len(base.Fingerprint) != 64 || len(base.BuildKey) != 64 {
		t.Fatalf("fingerprint %q, build key %q", base.Fingerprint, base.BuildKey)
	}
	if again := plan("", tc); again.Fingerprint != base.Fingerprint {
		t.Fatal("the same program planned twice has two fingerprints")
	}
	changes := []struct {
		name       string
		change     func() *Program
		fpToo      bool // the fingerprint changes
		buildToo   bool // the build key changes
		undoChange func()
	}{
		{"timeout=", func() *Program { return plan(" timeout=3s", tc) }, true, false, nil},
		{"background", func() *Program { return plan(" background", tc) }, true, false, nil},
		{"platform", func() *Program { return plan(" platform", tc) }, true, false, nil},
		{"go patch version", func() *Program { t2 := tc; t2.GoVersion = "go1.26.9"; return plan("", t2) }, false, true, nil},
		{"go release", func() *Program { t2 := tc; t2.GoVersion = "go1.27.0"; return plan("", t2) }, true, true, nil},
		{"GOARCH", func() *Program { t2 := tc; t2.GOARCH = "arm64"; return plan("", t2) }, false, true, nil},
		{"GOOS", func() *Program { t2 := tc; t2.GOOS = "darwin"; return plan("", t2) }, false, true, nil},
		{"build environment", func() *Program { t2 := tc; t2.BuildEnv = "CGO_ENABLED=0\n"; return plan("", t2) }, false, true, nil},
		{"build flags", func() *Program { t2 := tc; t2.BuildFlags = ""; return plan("", t2) }, true, true, nil},
		{"go.sum", func() *Program {
			write(t, filepath.Join(root, "go.sum"), "example.com/x v1.0.0 h1:abc=\n")
			return plan("", tc)
		}, false, false, func() { write(t, filepath.Join(root, "go.sum"), "") }},
		{"go.mod comment", func() *Program {
			write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\n// a comment\ngo 1.26\n")
			return plan("", tc)
		}, false, false, func() { write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n") }},
		{"go.mod go line", func() *Program {
			write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26.1\n")
			return plan("", tc)
		}, true, true, func() { write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n") }},
		{"go.mod godebug", func() *Program {
			write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n\ngodebug panicnil=1\n")
			return plan("", tc)
		}, true, true, func() { write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n") }},
		{"another file of the package", func() *Program {
			write(t, filepath.Join(root, "snippets", "hello", "help.go"), "package main\n\nconst x = 1\n")
			return plan("", tc)
		}, true, true, func() { write(t, filepath.Join(root, "snippets", "hello", "help.go"), "package main\n") }},
		{"a test file of the package", func() *Program {
			write(t, filepath.Join(root, "snippets", "hello", "hello_test.go"), "package main\n")
			return plan("", tc)
		}, false, false, func() { os.Remove(filepath.Join(root, "snippets", "hello", "hello_test.go")) }},
		{"CRLF line ends in a Go file", func() *Program {
			write(t, filepath.Join(root, "snippets", "hello", "main.go"), "package main\r\n\r\nfunc main() {}\r\n")
			return plan("", tc)
		}, false, false, func() {
			write(t, filepath.Join(root, "snippets", "hello", "main.go"), "package main\n\nfunc main() {}\n")
		}},
	}
	for _, c := range changes {
		p := c.change()
		if (p.Fingerprint != base.Fingerprint) != c.fpToo {
			t.Errorf("%s: fingerprint changed %v, want %v", c.name, p.Fingerprint != base.Fingerprint, c.fpToo)
		}
		if (p.BuildKey != base.BuildKey) != c.buildToo {
			t.Errorf("%s: build key changed %v, want %v", c.name, p.BuildKey != base.BuildKey, c.buildToo)
		}
		if c.undoChange != nil {
			c.undoChange()
		}
	}
	if p := plan("", tc); p.Fingerprint != base.Fingerprint {
		t.Fatal("undoing the changes did not give the first fingerprint back")
	}
	// What the output does not depend on: prose around the cell, its number, a file beside the package.
	write(t, filepath.Join(root, "snippets", "other.go"), "package other\n")
	p := mustPlan(t, root, "# Title\n\nProse.\n\n"+strings.Replace(strings.Replace(cellSrc, "%s", "", 1), "In [1]", "In [7]", 1), Options{Toolchain: tc})
	if p.Programs[0].Fingerprint != base.Fingerprint {
		t.Errorf("prose or the cell number changed the fingerprint")
	}
}

// TestGroupFingerprints: from the first server on, cells run together: two identical clients after a server have
// fingerprints of their own, and a change to the server makes every cell of the group stale.
func TestGroupFingerprints(t *testing.T) {
	root := course(t)
	server := "In [1]:\n\n```go background\npackage main\n\nfunc main() { select {} }\n```\n\n"
	client := func(n string) string { return "In [" + n + "]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\n" }
	p := mustPlan(t, root, inline+strings.Replace(server, "In [1]", "In [2]", 1)+client("3")+client("4"), Options{})
	fps := map[string]int{}
	for i, prog := range p.Programs {
		fps[prog.Fingerprint] = i
		if prog.Group != (i > 0) {
			t.Errorf("In [%d]: Group = %v", prog.Cell.Number, prog.Group)
		}
	}
	if len(fps) != 4 {
		t.Errorf("%d fingerprints for 4 cells", len(fps))
	}
	if p.Programs[2].BuildKey != p.Programs[3].BuildKey {
		t.Errorf("identical clients should share their build")
	}
	changed := mustPlan(t, root, inline+strings.Replace(strings.Replace(server, "In [1]", "In [2]", 1), "select {}", "select {} // v2", 1)+client("3")+client("4"), Options{})
	if changed.Programs[0].Fingerprint != p.Programs[0].Fingerprint {
		t.Errorf("the cell before the server changed with the server")
	}
	for i := 1; i < 4; i++ {
		if changed.Programs[i].Fingerprint == p.Programs[i].Fingerprint {
			t.Errorf("In [%d] did not change with the server", changed.Programs[i].Cell.Number)
		}
	}
}

func TestModuleRoot(t *testing.T) {
	root := course(t)
	if got := ModuleRoot(filepath.Join(root, "snippets", "hello")); got != root {
		t.Errorf("ModuleRoot = %q, want %q", got, root)
	}
	if err := os.Mkdir(filepath.Join(root, "snippets", "go.mod"), 0o755); err != nil { // a directory is no go.mod
		t.Fatal(err)
	}
	if got := ModuleRoot(filepath.Join(root, "snippets")); got != root {
		t.Errorf("ModuleRoot past a go.mod directory = %q", got)
	}
	if got := ModuleRoot(t.TempDir()); got != "" {
		t.Errorf("ModuleRoot outside a module = %q", got)
	}
}
