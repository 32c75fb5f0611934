package jupyter

import (
	"encoding/json"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// exportOf parses src as a lesson and exports it, with the given links to other lessons.
func exportOf(t *testing.T, src string, links map[string]string) []byte {
	t.Helper()
	l, err := lesson.Parse("lesson.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Export(&Lesson{Lesson: l, Title: "T", Links: links})
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// rawCells returns the cells of the notebook nb, each field as written.
func rawCells(t *testing.T, nb []byte) []map[string]json.RawMessage {
	t.Helper()
	var doc struct{ Cells []map[string]json.RawMessage }
	if err := json.Unmarshal(nb, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cells) == 0 {
		t.Fatalf("no cells in\n%s", nb)
	}
	return doc.Cells
}

// TestExportCRLF: a lesson with CRLF line endings exports without a carriage return in any cell's source or
// output: notebooks are LF, and Jupyter would show the \r.
func TestExportCRLF(t *testing.T) {
	src := "---\r\ntitle: T\r\n---\r\n# T\r\n\r\nProse\r\nover two lines.\r\n\r\nIn [1]:\r\n\r\n```go\r\npackage main\r\n\r\nimport \"fmt\"\r\n\r\nfunc main() { fmt.Println(\"hi\") }\r\n```\r\n\r\n" +
		"Out [1]:\r\n\r\n```text\r\nhi\r\nthere\r\n```\r\n\r\nThe end,\r\nover two lines.\r\n"
	nb := exportOf(t, src, nil)
	var doc Notebook
	if err := json.Unmarshal(nb, &doc); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range doc.Cells {
		texts = append(texts, string(c.Source))
		for _, o := range c.Outputs {
			if o.Text != nil {
				texts = append(texts, string(*o.Text))
			}
		}
	}
	if len(texts) != 4 {
		t.Fatalf("%d sources and outputs, want 4:\n%s", len(texts), nb)
	}
	for _, s := range texts {
		if strings.Contains(s, "\r") {
			t.Errorf("a carriage return in %q", s)
		}
	}
	if texts[0] != "# T\n\nProse\nover two lines." || texts[2] != "hi\nthere\n" {
		t.Errorf("the first Markdown cell and the output: %q, %q", texts[0], texts[2])
	}
}

// TestImportNBFormat5: import reads nbformat 4 (doc.go, README); a notebook of a later major version is
// refused, saying so, and so is an earlier one.
func TestImportNBFormat5(t *testing.T) {
	for _, tc := range []struct {
		version int
		want    string
	}{
		{5, "NB.ipynb: nbformat 5: only nbformat 4 notebooks can be imported; this one is of a later version"},
		{3, "NB.ipynb: nbformat 3: only nbformat 4 notebooks can be imported (jupyter nbconvert --to notebook upgrades older ones)"},
	} {
		nb := `{"nbformat": ` + jsonInt(tc.version) + `, "nbformat_minor": 0, "metadata": {}, "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# hi"}]}`
		sk, err := Import("NB.ipynb", []byte(nb))
		if err == nil || err.Error() != tc.want {
			t.Errorf("nbformat %d: got %v, %v; want the error %q", tc.version, sk, err, tc.want)
		}
	}
}

// TestRoundTripPackageLast: a program whose package clause is its last line, after comments and blank lines,
// comes back from its notebook as it was.
func TestRoundTripPackageLast(t *testing.T) {
	for _, prog := range []string{
		"// Package main is documented.\n\npackage main\n",
		"//go:build ignore\n\n\npackage main\n",
		"// Doc.\npackage main\n",
		"package main\n",
		"// Doc.\n\npackage main // the clause\n\n",
	} {
		src := "In [1]:\n\n```go\n" + prog + "```\n"
		l, err := lesson.Parse("lesson.md", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, &Lesson{Lesson: l, Title: "T"})
	}
}

// TestExportAbsoluteLinks: links to lessons are relinked to their notebooks, never an absolute URL that ends
// in the name of a lesson.
func TestExportAbsoluteLinks(t *testing.T) {
	links := map[string]string{"next.md": "next.ipynb"}
	kept := []string{
		"https://example.com/next.md",
		"http://example.com/a/next.md#top",
		"HTTPS://example.com/next.md",
		"//example.com/next.md",
		"mailto:teacher@example.com/next.md",
		"ftp://example.com/next.md",
	}
	var prose strings.Builder
	prose.WriteString("The [next lesson](next.md) and [its part](sub/next.md#p2).\n")
	for i, u := range kept {
		prose.WriteString("[link " + jsonInt(i) + "](" + u + ") and [angled](<" + u + ">)\n")
	}
	md := string(rawCells(t, exportOf(t, prose.String(), links))[0]["source"])
	var text Multiline
	if err := json.Unmarshal([]byte(md), &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "(next.ipynb)") || !strings.Contains(string(text), "(sub/next.ipynb#p2)") {
		t.Errorf("the lesson links are not relinked:\n%s", text)
	}
	for _, u := range kept {
		if strings.Count(string(text), "("+u+")")+strings.Count(string(text), "(<"+u+">)") != 2 {
			t.Errorf("%s was changed:\n%s", u, text)
		}
	}
}

// TestExportNoOutputs: a code cell without an Out block has "outputs": [] and "execution_count" N, as nbformat
// requires of every code cell; a Markdown cell has neither.
func TestExportNoOutputs(t *testing.T) {
	cells := rawCells(t, exportOf(t, "Prose.\n\nIn [4]:\n\n```go\npackage main\n\nfunc main() {}\n```\n", nil))
	if len(cells) != 2 {
		t.Fatalf("%d cells, want 2", len(cells))
	}
	if out, ok := cells[1]["outputs"]; !ok || string(out) != "[]" {
		t.Errorf(`code cell: "outputs" is %q (present: %v), want []`, out, ok)
	}
	if n := string(cells[1]["execution_count"]); n != "4" {
		t.Errorf(`code cell: "execution_count" is %q, want 4`, n)
	}
	for _, key := range []string{"outputs", "execution_count"} {
		if _, ok := cells[0][key]; ok {
			t.Errorf("Markdown cell has %q", key)
		}
	}
}
