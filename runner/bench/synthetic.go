package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The synthetic module (module bench, in e.syn):
//
//	lessons/small.md          10 src= cells, one per package snippets/cellNN
//	lessons/inline.md         10 inline cells: the program is in the fence
//	inline/cellNN/main.go     the same 10 inline programs, each its own package, for go build
//	lessons/big/lessonNNN.md  200 lessons of 10 inline cells each, never edited

// setupSynthetic writes the synthetic module and renders its lessons once.
func (e *env) setupSynthetic() error {
	write := func(rel, content string) error {
		path := filepath.Join(e.syn, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(content), 0o644)
	}
	if err := write("go.mod", "module bench\n\ngo 1.26\n"); err != nil {
		return err
	}
	var small strings.Builder
	small.WriteString("# Ten cells\n\n")
	for i := range cells {
		fmt.Fprintf(&small, "In [%d]:\n\n```go src=../snippets/cell%02d/main.go\n```\n\n", i+1, i)
	}
	if err := write("lessons/small.md", small.String()); err != nil {
		return err
	}
	if err := e.editSnippets(); err != nil {
		return err
	}
	e.edits++
	var inline strings.Builder
	inline.WriteString("# Ten inline cells\n\n")
	for i := range cells {
		fmt.Fprintf(&inline, "Prose before cell %d.\n\nIn [%d]:\n\n```go\n%s```\n\n", i, i+1, program(i, e.edits))
	}
	if err := write("lessons/inline.md", inline.String()); err != nil {
		return err
	}
	// The 200 lessons share one program per cell position, so the first render builds 10 binaries, not 2000.
	for l := range 200 {
		var b strings.Builder
		fmt.Fprintf(&b, "# Lesson %d\n\n", l)
		for i := range cells {
			fmt.Fprintf(&b, "Some prose before cell %d.\n\nIn [%d]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"cell %d\") }\n```\n\n", i, i+1, i)
		}
		if err := write(fmt.Sprintf("lessons/big/lesson%03d.md", l), b.String()); err != nil {
			return err
		}
	}
	for _, l := range []string{"lessons/small.md", "lessons/inline.md", "lessons/big"} {
		if err := e.render(e.syn, l); err != nil {
			return err
		}
	}
	return nil
}

// program is the Go program of cell i at edit n: one line of output that names both.
func program(i, n int) string {
	return fmt.Sprintf("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"cell %d, edit %d\")\n}\n", i, n)
}

// editSnippets writes every snippet anew with a different message, so that each must be built again.
func (e *env) editSnippets() error { return e.writePrograms("snippets") }

// writePrograms writes the 10 programs as packages under the directory under, anew, with a new message.
func (e *env) writePrograms(under string) error {
	e.edits++
	for i := range cells {
		path := filepath.Join(e.syn, under, fmt.Sprintf("cell%02d", i), "main.go")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(program(i, e.edits)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// edited matches the message of a program, in the code of an inline cell (its output has no quotes).
var edited = regexp.MustCompile(`"cell (\d+), edit \d+"`)

// editInlineLesson edits the code of every inline cell in place, as a writer would: the prose and the
// recorded outputs stay, and each program must be built again.
func (e *env) editInlineLesson() error {
	e.edits++
	path := filepath.Join(e.syn, "lessons", "inline.md")
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if n := len(edited.FindAllIndex(src, -1)); n != cells {
		return fmt.Errorf("%s: %d programs to edit, want %d", path, n, cells)
	}
	return os.WriteFile(path, edited.ReplaceAll(src, []byte(fmt.Sprintf(`"cell $1, edit %d"`, e.edits))), 0o644)
}

// editInlinePrograms writes the 10 inline programs anew, as separate packages, with a new message.
func (e *env) editInlinePrograms() error { return e.writePrograms("inline") }

func packages(under string) []string {
	var pkgs []string
	for i := range cells {
		pkgs = append(pkgs, fmt.Sprintf("./%s/cell%02d", under, i))
	}
	return pkgs
}

func (e *env) goRunAll() error {
	for _, p := range packages("snippets") {
		if err := e.run(e.syn, "go", "run", p); err != nil {
			return err
		}
	}
	return nil
}

// goBuild builds the 10 snippet packages with one go build -o DIR, with the runner's flags.
func (e *env) goBuild(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return e.run(e.syn, "go", append([]string{"build", "-trimpath", "-o", out + "/"}, packages("snippets")...)...)
}

// goBuildEach builds the 10 inline programs with one go build -o FILE each, one after another, with the go
// command's default flags: what a user types.
func (e *env) goBuildEach(out string) error {
	for i, p := range packages("inline") {
		if err := e.run(e.syn, "go", "build", "-o", filepath.Join(out, fmt.Sprintf("cell%02d", i)), p); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) execAll() error {
	for i := range cells {
		if err := e.run(e.syn, filepath.Join(e.syn, "bin", fmt.Sprintf("cell%02d", i))); err != nil {
			return err
		}
	}
	return nil
}
