package jupyter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/internal/golden"
	"classnotes/runner/lesson"
)

func parse(t *testing.T, path string) *lesson.Lesson {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := lesson.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// small returns the small lesson of testdata as export sees it, In [2]'s output in colour.
func small(t *testing.T) *Lesson {
	l := parse(t, "testdata/small.md")
	return &Lesson{Lesson: l, Title: "A small lesson", Links: map[string]string{"next.md": "next.ipynb", "small.md": "small.ipynb"}}
}

func TestExportGolden(t *testing.T) {
	got, err := Export(small(t))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/small.ipynb", got)
	again, err := Export(small(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Error("two exports of the same lesson differ")
	}
	var nb Notebook
	if err := json.Unmarshal(got, &nb); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range nb.Cells {
		if ids[c.ID] || c.ID == "" {
			t.Errorf("cell id %q empty or repeated", c.ID)
		}
		ids[c.ID] = true
	}
	if md := string(nb.Cells[0].Source); !strings.HasPrefix(md, "# A small lesson\n\n") || !strings.Contains(md, "(next.ipynb#top)") ||
		!strings.Contains(md, "(https://example.com/x.md)") || strings.Contains(md, "title:") {
		t.Errorf("first Markdown cell: want the title, no front matter, the lesson link relinked, others kept; got\n%s", md)
	}
	if src := string(nb.Cells[1].Source); strings.Contains(src, "package main") || !strings.HasPrefix(src, "import \"fmt\"") {
		t.Errorf("In [1]: want the package clause left out for GoNB; got\n%s", src)
	}
}

// cellsOf returns, for each cell of l, what a round trip must keep: number, attributes, program and output.
func cellsOf(t *testing.T, l *lesson.Lesson, code map[int][]byte) []string {
	var out []string
	for _, c := range l.Cells {
		prog := string(c.Code.Text(l.Source))
		if b, ok := code[c.Number]; ok {
			prog = string(b)
		}
		rec := "(none)"
		if c.Out != nil {
			rec = string(c.Out.Fence.Text(l.Source))
		}
		out = append(out, strings.Join([]string{"In " + string(rune('0'+c.Number)), attrText(c.Attrs), prog, rec}, "\n--\n"))
	}
	return out
}

// roundTrip exports l and imports the notebook: the lesson must come back byte for byte, and with the same cells.
func roundTrip(t *testing.T, l *Lesson) {
	t.Helper()
	nb, err := Export(l)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := Import("exported.ipynb", nb)
	if err != nil {
		t.Fatal(err)
	}
	if !sk.Go || len(sk.Dropped) > 0 || len(sk.Warnings) > 0 {
		t.Errorf("import of an exported notebook: Go=%v, dropped %q, warnings %q", sk.Go, sk.Dropped, sk.Warnings)
	}
	if !bytes.Equal(sk.Lesson, l.Lesson.Source) {
		t.Errorf("the lesson after the round trip differs:\n%s", firstDiff(l.Lesson.Source, sk.Lesson))
	}
	back, err := lesson.Parse("imported.md", sk.Lesson)
	if err != nil {
		t.Fatalf("the imported lesson does not parse: %v\n%s", err, sk.Lesson)
	}
	want, got := cellsOf(t, l.Lesson, nil), cellsOf(t, back, nil) // a src= cell: the lesson's copy of the program

	if len(want) != len(got) {
		t.Fatalf("%d cells after the round trip, want %d", len(got), len(want))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("cell %d after the round trip:\n%s\nwant:\n%s", i, got[i], want[i])
		}
	}
}

// TestRoundTripSrc: a src= cell shows its file's program, which need not be the lesson's copy of it (a file
// without a final line ending, one edited since the last render); the lesson comes back as it was, src= and all.
func TestRoundTripSrc(t *testing.T) {
	src := "In [1]:\n\n```go src=../snippets/a/main.go timeout=2s\npackage main\n\nfunc main() {}\n```\n\nOut [1]:\n\n```text\n```\n"
	l, err := lesson.Parse("lesson.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, &Lesson{Lesson: l, Code: map[int][]byte{1: []byte("package main\n\nfunc main() {}")}})
	// The file edited since the last render: the notebook shows the file's program, and the lesson's copy comes
	// back, with a warning that it is not what the notebook shows.
	nb, err := Export(&Lesson{Lesson: l, Code: map[int][]byte{1: []byte("package main\n\nfunc main() { println(1) }\n")}})
	if err != nil {
		t.Fatal(err)
	}
	sk, err := Import("lesson.ipynb", nb)
	if err != nil || string(sk.Lesson) != src || len(sk.Warnings) != 1 || !strings.Contains(sk.Warnings[0], "In [1]: the lesson's copy of ../snippets/a/main.go") {
		t.Errorf("import: %v, warnings %q\n%s", err, sk.Warnings, sk.Lesson)
	}
}

// firstDiff shows where got first differs from want: the line, and both versions of it.
func firstDiff(want, got []byte) string {
	w, g := bytes.SplitAfter(want, []byte("\n")), bytes.SplitAfter(got, []byte("\n"))
	for i := range max(len(w), len(g)) {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, gl, wl)
		}
	}
	return "no difference"
}

func TestRoundTrip(t *testing.T) {
	roundTrip(t, small(t))
}

// TestRoundTripLessons exports the real lessons, their src= cells with their files' contents, and imports them.
func TestRoundTripLessons(t *testing.T) {
	files, err := filepath.Glob("../../lessons/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no lessons: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			l := parse(t, f)
			code := map[int][]byte{}
			for _, c := range l.Cells {
				if c.Attrs.Src != "" {
					b, err := os.ReadFile(filepath.Join(filepath.Dir(f), c.Attrs.Src))
					if err != nil {
						t.Fatal(err)
					}
					code[c.Number] = b
				}
			}
			roundTrip(t, &Lesson{Lesson: l, Title: "t", Code: code})
		})
	}
}

func TestImportPython(t *testing.T) {
	data, err := os.ReadFile("testdata/course.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	sk, err := Import("course.ipynb", data)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/course.md", sk.Lesson)
	if sk.Go || sk.Language != "python" {
		t.Errorf("Go=%v language=%q, want a python notebook", sk.Go, sk.Language)
	}
	if len(sk.Dropped) != 0 || len(sk.Files) != 1 || sk.Files[0].Name != "course.files/cell-4-output-1.png" || !bytes.HasPrefix(sk.Files[0].Data, []byte("\x89PNG")) {
		t.Errorf("dropped %q, files %v; want the image of cell 4 saved", sk.Dropped, sk.Files)
	}
	md := string(sk.Lesson)
	for _, want := range []string{"# Class 15 (20.11.2021)", "```python\nimport socket\n", "To be ported", "www.python.org\nIP = 151.101.8.223\n", "![cell 4, output 1](course.files/cell-4-output-1.png)"} {
		if !strings.Contains(md, want) {
			t.Errorf("the skeleton lacks %q", want)
		}
	}
	if strings.Contains(md, "\x1b") {
		t.Error("the skeleton keeps escape sequences")
	}
	if l, err := lesson.Parse("course.md", sk.Lesson); err != nil || len(l.Cells) != 0 {
		t.Errorf("the skeleton must parse as a lesson without cells: %v", err)
	}
}

func TestImportBadInput(t *testing.T) {
	nb := func(cells string) string {
		return `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "cells": [` + cells + `]}`
	}
	md := `{"cell_type": "markdown", "metadata": {}, "source": "# hi"}`
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", `{"cells": [`, "nb.ipynb: not JSON"},
		{"not an object", `[1, 2]`, "nb.ipynb: not a notebook"},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, "nbformat 3: only nbformat 4"},
		{"no nbformat", `{"cells": []}`, "nb.ipynb: nbformat: missing"},
		{"unknown cell type", nb(md + `, {"cell_type": "widget", "metadata": {}, "source": ""}`), `cell 1: unknown cell_type "widget"`},
		{"attachment not an image", nb(`{"cell_type": "markdown", "metadata": {}, "source": "![x](attachment:a.png)", "attachments": {"a.png": {"image/png": "AA=="}}}`), `cell 0: attachments: "a.png": image/png: not a png image`},
		{"attachment not base64", nb(`{"cell_type": "markdown", "metadata": {}, "source": "![x](attachment:a.png)", "attachments": {"a.png": {"image/png": "%%%"}}}`), `cell 0: attachments: "a.png": image/png: not base64`},
		{"output image not base64", nb(`{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "1", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/jpeg": "!!"}}]}`), `cell 0: output 0: data: image/jpeg: not base64`},
		{"svg not svg", nb(`{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "1", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": "<script>x</script>"}}]}`), `cell 0: output 0: data: image/svg+xml: not an SVG image`},
		{"nothing to import", nb(`{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "  ", "outputs": []}`), `nb.ipynb: no cell has anything to import`},
		{"unknown output", nb(md + `, {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "1", "outputs": [{"output_type": "widget"}]}`), `cell 1: output 0: unknown output_type "widget"`},
		{"bad source", nb(`{"cell_type": "markdown", "metadata": {}, "source": 3}`), "expected a string or a list of strings"},
		{"null cell", nb(md + `, null`), "nb.ipynb: cell 1: expected an object, got null"},
		{"two bad cells", nb(`{"cell_type": "x", "source": ""}, {"cell_type": "y", "source": ""}`), "(expected markdown, code or raw)\nnb.ipynb: cell 1: unknown cell_type \"y\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import("nb.ipynb", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestImportGoKernel(t *testing.T) {
	in := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "gonb", "language": "go", "display_name": "Go (gonb)"}},
	"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": "import \"fmt\"\n%%\nfmt.Println(1)"},
	{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x\n"}], "source": "func main() {}"}]}`
	sk, err := Import("go.ipynb", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "In [2]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(1)\n}\n```\n\nIn [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\nOut [1]:\n\n```text\nx\n```\n"
	if string(sk.Lesson) != want {
		t.Errorf("got\n%s\nwant\n%s", sk.Lesson, want)
	}
}

// TestExportLossy: export imports the notebook it made and says, with a *LossyError naming the line, where it
// does not give the lesson back (here import refuses it: from line 1, with import's error); the notebook is
// returned with it. (A lesson whose parsed cells and bytes disagree: its marker says In [7], its cell is In [1].)
func TestExportLossy(t *testing.T) {
	l, err := lesson.Parse("lesson.md", []byte("Prose.\n\nIn [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	l.Source = bytes.Replace(l.Source, []byte("In [1]:"), []byte("In [7]:"), 1)
	nb, err := Export(&Lesson{Lesson: l})
	var lossy *LossyError
	if !errors.As(err, &lossy) || lossy.Line != 1 || lossy.Err == nil || len(nb) == 0 {
		t.Errorf("got %v, notebook of %d bytes; want a LossyError from line 1 with import's error, and the notebook", err, len(nb))
	}
}
