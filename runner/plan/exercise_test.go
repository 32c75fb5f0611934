package plan

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExercisePlan: an exercise's program with solution regions is the teacher's copy, whose starter replaces
// them (inline, or every file of an src= package, laid over the files); without regions it is a student's copy.
func TestExercisePlan(t *testing.T) {
	root := course(t)
	write(t, filepath.Join(root, "snippets", "ex", "main.go"), "package main\n\nfunc main() {\n\t// BEGIN SOLUTION\n\tprintln(helper())\n\t// END SOLUTION\n}\n")
	write(t, filepath.Join(root, "snippets", "ex", "helper.go"), "package main\n\nfunc helper() int {\n\t// BEGIN SOLUTION\n\treturn 42\n\t// END SOLUTION\n\t// BEGIN STARTER\n\t// return 0\n\t// END STARTER\n}\n")
	src := "In [1]:\n\n```go exercise\npackage main\n\nfunc main() {\n\t// BEGIN SOLUTION\n\tprintln(1)\n\t// END SOLUTION\n}\n```\n\n" +
		"In [2]:\n\n```go exercise src=../snippets/ex/main.go\n```\n\n" +
		"In [3]:\n\n```go exercise\npackage main\n\nfunc main() {}\n```\n\nOut [3]:\n\n```text want=abc\n42\n```\n"
	p := mustPlan(t, root, src, Options{})
	in, pkg, student := p.Programs[0].Exercise, p.Programs[1].Exercise, p.Programs[2].Exercise
	if in == nil || !in.Teacher || !strings.Contains(string(in.Starter.Inline), `panic("exercise: write this part")`) || strings.Contains(string(in.Starter.Inline), "println(1)") {
		t.Errorf("inline exercise: %+v", in)
	}
	if pkg == nil || !pkg.Teacher || len(pkg.Starter.Overlay) != 2 || !strings.Contains(string(pkg.Starter.Overlay[filepath.Join(root, "snippets", "ex", "helper.go")]), "\treturn 0\n") {
		t.Errorf("src= exercise: %+v", pkg)
	}
	if pkg.Starter.BuildKey == "" || pkg.Starter.BuildKey == p.Programs[1].BuildKey {
		t.Errorf("the starter's build key %q", pkg.Starter.BuildKey)
	}
	if student == nil || student.Teacher || student.Starter != nil {
		t.Errorf("an exercise without regions (a handout's): %+v", student)
	}
	if p.Programs[0].Stale() != true {
		t.Errorf("no output recorded, yet not stale")
	}
}

// TestExerciseMarkerErrors: markers outside an exercise cell, and malformed ones in an exercise, are errors at
// their place: in the lesson for an inline cell, in the snippet's file for an src= cell.
func TestExerciseMarkerErrors(t *testing.T) {
	root := course(t)
	write(t, filepath.Join(root, "snippets", "marked", "main.go"), "package main\n\nfunc main() {\n\t// BEGIN SOLUTION\n\t// END SOLUTION\n}\n")
	src := "In [1]:\n\n```go\npackage main\n\nfunc main() {\n\t// BEGIN SOLUTION\n\t// END SOLUTION\n}\n```\n\n" +
		"In [2]:\n\n```go src=../snippets/marked/main.go\n```\n\n" +
		"In [3]:\n\n```go exercise\npackage main\n\nfunc main() {\n\t// END SOLUTION\n}\n```\n\n" +
		"In [4]:\n\n```go exercise\npackage main\n\nfunc main() {}\n```\n\n" +
		"In [5]:\n\n```go exercise\npackage main\n\nfunc main() {\n\t// BEGIN SOLUTION\n\t// BEGIN SOLUTION\n\t// END SOLUTION\n}\n```\n"
	_, err := makePlan(t, root, src, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"lessons/l.md:7:2: In [1]: ",
		filepath.Join("lessons", "..", "snippets", "marked", "main.go") + ":4:2: In [2] of lessons/l.md: ",
		"lessons/l.md:23:2: In [3]: ",
		"lessons/l.md:29:7: In [4]: an exercise with no solution region",
		"lessons/l.md:42:2: In [5]: // BEGIN SOLUTION inside the region that begins at line 41:",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("no %q in:\n%v", want, err)
		}
	}
}

// TestPackageMarkers: a solution marker in a course package that a cell imports is an error at its place: only
// an exercise's own program has its regions replaced in the handout.
func TestPackageMarkers(t *testing.T) {
	root := course(t)
	write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\nfunc F() int {\n\t// BEGIN SOLUTION\n\treturn 1\n\t// END SOLUTION\n}\n")
	_, err := makePlan(t, root, "In [1]:\n\n```go\npackage main\n\nimport \"example.com/course/lib\"\n\nfunc main() { lib.F() }\n```\n", Options{})
	want := filepath.Join("lib", "lib.go") + ":4:2: imported by In [1] of lessons/l.md: a solution marker outside an exercise cell"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}
