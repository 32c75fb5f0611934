package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// repoRoot is the module's root, where lessons/ is.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestExportDeterministic: exporting the lessons twice gives the same bytes.
func TestExportDeterministic(t *testing.T) {
	root, out := repoRoot(t), t.TempDir()
	var first [][]byte
	for i := range 2 {
		dir := filepath.Join(out, string(rune('a'+i)))
		code, stdout, stderr := runner(t, context.Background(), root, "export", "--out", dir, "lessons")
		if code != 0 || !strings.Contains(stdout, "lessons/class16-tcp-udp.md → ") {
			t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
		if err != nil || len(files) != 2 {
			t.Fatalf("notebooks written: %q %v, want 2", files, err)
		}
		for j, f := range files {
			b := []byte(readFile(t, f))
			if i == 0 {
				first = append(first, b)
			} else if !bytes.Equal(b, first[j]) {
				t.Errorf("%s differs from the first export", filepath.Base(f))
			}
		}
	}
}

// exportLessons exports this repository's lessons into a temporary directory, which it returns with the
// lessons' paths. Export must say nothing on stderr: a warning there is a notebook that would not import back.
func exportLessons(t *testing.T) (out string, lessons []string) {
	t.Helper()
	root, out := repoRoot(t), t.TempDir()
	if code, stdout, stderr := runner(t, context.Background(), root, "export", "--out", out, "lessons"); code != 0 || stderr != "" {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
	}
	lessons, err := filepath.Glob(filepath.Join(root, "lessons", "*.md"))
	if err != nil || len(lessons) < 2 {
		t.Fatalf("lessons: %q %v", lessons, err)
	}
	return out, lessons
}

// TestExportJupyter validates the exported lessons with Jupyter's own nbformat and converts them with nbconvert:
// the real ecosystem, from Debian's python3-nbformat and jupyter-nbconvert (.ci/run installs them).
func TestExportJupyter(t *testing.T) {
	const python = "/usr/bin/python3" // Debian's packages install for it; another python3 may come first on PATH
	if err := exec.Command(python, "-c", "import nbformat").Run(); err != nil {
		t.Skipf("skipped: %s cannot import nbformat (%v); install Debian's python3-nbformat", python, err)
	}
	jupyter, err := exec.LookPath("jupyter-nbconvert")
	if err != nil {
		t.Skip("skipped: jupyter-nbconvert not found; install Debian's jupyter-nbconvert")
	}
	out, lessons := exportLessons(t)
	for _, path := range lessons {
		base := strings.TrimSuffix(filepath.Base(path), ".md")
		nb := filepath.Join(out, base+".ipynb")
		validate := exec.Command(python, "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", nb)
		if b, err := validate.CombinedOutput(); err != nil {
			t.Errorf("nbformat.validate %s: %v\n%s", base, err, b)
		} else {
			t.Logf("nbformat.validate %s.ipynb: %s", base, strings.TrimSpace(string(b)))
		}
		mdDir := filepath.Join(out, "md")
		conv := exec.Command(jupyter, "--to", "markdown", "--output-dir", mdDir, nb)
		if b, err := conv.CombinedOutput(); err != nil {
			t.Errorf("nbconvert %s: %v\n%s", base, err, b)
			continue
		} else {
			t.Logf("nbconvert --to markdown %s.ipynb: %s", base, strings.TrimSpace(string(b)))
		}
		md := readFile(t, filepath.Join(mdDir, base+".md"))
		src := []byte(readFile(t, path))
		l, err := lesson.Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range l.Cells {
			if c.Out == nil {
				continue
			}
			// nbconvert indents outputs by four spaces; every line of every recorded output must be there.
			for _, line := range strings.Split(strings.TrimRight(string(c.Out.Fence.Text(src)), "\n"), "\n") {
				if !strings.Contains(md, "    "+line) {
					t.Errorf("%s: Out [%d]: %q is not in nbconvert's Markdown", base, c.Number, line)
					break
				}
			}
		}
		if !strings.Contains(md, "```go\n") || strings.Contains(md, "class16-tcp-udp.md)") {
			t.Errorf("%s: nbconvert's Markdown lacks Go code cells, or still links to a lesson's .md", base)
		}
	}
}

// TestImportVerb: import writes the skeleton, refuses to overwrite it without --force, and names a bad cell.
func TestImportVerb(t *testing.T) {
	dir := t.TempDir()
	course, err := filepath.Abs("../jupyter/testdata/course.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runner(t, context.Background(), dir, "import", course, "--out", "course.md")
	if code != 0 || !strings.Contains(stdout, "python cells to be ported") || !strings.Contains(stderr, "course.ipynb: 1 images saved in course.files") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	if png := readFile(t, filepath.Join(dir, "course.files", "cell-4-output-1.png")); !strings.HasPrefix(png, "\x89PNG") {
		t.Errorf("the image of cell 4 is not saved: %q", png)
	}
	want := readFile(t, "../jupyter/testdata/course.md")
	if got := readFile(t, filepath.Join(dir, "course.md")); got != want {
		t.Errorf("import wrote\n%s\nwant testdata/course.md", got)
	}
	writeFile(t, filepath.Join(dir, "course.md"), "mine\n")
	code, _, stderr = runner(t, context.Background(), dir, "import", course, "--out", "course.md")
	if code != exitBadInput || !strings.Contains(stderr, "course.md exists; --force overwrites it") || readFile(t, filepath.Join(dir, "course.md")) != "mine\n" {
		t.Errorf("import over an existing file: exit %d, %s; want exit 2 and the file kept", code, stderr)
	}
	if code, _, stderr = runner(t, context.Background(), dir, "import", "--force", course, "--out", "course.md"); code != 0 || readFile(t, filepath.Join(dir, "course.md")) != want {
		t.Errorf("import --force: exit %d %s; want the skeleton written", code, stderr)
	}
	writeFile(t, filepath.Join(dir, "bad.ipynb"), `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "markdown", "source": "x"}, {"cell_type": "heading", "source": "y"}]}`)
	code, _, stderr = runner(t, context.Background(), dir, "import", "bad.ipynb")
	if code != exitBadInput || !strings.Contains(stderr, `bad.ipynb: cell 1: unknown cell_type "heading"`) {
		t.Errorf("import of a bad notebook: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.md")); err == nil {
		t.Error("a bad notebook left a lesson")
	}
}

// TestExportSameEverywhere: a notebook is made of the lesson and its programs alone: the same bytes before and
// after a render has put the cell's coloured run in the cache, and the recorded text, never the cache's colours.
func TestExportSameEverywhere(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "colour.md")
	writeFile(t, path, "# Colour\n\n"+cell(1, "", mainWith("fmt", `fmt.Println("\x1b[31mred\x1b[0m")`)))
	if code, stdout, stderr := runner(t, context.Background(), dir, "render", "--no-html", "colour.md"); code != 0 {
		t.Fatalf("render: exit %d\n%s%s", code, stdout, stderr)
	}
	var notebooks []string
	for _, cache := range []string{"", filepath.Join(dir, "empty-cache")} {
		args := []string{"export", "--out", "nb", "colour.md"}
		if cache != "" {
			args = append(args, "--cache", cache)
		}
		if code, stdout, stderr := runner(t, context.Background(), dir, args...); code != 0 {
			t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
		}
		notebooks = append(notebooks, readFile(t, filepath.Join(dir, "nb", "colour.ipynb")))
	}
	if notebooks[0] != notebooks[1] {
		t.Errorf("the notebook depends on the cache:\n%s\n---\n%s", notebooks[0], notebooks[1])
	}
	if nb := notebooks[0]; !strings.Contains(nb, `"red\n"`) || strings.Contains(nb, `\u001b`) {
		t.Errorf("the notebook must show the recorded text:\n%s", nb)
	}
}

// TestExportImportLessons: each lesson exported and its notebook imported is the lesson, byte for byte.
func TestExportImportLessons(t *testing.T) {
	out, lessons := exportLessons(t)
	for _, path := range lessons {
		base := strings.TrimSuffix(filepath.Base(path), ".md")
		back := filepath.Join(out, base+".md")
		code, stdout, stderr := runner(t, context.Background(), out, "import", base+".ipynb")
		if code != 0 || stderr != "" {
			t.Errorf("import %s: exit %d\n%s%s", base, code, stdout, stderr)
			continue
		}
		if got, want := readFile(t, back), readFile(t, path); got != want {
			t.Errorf("%s after export and import differs from the lesson", base)
		}
	}
}

// TestImportGoNB: a notebook written for GoNB (testdata/gonb.ipynb, of the shape of GoNB's tutorial) imports as
// a lesson whose every cell that is self-contained in GoNB builds, runs and prints what the notebook recorded;
// what has no equivalent is a warning naming the notebook, the cell and the line, and a line of the prose.
func TestImportGoNB(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module course\n\ngo 1.26\n")
	if err := os.Mkdir(filepath.Join(dir, "lessons"), 0o755); err != nil {
		t.Fatal(err)
	}
	nb, err := filepath.Abs("../jupyter/testdata/gonb.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runner(t, context.Background(), dir, "import", nb, "--out", "lessons/gonb.md")
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"gonb.ipynb: cell 28: line 1: `%env GREETING hi`: a GoNB command the lesson has no equivalent for; left out\n",
		"gonb.ipynb: cell 29: line 1: `package tools`: GoNB skips this line",
		"gonb.ipynb: cell 30: GoNB runs this cell with go test (%test)",
		"gonb.ipynb: cell 31: line 1: `%%writefile`: GoNB runs this cell as writefile",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("import's messages lack %q:\n%s", want, stderr)
		}
	}
	md := readFile(t, filepath.Join(dir, "lessons", "gonb.md"))
	if n := strings.Count(md, "\nTo be ported — cell "); n != strings.Count(stderr, "\n") {
		t.Errorf("%d warnings in the prose, %d lines on stderr:\n%s", n, strings.Count(stderr, "\n"), stderr)
	}
	code, stdout, stderr = runner(t, context.Background(), dir, "check", "lessons/gonb.md")
	if code != 0 || stdout != "16 cells: 16 match, 0 differ, 0 skipped\n" {
		t.Errorf("check of the imported lesson: exit %d\n%s%s\n%s", code, stdout, stderr, md)
	}
}

// TestImportImagesAllOrNothing: the lesson and its images are written together or not at all: an image that
// cannot be written (its directory's name is taken by a file) leaves no lesson and no image; an image that
// exists is not overwritten without --force, and then nothing is written either.
func TestImportImagesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "cells": [
		{"cell_type": "markdown", "metadata": {}, "source": "# Plots\n\n![a](attachment:a.png)", "attachments": {"a.png": {"image/png": "iVBORw0KGgo="}}},
		{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "plot()", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}]}]}`
	writeFile(t, filepath.Join(dir, "p.ipynb"), nb)
	writeFile(t, filepath.Join(dir, "p.files"), "a file where the images' directory would go\n")
	if code, _, stderr := runner(t, context.Background(), dir, "import", "p.ipynb"); code != exitBadInput || !strings.Contains(stderr, "p.files") {
		t.Errorf("import with the images' directory taken: exit %d, %s", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(dir, "p.md")); err == nil {
		t.Error("a lesson was written without its images")
	}
	if err := os.Remove(filepath.Join(dir, "p.files")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "p.files", "cell-1-output-0.png"), "mine\n")
	if code, _, stderr := runner(t, context.Background(), dir, "import", "p.ipynb"); code != exitBadInput || !strings.Contains(stderr, filepath.Join("p.files", "cell-1-output-0.png")+" exists; --force overwrites it") {
		t.Errorf("import over an existing image: exit %d, %s", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(dir, "p.files", "cell-0-attachment-0.png")); err == nil {
		t.Error("an image was written although another could not be")
	}
	if code, _, stderr := runner(t, context.Background(), dir, "import", "--force", "p.ipynb"); code != 0 {
		t.Fatalf("import --force: exit %d, %s", code, stderr)
	}
	if md := readFile(t, filepath.Join(dir, "p.md")); !strings.Contains(md, "![a](p.files/cell-0-attachment-0.png)") || !strings.Contains(md, "](p.files/cell-1-output-0.png)") {
		t.Errorf("the lesson does not link its images:\n%s", md)
	}
	if png := readFile(t, filepath.Join(dir, "p.files", "cell-1-output-0.png")); !strings.HasPrefix(png, "\x89PNG") {
		t.Errorf("--force did not replace the image: %q", png)
	}
}

// TestImportImagesNoLinks: import never writes an image through a symbolic link, neither a link where its
// images' directory would go nor one where an image would go (with --force); with --force it replaces the
// images an earlier import saved, removes those this import does not save again, and leaves other files alone;
// when the lesson cannot be written, the images that were there are as they were.
func TestImportImagesNoLinks(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	svg := func(text string) string {
		return `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "cells": [
		{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "plot()", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": "<svg>` + text + `</svg>\n"}}]}]}`
	}
	writeFile(t, filepath.Join(dir, "p.ipynb"), svg("one"))
	if err := os.Symlink(elsewhere, filepath.Join(dir, "p.files")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runner(t, context.Background(), dir, "import", "p.ipynb"); code != exitBadInput || !strings.Contains(stderr, "not a directory of its own") {
		t.Errorf("import with p.files a link: exit %d, %s", code, stderr)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) > 0 {
		t.Errorf("import wrote through the link: %v", entries)
	}
	os.Remove(filepath.Join(dir, "p.files"))
	victim := filepath.Join(elsewhere, "victim.sh")
	writeFile(t, victim, "echo mine\n")
	writeFile(t, filepath.Join(dir, "p.files", "notes.txt"), "the teacher's\n")
	if err := os.Symlink(victim, filepath.Join(dir, "p.files", "cell-0-output-0.svg")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runner(t, context.Background(), dir, "import", "--force", "p.ipynb"); code != exitBadInput || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("import --force over a link: exit %d, %s", code, stderr)
	}
	if readFile(t, victim) != "echo mine\n" {
		t.Error("import --force wrote through a link")
	}
	os.Remove(filepath.Join(dir, "p.files", "cell-0-output-0.svg"))
	writeFile(t, filepath.Join(dir, "p.files", "cell-7-attachment-0.png"), "an earlier import's\n")
	if code, _, stderr := runner(t, context.Background(), dir, "import", "--force", "p.ipynb"); code != 0 {
		t.Fatalf("import --force: exit %d, %s", code, stderr)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "p.files"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "cell-0-output-0.svg notes.txt" {
		t.Errorf("p.files holds %q, want this import's image and the teacher's file", names)
	}
	// The lesson cannot be written (a directory where it goes): the image saved before is untouched.
	writeFile(t, filepath.Join(dir, "q.ipynb"), svg("two"))
	if code, _, stderr := runner(t, context.Background(), dir, "import", "--force", "--out", "p.md", "q.ipynb"); code != 0 {
		t.Fatalf("import: exit %d, %s", code, stderr)
	}
	os.Remove(filepath.Join(dir, "p.md"))
	os.Mkdir(filepath.Join(dir, "p.md"), 0o755)
	before := readFile(t, filepath.Join(dir, "p.files", "cell-0-output-0.svg"))
	if code, _, _ := runner(t, context.Background(), dir, "import", "--force", "p.ipynb"); code == 0 {
		t.Error("import over a directory succeeded")
	}
	if after := readFile(t, filepath.Join(dir, "p.files", "cell-0-output-0.svg")); after != before {
		t.Errorf("the image changed although the lesson was not written: %q, was %q", after, before)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "p.files")); len(entries) != 2 {
		t.Errorf("a failed import left files: %v", entries)
	}
}

// TestExportOneLesson: one lesson exported alone is the same notebook as when all are: its links to the lessons
// beside it point at their notebooks.
func TestExportOneLesson(t *testing.T) {
	root, out := repoRoot(t), t.TempDir()
	all, _ := exportLessons(t)
	if code, stdout, stderr := runner(t, context.Background(), root, "export", "--out", out, "lessons/class15-networking.md"); code != 0 || stderr != "" {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
	}
	one, both := readFile(t, filepath.Join(out, "class15-networking.ipynb")), readFile(t, filepath.Join(all, "class15-networking.ipynb"))
	if one != both || !strings.Contains(one, "class16-tcp-udp.ipynb") {
		t.Errorf("the notebook of one lesson differs from the one exported with the others, or does not link class16-tcp-udp.ipynb")
	}
}
