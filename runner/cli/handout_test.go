package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The exercises of the handout tests. Every solution line carries a SOL- word, which no starter, output or
// other file has: so that finding none anywhere in a handout shows that no solution text went into it.
const (
	exerciseDefault = `package main

import "fmt"

func area(w, h int) int {
	// BEGIN SOLUTION
	return w * h // SOL-ONE
	// END SOLUTION
}

func main() { fmt.Println(area(6, 7)) }`
	exerciseStarter = `package main

import (
	"fmt"
	"strings"
)

func shout(s string) string {
	// BEGIN SOLUTION
	return strings.ToUpper(s) + "!" // SOL-TWO
	// END SOLUTION
	// BEGIN STARTER
	// return strings.TrimSpace(s) // make it loud
	// END STARTER
}

func main() { fmt.Println(shout("hello")) }`
	exerciseMain = `package main

import "fmt"

func main() {
	words := []string{"tcp", "udp", "tcp"}
	// BEGIN SOLUTION
	fmt.Println(count(words, "tcp")) // SOL-THREE-A
	// END SOLUTION
	// BEGIN STARTER
	// fmt.Println(count(words, ""))
	// END STARTER
}
`
	exerciseCount = `package main

func count(words []string, w string) int {
	n := 0
	// BEGIN SOLUTION
	for _, x := range words { // SOL-THREE-B
		if x == w {
			n++
		}
	}
	// END SOLUTION
	// BEGIN STARTER
	// _ = words
	// END STARTER
	return n
}
`
)

// exerciseCourse writes a course with a lesson of three exercises (inline with the default starter; inline
// with a starter block, hidden; src= with regions in two files of its package) and a cell that imports the
// course's package greet; it returns the course's root.
func exerciseCourse(t *testing.T, dir string) string {
	t.Helper()
	root := filepath.Join(dir, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "greet", "greet.go"), "package greet\n\n// Hello greets who.\nfunc Hello(who string) string { return \"Hello, \" + who }\n")
	writeFile(t, filepath.Join(root, "snippets", "ex3", "main.go"), exerciseMain)
	writeFile(t, filepath.Join(root, "snippets", "ex3", "count.go"), exerciseCount)
	writeFile(t, filepath.Join(root, "lessons", "ex.md"), "# Exercises\n\n"+
		cell(1, "exercise", exerciseDefault)+
		cell(2, "exercise hide", exerciseStarter)+
		"In [3]:\n\n```go exercise src=../snippets/ex3/main.go\n```\n\n"+
		cell(4, "", mainWith("fmt example.org/course/greet", "\tfmt.Println(greet.Hello(\"class\"))")))
	return root
}

// solutionWords returns the files under dir that hold a SOL- word, the mark of a solution line.
func solutionWords(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "SOL-") {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestHandout: the teacher renders and checks a lesson of three exercises; handout writes the students' edition
// outside the course, with no solution text anywhere in it, even after the student renders it (with its site)
// and exports it; check there says 0 of 3 solved (exit 1), 1 of 3 once a solution is put back, and exit 0 when
// all three are.
func TestHandout(t *testing.T) {
	top := t.TempDir()
	root := exerciseCourse(t, top)
	ctx := context.Background()
	if code, _, stderr := runner(t, ctx, root, "render"); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := runner(t, ctx, root, "check")
	if code != exitOK || !strings.Contains(stdout, "exercises: 3 with solutions; every starter compiles and needs work") {
		t.Fatalf("the teacher's check: exit %d\n%s%s", code, stdout, stderr)
	}

	out := filepath.Join(top, "handout")
	if code, _, stderr := runner(t, ctx, root, "handout", "--out", out); code != exitOK || !strings.Contains(stderr, "handout: 1 lesson, 3 exercises (1 hidden)") {
		t.Fatalf("handout: exit %d\n%s", code, stderr)
	}
	if found := solutionWords(t, out); len(found) > 0 {
		t.Errorf("solution text in the handout: %v", found)
	}
	for _, f := range []string{"go.mod", "greet/greet.go", "snippets/ex3/main.go", "snippets/ex3/count.go", "lessons/ex.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the handout has no %s: %v", f, err)
		}
	}
	handout := readFile(t, filepath.Join(out, "lessons", "ex.md"))
	if strings.Contains(handout, "fp=") && strings.Count(handout, "fp=") != 1 {
		t.Errorf("exercises keep a fingerprint of their solution:\n%s", handout)
	}
	if !strings.Contains(handout, "42\n") || strings.Contains(handout, "HELLO!") {
		t.Errorf("the expected outputs: the first shown, the hidden one not:\n%s", handout)
	}

	check := func(want string, wantCode int) string {
		t.Helper()
		code, stdout, stderr := runner(t, ctx, out, "check")
		if code != wantCode || !strings.Contains(stdout, want) {
			t.Errorf("check in the handout: exit %d, want %d and %q:\n%s%s", code, wantCode, want, stdout, stderr)
		}
		return stdout
	}
	// The default starter panics: not solved yet, with what is missing, not a failure of the runner's.
	if stdout := check("exercises: 0 of 3 solved", exitFailed); !strings.Contains(stdout, "In [1]: exercise not solved yet: the output differs from the expected one\ndiff notes fresh\n--- notes\n+++ fresh\n@@ -1,1 +1,") ||
		!strings.Contains(stdout, "-42\n+panic: exercise: write this part") || !strings.Contains(stdout, "In [2]: exercise not solved yet") ||
		!strings.Contains(stdout, "(the expected output is hidden") || strings.Contains(stdout, "HELLO!") {
		t.Errorf("check in the handout, nothing solved:\n%s", stdout)
	}
	// The student renders (outputs and site) and exports: still no solution anywhere; the expected outputs stay.
	if code, _, stderr := runner(t, ctx, out, "render"); code == exitBadInput {
		t.Fatalf("render in the handout: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runner(t, ctx, out, "export"); code != exitOK {
		t.Fatalf("export in the handout: exit %d\n%s", code, stderr)
	}
	if found := solutionWords(t, out); len(found) > 0 {
		t.Errorf("solution text in the handout after render and export: %v", found)
	}
	if got := readFile(t, filepath.Join(out, "lessons", "ex.md")); got != handout {
		t.Errorf("render changed the handout's expected outputs:\n%s", got)
	}
	// The handout's site shows the expected outputs, never the starter's panic in their place; the teacher's
	// marks the solutions.
	page := readFile(t, filepath.Join(out, "site", "ex.html"))
	if !strings.Contains(page, "expected output hidden") || !strings.Contains(page, ">42\n") || strings.Contains(page, "goroutine 1 [running]") {
		t.Errorf("the handout's page:\n%s", page)
	}
	if page := readFile(t, filepath.Join(root, "site", "ex.html")); !strings.Contains(page, "exercise: the solution") {
		t.Errorf("the teacher's page does not mark the exercises:\n%s", page)
	}

	writeFile(t, filepath.Join(out, "snippets", "ex3", "main.go"), exerciseMain)
	writeFile(t, filepath.Join(out, "snippets", "ex3", "count.go"), exerciseCount)
	check("exercises: 1 of 3 solved", exitFailed)
	lessonFile := filepath.Join(out, "lessons", "ex.md")
	solved := strings.Replace(readFile(t, lessonFile), `panic("exercise: write this part")`, "return w * h", 1)
	solved = strings.Replace(solved, "return strings.TrimSpace(s) // make it loud", `return strings.ToUpper(s) + "!"`, 1)
	writeFile(t, lessonFile, solved)
	check("exercises: 3 of 3 solved", exitOK)
}

// TestHandoutRefuses: a handout into the course, or into a directory that is not empty without --force, is
// refused, nothing written; a teacher's exercise whose starter does not compile, or already passes, fails the
// teacher's check with its position.
func TestHandoutRefuses(t *testing.T) {
	top := t.TempDir()
	root := exerciseCourse(t, top)
	ctx := context.Background()
	render(t, ctx, root)
	for _, out := range []string{filepath.Join(root, "handout"), root} {
		code, _, stderr := runner(t, ctx, root, "handout", "--out", out)
		if code != exitBadInput || !strings.Contains(stderr, "inside the course") {
			t.Errorf("handout --out %s: exit %d\n%s", out, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "handout")); err == nil {
		t.Error("a handout was written into the course")
	}
	full := filepath.Join(top, "full")
	writeFile(t, filepath.Join(full, "notes.txt"), "mine\n")
	if code, _, stderr := runner(t, ctx, root, "handout", "--out", full); code != exitBadInput || !strings.Contains(stderr, "not empty") {
		t.Errorf("handout into a directory that is not empty: exit %d\n%s", code, stderr)
	}

	lesson := filepath.Join(root, "lessons", "ex.md")
	src := readFile(t, lesson)
	writeFile(t, lesson, strings.Replace(src, "\t// return strings.TrimSpace(s) // make it loud", "\t// return strings.ToUpper(s + \"!\")", 1))
	code, stdout, _ := runner(t, ctx, root, "check")
	if code != exitFailed || !strings.Contains(stdout, "In [2]: exercise: its starter (what the handout gets) already matches the recorded output") {
		t.Errorf("a starter that passes: exit %d\n%s", code, stdout)
	}
	writeFile(t, lesson, strings.Replace(src, "\t// return strings.TrimSpace(s) // make it loud", "\t// return \"x\"", 1))
	code, stdout, _ = runner(t, ctx, root, "check")
	if code != exitFailed || !strings.Contains(stdout, "In [2]: exercise: its starter (what the handout gets) does not compile") ||
		!strings.Contains(stdout, `lessons/ex.md:32:2: "strings" imported and not used`) {
		t.Errorf("a starter that does not compile: exit %d\n%s", code, stdout)
	}
}

// TestHandoutNoExercises: the handout of a lesson with no exercise is the lesson as it is, byte for byte (CRLF
// line ends, a tab, trailing spaces), with its fingerprints, which check --stale in the handout accepts.
func TestHandoutNoExercises(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	src := strings.ReplaceAll("# Plain  \n\n\tindented prose\n\n"+cell(1, "", mainWith("fmt", "\tfmt.Println(\"plain\")")), "\n", "\r\n")
	lessonFile := filepath.Join(root, "lessons", "plain.md")
	writeFile(t, lessonFile, src)
	ctx := context.Background()
	render(t, ctx, root)
	rendered := readFile(t, lessonFile)
	out := filepath.Join(top, "handout")
	if code, _, stderr := runner(t, ctx, root, "handout", "--out", out); code != exitOK || !strings.Contains(stderr, "1 lesson, 0 exercises") {
		t.Fatalf("handout: exit %d\n%s", code, stderr)
	}
	if got := readFile(t, filepath.Join(out, "lessons", "plain.md")); got != rendered {
		t.Errorf("the handout's lesson is not the lesson:\n%q\nwant\n%q", got, rendered)
	}
	if code, stdout, _ := runner(t, ctx, out, "check", "--stale"); code != exitOK || !strings.Contains(stdout, "1 cell: 0 stale") {
		t.Errorf("check --stale in the handout: exit %d\n%s", code, stdout)
	}
}

// TestHandoutGroupFingerprints: a server's fingerprint covers the cells that run with it, an exercise among
// them; in the handout it is the handout's own (check --stale there says 0 stale), never the teacher's, which
// is a digest of the solution that a student could test guesses against.
func TestHandoutGroupFingerprints(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	server := mainWith("fmt time", "\tfmt.Println(\"up\")\n\ttime.Sleep(time.Minute)")
	writeFile(t, filepath.Join(root, "lessons", "group.md"), cell(1, "background ready=out:up", server)+cell(2, "exercise", exerciseDefault))
	ctx := context.Background()
	render(t, ctx, root)
	out := filepath.Join(top, "handout")
	handOut(t, ctx, root, out)
	teacher := outputsFP(t, readFile(t, filepath.Join(root, "lessons", "group.md")))
	handout := outputsFP(t, readFile(t, filepath.Join(out, "lessons", "group.md")))
	if teacher[1] == "" || handout[1] == "" || teacher[1] == handout[1] || handout[2] != "" {
		t.Errorf("fp= words: the teacher's %v, the handout's %v", teacher, handout)
	}
	if code, stdout, _ := runner(t, ctx, out, "check", "--stale"); code != exitOK || !strings.Contains(stdout, "2 cells: 0 stale") {
		t.Errorf("check --stale in the handout: exit %d\n%s", code, stdout)
	}
}

// outputsFP returns the fp= word of each Out block of a lesson, by cell number.
func outputsFP(t *testing.T, src string) map[int]string {
	t.Helper()
	fps := map[int]string{}
	for _, m := range regexp.MustCompile("(?m)^Out \\[(\\d+)\\]:\n\n```text( fp=(\\w+))?").FindAllStringSubmatch(src, -1) {
		n, _ := strconv.Atoi(m[1])
		fps[n] = m[3]
	}
	return fps
}
