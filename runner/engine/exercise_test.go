package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"classnotes/runner/compare"
	"classnotes/runner/internal/lessontest"
)

// The exercises of the teacher's tests: a solution region in a function, with the default starter (which
// compiles and panics); one whose starter leaves an import unused (does not compile); one whose starter block
// prints what the solution prints (already passes).
const (
	sumExercise = `package main

import "fmt"

func sum(a, b int) int {
	// BEGIN SOLUTION
	return a + b
	// END SOLUTION
}

func main() { fmt.Println(sum(2, 3)) }`
	unusedImport = `package main

import (
	"fmt"
	"strings"
)

func main() {
	// BEGIN SOLUTION
	fmt.Println(strings.ToUpper("hi"))
	// END SOLUTION
}`
	passingStarter = `package main

import "fmt"

func main() {
	// BEGIN SOLUTION
	fmt.Println("5")
	// END SOLUTION
	// BEGIN STARTER
	// fmt.Println("5")
	// END STARTER
}`
)

// TestExerciseStarters: check, in the teacher's copy, runs every solution as any cell, and says of each
// exercise's starter whether it compiles (its compiler's message at the lesson's line) and whether it already
// matches the recorded output.
func TestExerciseStarters(t *testing.T) {
	e, l := load(t, cell(1, "exercise", sumExercise)+cell(2, "exercise", unusedImport)+cell(3, "exercise", passingStarter))
	results, err := e.Render(context.Background(), l, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l, _, err = e.WriteBack(l, results); err != nil {
		t.Fatal(err)
	}
	results, err = e.Check(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", StarterDoesNotCompile, StarterPasses} {
		r := results[i]
		if cmp := Compare(l, r); cmp.Verdict != Matches {
			t.Errorf("In [%d]: the solution %v", i+1, cmp.Verdict)
		}
		if r.Starter == nil || r.Starter.Problem != want {
			t.Errorf("In [%d]: starter %+v, want problem %q", i+1, r.Starter, want)
		}
	}
	// In [2]'s import of strings is line 5 of its program; the fence body starts on line 26 of the lesson.
	body := l.Source().Pos(l.Source().Cell(2).Code.Body).Line
	want := fmt.Sprintf("l.md:%d:2: \"strings\" imported and not used", body+4)
	if msgs := results[1].Starter.Messages; !strings.Contains(msgs, want) {
		t.Errorf("the starter's compiler messages:\n%s\nwant %q", msgs, want)
	}
}

// TestExpectedOutput: in a handout, an exercise's Out is its expected output (want=, the digest of the text as
// compared): a fresh output that matches it solves the exercise, one that does not differs, with the diff
// against the expected text, or none when it is hidden; a render never replaces it.
func TestExpectedOutput(t *testing.T) {
	n := &compare.Normalizer{}
	want := n.Digest("5\n", "")
	out := func(text string) string { return "Out [1]:\n\n```text want=" + want + "\n" + text + "```\n" }
	for _, c := range []struct {
		name, attrs, prints, recorded string
		verdict                       Verdict
		diff                          bool
	}{
		{"solved", "exercise", "5", "5\n", Matches, false},
		{"not yet", "exercise", "4", "5\n", Differs, true},
		{"hidden, solved", "exercise hide", "5", "(hidden)\n", Matches, false},
		{"hidden, not yet", "exercise hide", "4", "(hidden)\n", Differs, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := cell(1, c.attrs, "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println("+c.prints+") }") + out(c.recorded)
			e, l := load(t, src)
			if l.Plan.Programs[0].Stale() {
				t.Error("an expected output is stale")
			}
			results, err := e.Render(context.Background(), l, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			cmp := Compare(l, results[0])
			if cmp.Verdict != c.verdict || (cmp.Diff != "") != c.diff {
				t.Errorf("verdict %v, diff %q", cmp.Verdict, cmp.Diff)
			}
			if _, written, err := e.WriteBack(l, results); err != nil || written {
				t.Errorf("WriteBack: written %v, %v", written, err)
			}
			if b, _ := os.ReadFile(l.Plan.File); string(b) != src {
				t.Errorf("the lesson changed:\n%s", b)
			}
		})
	}
}

// TestStarterWithServer: a client exercise's starter runs with the servers its cell needs, as the cell would
// alone: a starter that already prints what the solution prints is found, though without its server it would
// be refused and seem to need work.
func TestStarterWithServer(t *testing.T) {
	port := lessontest.FreePort(t)
	client := fmt.Sprintf(`package main

import (
	"fmt"
	"io"
	"net"
)

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	// BEGIN SOLUTION
	b, _ := io.ReadAll(conn)
	fmt.Print(string(b))
	// END SOLUTION
	// BEGIN STARTER
	// b, _ := io.ReadAll(conn)
	// fmt.Print(string(b))
	// END STARTER
}`, port)
	e, l := load(t, cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.WelcomeServer, port))+
		cell(2, "exercise", client))
	results, err := e.Render(context.Background(), l, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l, _, err = e.WriteBack(l, results); err != nil {
		t.Fatal(err)
	}
	if results, err = e.Check(context.Background(), l, nil); err != nil {
		t.Fatal(err)
	}
	if st := results[1].Starter; st == nil || st.Problem != StarterPasses {
		t.Errorf("the starter that prints what the solution prints: %+v", st)
	}
}

// TestStarterPositionsInPackage: the compiler's messages about an src= exercise's starter name the package's
// file and the teacher's line, whichever of its files the regions are in.
func TestStarterPositionsInPackage(t *testing.T) {
	dir := t.TempDir()
	lessontest.Write(t, filepath.Join(dir, "go.mod"), "module example.com/course\n\ngo 1.26\n")
	lessontest.Write(t, filepath.Join(dir, "snippets", "two", "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() {\n\t// BEGIN SOLUTION\n\tfmt.Println(v())\n\t// END SOLUTION\n\t// BEGIN STARTER\n\t// fmt.Println(w)\n\t// END STARTER\n}\n")
	lessontest.Write(t, filepath.Join(dir, "snippets", "two", "v.go"), "package main\n\nfunc v() int {\n\t// BEGIN SOLUTION\n\treturn 1\n\t// END SOLUTION\n}\n")
	lesson := filepath.Join(dir, "lessons", "l.md")
	lessontest.Write(t, lesson, "In [1]:\n\n```go exercise src=../snippets/two/main.go\n```\n")
	e, err := New(Config{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Load("lessons/l.md", lesson)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := e.Starters(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("lessons", "..", "snippets", "two") + "/main.go:10:14: undefined: w"
	if st := checks[1]; st == nil || st.Problem != StarterDoesNotCompile || !strings.Contains(st.Messages, filepath.Clean(want)) {
		t.Errorf("starter: %+v, want messages with %q", st, filepath.Clean(want))
	}
}

// TestStartersLeaveNoTempDirs: building the starters (handout's check) leaves nothing in the runner's temporary
// directory, though the build writes an overlay and the executable there.
func TestStartersLeaveNoTempDirs(t *testing.T) {
	e, l := load(t, cell(1, "exercise", sumExercise)+cell(2, "exercise", unusedImport))
	before := runnerDirs(t)
	checks, err := e.Starters(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 || checks[1].Problem != "" || checks[2].Problem != StarterDoesNotCompile {
		t.Fatalf("checks: %v", checks)
	}
	for _, d := range runnerDirs(t) {
		if !slices.Contains(before, d) {
			t.Errorf("after Starters, the runner's temporary directory still has %s", d)
		}
	}
}

// TestDefaultModCache: where the module cache is, from the environment alone: GOMODCACHE, else the first
// GOPATH's pkg/mod (GOPATH may list several), else $HOME/go/pkg/mod.
func TestDefaultModCache(t *testing.T) {
	list := strings.Join([]string{filepath.FromSlash("/a/go"), filepath.FromSlash("/b/go")}, string(filepath.ListSeparator))
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"GOMODCACHE": "/m", "GOPATH": list}, "/m"},
		{map[string]string{"GOPATH": list}, filepath.Join(filepath.FromSlash("/a/go"), "pkg", "mod")},
		{map[string]string{"HOME": "/h", "USERPROFILE": "/h"}, filepath.Join("/h", "go", "pkg", "mod")},
	} {
		e, err := New(Config{Timeout: time.Second, Getenv: func(k string) string { return c.env[k] }})
		if err != nil {
			t.Fatal(err)
		}
		if c.env["HOME"] != "" {
			t.Setenv("HOME", c.env["HOME"])
			t.Setenv("USERPROFILE", c.env["HOME"])
		}
		if got := e.defaultModCache(); got != c.want {
			t.Errorf("%v: %q, want %q", c.env, got, c.want)
		}
	}
}
