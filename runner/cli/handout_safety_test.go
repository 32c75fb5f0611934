package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// symlink makes a symbolic link at name to target, and skips the test where the system cannot make one.
func symlink(t *testing.T, target, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, name); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

// absent reports, as a test error, each of the files (relative to dir) that exists.
func absent(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s is in the handout", name)
		}
	}
}

// render renders the course at root, or fails the test.
func render(t *testing.T, ctx context.Context, root string) {
	t.Helper()
	if code, _, stderr := runner(t, ctx, root, "render", "--no-html"); code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
}

// handOut writes the handout of the course at root into out, with the lessons args name (all of them by
// default), or fails the test; no solution text may be in it (solutionWords).
func handOut(t *testing.T, ctx context.Context, root, out string, args ...string) {
	t.Helper()
	if code, _, stderr := runner(t, ctx, root, append([]string{"handout", "--out", out}, args...)...); code != exitOK {
		t.Fatalf("handout: exit %d\n%s", code, stderr)
	}
	if found := solutionWords(t, out); len(found) > 0 {
		t.Errorf("solution text in the handout: %v", found)
	}
}

// besideMain is a program beside the lessons (src=main.go), with a helper that is a symbolic link to a file
// elsewhere in the course.
const besideMain = `package main

import "fmt"

func main() { fmt.Println(greeting()) }
`

// TestHandoutPackageFiles: a package beside the lessons (lessons/main.go, src=main.go) ships the lessons'
// editions, never the teacher's lessons (b.md's solution, c.md not handed out), no editor's leftover (copies
// of a solution), its data files, and a Go file that is a symbolic link inside the course as that file; the
// handout loads and checks.
func TestHandoutPackageFiles(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "lessons", "main.go"), besideMain)
	writeFile(t, filepath.Join(root, "shared", "greeting.go"), "package main\n\nfunc greeting() string { return \"hello\" }\n")
	symlink(t, filepath.Join("..", "shared", "greeting.go"), filepath.Join(root, "lessons", "greeting.go"))
	for _, leftover := range []string{"main.go~", "main.go.orig", "main.go.rej", "main.go.bak", "main.go.swp", "main.go.tmp", "NOTES.MD"} {
		writeFile(t, filepath.Join(root, "lessons", leftover), "area: return w * h // SOL-LEFTOVER\n")
	}
	writeFile(t, filepath.Join(root, "lessons", "words.txt"), "tcp udp\n")
	writeFile(t, filepath.Join(root, "lessons", "a.md"), "# Beside\n\nIn [1]:\n\n```go src=main.go\n```\n\n")
	writeFile(t, filepath.Join(root, "lessons", "b.md"), "# Inline\n\n"+cell(1, "exercise", exerciseDefault))
	writeFile(t, filepath.Join(root, "lessons", "c.md"), "# Not handed out\n\nThe answer: SOL-C\n")
	ctx := context.Background()
	render(t, ctx, root)

	out := filepath.Join(top, "handout")
	handOut(t, ctx, root, out, "lessons/a.md", "lessons/b.md")
	absent(t, out, "lessons/c.md", "lessons/main.go~", "lessons/main.go.orig", "lessons/main.go.rej", "lessons/main.go.bak",
		"lessons/main.go.swp", "lessons/main.go.tmp", "lessons/NOTES.MD")
	if got := readFile(t, filepath.Join(out, "lessons", "b.md")); !strings.Contains(got, `panic("exercise: write this part")`) {
		t.Errorf("lessons/b.md in the handout is not its edition:\n%s", got)
	}
	for _, f := range []string{"lessons/main.go", "lessons/words.txt", "lessons/greeting.go"} {
		if info, err := os.Lstat(filepath.Join(out, f)); err != nil || !info.Mode().IsRegular() {
			t.Errorf("%s in the handout: %v, %v", f, info, err)
		}
	}
	if code, stdout, stderr := runner(t, ctx, out, "check"); code != exitFailed || !strings.Contains(stdout, "exercises: 0 of 1 solved") {
		t.Errorf("check in the handout: exit %d\n%s%s", code, stdout, stderr)
	}
}

// linkedMain is an exercise's program in its own package, which a lesson links to.
const linkedMain = `package main

import "fmt"

func main() {
	// BEGIN SOLUTION
	fmt.Println(greeting() + ", class") // SOL-LINKED
	// END SOLUTION
	// BEGIN STARTER
	// fmt.Println(greeting())
	// END STARTER
}
`

// TestHandoutLinks: the files a lesson links to follow serve's rules: an exercise's program file (linked by
// another lesson, or through a symbolic link) is its starter; a link to a lesson, to a hidden file or to a file
// outside the course is left out; a plain file inside the course is copied. The symbolic link to the
// exercise's program is a case of its own: the safety net would refuse it (and so hide the other cases) if
// it were copied as it is.
func TestHandoutLinks(t *testing.T) {
	t.Run("rules", func(t *testing.T) { handoutLinks(t, false) })
	t.Run("program", func(t *testing.T) { handoutLinks(t, true) })
}

func handoutLinks(t *testing.T, linkProgram bool) {
	top := t.TempDir()
	root := filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "snippets", "ex", "main.go"), linkedMain)
	writeFile(t, filepath.Join(root, "snippets", "ex", "greeting.go"), "package main\n\nfunc greeting() string { return \"hello\" }\n")
	writeFile(t, filepath.Join(root, "data", "ok.txt"), "fine\n")
	writeFile(t, filepath.Join(root, ".private", "answers.txt"), "SOL-PRIVATE\n")
	writeFile(t, filepath.Join(top, "outside.txt"), "SOL-OUTSIDE\n")
	if linkProgram {
		symlink(t, filepath.Join("..", "snippets", "ex", "main.go"), filepath.Join(root, "data", "code.go.txt"))
	}
	symlink(t, filepath.Join("..", "lessons", "c.md"), filepath.Join(root, "data", "notes.txt"))
	symlink(t, filepath.Join(top, "outside.txt"), filepath.Join(root, "data", "host.txt"))
	again := ""
	if linkProgram {
		again = "[again](../data/code.go.txt), "
	}
	writeFile(t, filepath.Join(root, "lessons", "a.md"), "# Links\n\nSee [the code](../snippets/ex/main.go), "+again+
		"[notes](../data/notes.txt), [answers](../.private/answers.txt), [host](../data/host.txt) and [ok](../data/ok.txt).\n\n"+
		cell(1, "", mainWith("fmt", "\tfmt.Println(\"a\")")))
	writeFile(t, filepath.Join(root, "lessons", "b.md"), "# Exercise\n\nIn [1]:\n\n```go exercise src=../snippets/ex/main.go\n```\n\n")
	writeFile(t, filepath.Join(root, "lessons", "c.md"), "# Not handed out\n\nThe answer: SOL-C\n")
	ctx := context.Background()
	render(t, ctx, root)

	out := filepath.Join(top, "handout")
	handOut(t, ctx, root, out, "lessons/a.md", "lessons/b.md")
	absent(t, out, "data/notes.txt", ".private", "data/host.txt")
	for _, f := range []string{"snippets/ex/main.go", "data/code.go.txt"} {
		if f == "data/code.go.txt" && !linkProgram {
			continue
		}
		if got := readFile(t, filepath.Join(out, f)); !strings.Contains(got, "\tfmt.Println(greeting())\n") {
			t.Errorf("%s in the handout is not the starter:\n%s", f, got)
		}
	}
	if got := readFile(t, filepath.Join(out, "data", "ok.txt")); got != "fine\n" {
		t.Errorf("data/ok.txt in the handout: %q", got)
	}
}

// TestHandoutSafetyNet: a file the handout would hold with the text of a solution region, or with a solution
// marker, is an error at its place, and nothing is written.
func TestHandoutSafetyNet(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"answer.txt", "return w * h // SOL-ONE\n", "data/answer.txt:1:1: the text of an exercise's solution"},
		{"marked.txt", "notes\n\t// BEGIN SOLUTION\n", "data/marked.txt:2:2: a solution marker"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			top := t.TempDir()
			root := filepath.Join(top, "course")
			writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
			writeFile(t, filepath.Join(root, "data", tc.name), tc.text)
			writeFile(t, filepath.Join(root, "lessons", "ex.md"), "# Net\n\nSee [this](../data/"+tc.name+").\n\n"+cell(1, "exercise", exerciseDefault))
			ctx := context.Background()
			render(t, ctx, root)
			out := filepath.Join(top, "handout")
			code, _, stderr := runner(t, ctx, root, "handout", "--out", out)
			if code != exitBadInput || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "nothing written") {
				t.Errorf("handout: exit %d, want %q\n%s", code, tc.want, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("the handout was written")
			}
		})
	}
}

// TestHandoutForceSymlinks: --force never writes through a symbolic link: not through a directory of DIR
// that leads into the course (the teacher's snippets stay), nor over a file of DIR that is a link; nothing
// is written.
func TestHandoutForceSymlinks(t *testing.T) {
	top := t.TempDir()
	root := exerciseCourse(t, top)
	ctx := context.Background()
	render(t, ctx, root)

	into := filepath.Join(top, "into")
	symlink(t, filepath.Join(root, "snippets"), filepath.Join(into, "snippets"))
	code, _, stderr := runner(t, ctx, root, "handout", "--force", "--out", into)
	if code != exitBadInput || !strings.Contains(stderr, "inside the course") {
		t.Errorf("handout through a link into the course: exit %d\n%s", code, stderr)
	}
	if got := readFile(t, filepath.Join(root, "snippets", "ex3", "main.go")); got != exerciseMain {
		t.Errorf("the teacher's snippet was overwritten:\n%s", got)
	}
	absent(t, into, "lessons", "go.mod")

	over := filepath.Join(top, "over")
	victim := filepath.Join(top, "victim.txt")
	writeFile(t, victim, "mine\n")
	symlink(t, victim, filepath.Join(over, "go.mod"))
	code, _, stderr = runner(t, ctx, root, "handout", "--force", "--out", over)
	if code != exitBadInput || !strings.Contains(stderr, "a symbolic link; the handout writes no file through one") {
		t.Errorf("handout over a link: exit %d\n%s", code, stderr)
	}
	if got := readFile(t, victim); got != "mine\n" {
		t.Errorf("written through a link: %q", got)
	}
	absent(t, over, "lessons")
}

// TestHandoutChecksFirst: an exercise whose recorded output is stale, or whose starter does not compile, and a
// package outside the course are errors before anything is written.
func TestHandoutChecksFirst(t *testing.T) {
	top := t.TempDir()
	root := exerciseCourse(t, top)
	ctx := context.Background()
	render(t, ctx, root)
	lessonFile := filepath.Join(root, "lessons", "ex.md")
	src := readFile(t, lessonFile)
	out := filepath.Join(top, "handout")
	refused := func(what, want string) {
		t.Helper()
		code, _, stderr := runner(t, ctx, root, "handout", "--out", out)
		if code != exitBadInput || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, want %q\n%s", what, code, want, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: the handout was written", what)
		}
	}
	writeFile(t, lessonFile, strings.Replace(src, "return w * h // SOL-ONE", "return h * w // SOL-ONE", 1))
	refused("a stale exercise", "lessons/ex.md:3:1: In [1]: the exercise's recorded output is stale")
	writeFile(t, lessonFile, strings.Replace(src, "\t// return strings.TrimSpace(s) // make it loud", "\t// return \"x\"", 1))
	refused("a starter that does not compile", `lessons/ex.md:32:2: "strings" imported and not used`)

	writeFile(t, lessonFile, src)
	writeFile(t, filepath.Join(top, "shared", "go.mod"), "module example.org/shared\n\ngo 1.26\n")
	writeFile(t, filepath.Join(top, "shared", "shared.go"), "package shared\n\n// Name is a name.\nconst Name = \"shared\"\n")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n\nrequire example.org/shared v0.0.0\n\nreplace example.org/shared => ../shared\n")
	writeFile(t, lessonFile, src+cell(5, "", mainWith("fmt example.org/shared", "\tfmt.Println(shared.Name)")))
	render(t, ctx, root)
	refused("a package outside the course", "a package the lessons build, outside the course's root")
}

// TestHandoutManifest: --force over an earlier handout removes the files that one wrote (its manifest lists
// them) that the new one does not, and nothing else: not the student's own file, not a file outside DIR the
// manifest names, not a symbolic link.
func TestHandoutManifest(t *testing.T) {
	top := t.TempDir()
	root := exerciseCourse(t, top)
	writeFile(t, filepath.Join(root, "snippets", "two", "main.go"), mainWith("fmt", "\tfmt.Println(\"two\")"))
	writeFile(t, filepath.Join(root, "lessons", "two.md"), "# Two\n\nIn [1]:\n\n```go src=../snippets/two/main.go\n```\n")
	ctx := context.Background()
	render(t, ctx, root)
	out := filepath.Join(top, "handout")
	handOut(t, ctx, root, out)
	manifest := filepath.Join(out, handoutManifest)
	if got := readFile(t, manifest); !strings.Contains(got, "\nlessons/two.md\n") || !strings.Contains(got, "\nsnippets/ex3/main.go\n") {
		t.Fatalf("the manifest:\n%s", got)
	}
	outside := filepath.Join(top, "outside.txt")
	writeFile(t, outside, "keep\n")
	writeFile(t, filepath.Join(out, "mine.txt"), "the student's\n")
	symlink(t, outside, filepath.Join(out, "link.txt"))
	writeFile(t, manifest, readFile(t, manifest)+"../outside.txt\nlink.txt\n/etc/hostname\n")

	code, _, stderr := runner(t, ctx, root, "handout", "--force", "--out", out, "lessons/ex.md")
	if code != exitOK || !strings.Contains(stderr, "; 2 files of the earlier handout removed") {
		t.Errorf("handout --force: exit %d\n%s", code, stderr)
	}
	absent(t, out, "lessons/two.md", "snippets/two") // the directory left empty goes too
	if _, err := os.Stat(filepath.Join(out, "snippets", "ex3", "main.go")); err != nil {
		t.Errorf("a file of the new handout: %v", err)
	}
	for _, f := range []string{outside, filepath.Join(out, "mine.txt"), filepath.Join(out, "link.txt"), filepath.Join(out, "lessons", "ex.md")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("removed: %v", err)
		}
	}
	if got := readFile(t, manifest); strings.Contains(got, "two.md") || !strings.Contains(got, "\nlessons/ex.md\n") {
		t.Errorf("the new manifest:\n%s", got)
	}
}
