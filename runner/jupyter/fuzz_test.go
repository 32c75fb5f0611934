package jupyter

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// hostileNotebooks are notebooks of issue 19 §4, each refused or imported by a test of import_test.go; they
// seed FuzzImport.
var hostileNotebooks = []string{
	// A kernel language and cell attributes that would write lesson structure.
	`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "py` + "```" + `\nIn [1]:\n\n` + "```go" + `\npackage main\n` + "```" + `"}},
	 "cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1)", "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]}]}`,
	`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "gonb", "language": "go"}},
	 "cells": [{"cell_type": "code", "metadata": {"classnotes": {"attrs": "timeout=1s\n` + "```" + `\n\nIn [9]:", "package_clause": "package main\n", "package_at": 0}}, "execution_count": 1, "source": "func main() {}", "outputs": []},
	 {"cell_type": "code", "metadata": {"classnotes": {"attrs": "background ready=out:` + "`ok`" + `"}}, "execution_count": 2, "source": "func main() {}", "outputs": []}]}`,
	// Markdown that reads as lesson structure: markers, an open fence and HTML comment, front matter.
	`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "gonb"}},
	 "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["---\n", "title: x\n", "---\n", "In [1]:\n", "\n", "` + "```go" + `\n", "x\n", "` + "```" + `\n", "\n", "- Out [1]:\n", "<!-- open"]},
	 {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "%%\nfmt.Println(1)", "outputs": [{"output_type": "stream", "name": "stdout", "text": "` + "`````" + `\n"}]},
	 {"cell_type": "markdown", "metadata": {}, "source": "~~~\nopen\r\nIn [ ]:\rx"}, {"cell_type": "raw", "metadata": {}, "source": "` + "````" + `"}]}`,
	// Markdown cells that start indented after a list and after an indented code block, an open fence in one.
	`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "gonb"}},
	 "cells": [{"cell_type": "markdown", "metadata": {}, "source": "1. a"}, {"cell_type": "markdown", "metadata": {}, "source": "   ` + "```" + `\n   x"},
	 {"cell_type": "markdown", "metadata": {}, "source": "    code"}, {"cell_type": "markdown", "metadata": {}, "source": "    In [2]:"},
	 {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": "func main() {}", "outputs": []}]}`,
	// What is refused with the cell named, or was imported silently as empty.
	`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": null}`,
	`{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "metadata": {}, "source": null}, {"cell_type": "code", "metadata": {}, "execution_count": "x", "source": "1", "outputs": []}]}`,
	`{"cells": [], "metadata": {}}`,
	`{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}`,
	// JSON outputs, which nbformat allows, and a MIME type that is not one.
	`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "python"}},
	 "cells": [{"cell_type": "code", "metadata": {}, "execution_count": 2, "source": "w", "outputs": [
	  {"output_type": "display_data", "metadata": {}, "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "a1"}, "text/plain": "IntSlider(value=3)"}},
	  {"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"application/json": {"a": [1]}, "image/png\n\nIn [7]:": "AA=="}},
	  {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\u001b[31mE\u001b[0m: v"]}]}]}`,
}

// FuzzImport: Import never panics and gives the same answer twice. A skeleton it returns parses as a lesson,
// with at most one cell for each code cell of a Go notebook (exactly one for a notebook the runner exported)
// and none otherwise, and its Dropped and Warnings lines are single lines without escape sequences. A refusal is lines that each name the notebook; a line that names no cell is about
// the notebook itself, which is refused without its cells too.
func FuzzImport(f *testing.F) {
	for _, file := range []string{"testdata/course.ipynb", "testdata/small.ipynb", "testdata/gonb.ipynb"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, nb := range hostileNotebooks {
		if !json.Valid([]byte(nb)) {
			f.Fatalf("seed is not JSON: %s", nb)
		}
		f.Add([]byte(nb))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sk, err := Import("f.ipynb", data)
		again, err2 := Import("f.ipynb", data)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() || err == nil && !bytes.Equal(sk.Lesson, again.Lesson) {
			t.Fatalf("two imports differ: %v, %v", err, err2)
		}
		if err != nil {
			checkRefusal(t, data, err)
			return
		}
		l, err := lesson.Parse("f.md", sk.Lesson)
		if err != nil {
			t.Fatalf("the skeleton does not parse: %v\n%s", err, sk.Lesson)
		}
		// A notebook the runner exported has a cell for each code cell; one written for GoNB has a cell for
		// each code cell with main, the others are prose; any other has none.
		most, exact := 0, true
		if sk.Go {
			most, exact = codeCells(t, data), exportedByRunner(data)
		}
		if len(l.Cells) > most || exact && len(l.Cells) != most {
			t.Fatalf("the skeleton has %d cells, want %d (exactly: %v):\n%s", len(l.Cells), most, exact, sk.Lesson)
		}
		for _, d := range append(sk.Dropped, sk.Warnings...) {
			if strings.ContainsAny(d, "\n\r\x1b") {
				t.Fatalf("dropped or warning %q", d)
			}
		}
	})
}

// cellRef matches an error line about a cell.
var cellRef = regexp.MustCompile(`^f\.ipynb: cell ([0-9]+): `)

// checkRefusal checks Import's error for data.
func checkRefusal(t *testing.T, data []byte, err error) {
	t.Helper()
	var top map[string]json.RawMessage
	var cells []json.RawMessage
	hasCells := json.Unmarshal(data, &top) == nil && top["cells"] != nil && json.Unmarshal(top["cells"], &cells) == nil && cells != nil
	aboutNotebook := false
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, "f.ipynb: ") {
			t.Fatalf("error line %q does not name the notebook", line)
		}
		m := cellRef.FindStringSubmatch(line)
		if m == nil {
			aboutNotebook = true
			continue
		}
		if n, _ := strconv.Atoi(m[1]); !hasCells || n >= len(cells) {
			t.Fatalf("error line %q names a cell the notebook does not have (%d cells)", line, len(cells))
		}
	}
	if !aboutNotebook || !hasCells {
		return
	}
	top["cells"] = json.RawMessage("[]")
	without, merr := json.Marshal(top)
	if merr != nil {
		t.Fatal(merr)
	}
	if _, err2 := Import("f.ipynb", without); err2 == nil {
		t.Fatalf("refused without naming the cell that caused it: %v", err)
	}
}

// codeCells counts the code cells of data, a notebook that Import accepted.
func codeCells(t *testing.T, data []byte) int {
	t.Helper()
	var top map[string]json.RawMessage
	var cells []map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(top["cells"], &cells); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cells {
		var kind string
		if json.Unmarshal(c["cell_type"], &kind) == nil && kind == "code" {
			n++
		}
	}
	return n
}

// roundTripLessons are lessons whose notebooks show them otherwise than the lesson holds them; each must
// import back byte for byte. They seed FuzzRoundTrip.
var roundTripLessons = []string{
	// CRLF, a byte-order mark and front matter, a title heading export adds, blank lines everywhere.
	"\ufeff---\r\ntitle: T\r\n---\r\n\r\n\r\nProse.  \r\n\r\nIn [1]:\r\n\r\n```go\r\npackage main\r\n\r\nfunc main() {}\r\n```\r\n\r\nOut [1]:\r\n\r\n```text\r\nhi\r\n```\r\n\r\n\r\n",
	// Lines ending in both LF and CRLF, a lone CR, trailing spaces and tabs, no final line ending.
	"# T\r\n\nProse\r\rmore\t \n\nIn [1]:\n\n~~~~go timeout=3s\r\npackage main\n\nfunc main() {}\r\n~~~~\n\nOut [1]:\n\n```text fp=0123456789ab\nx\r\n```",
	// A link to a lesson (which export points at its notebook) and a link written as that notebook's name.
	"See [next](next.md#a) and [the notebook](next.ipynb), [abs](https://x.org/next.md), [dot](./next.md).\n\nIn [2]:\n\n```go\npackage main\n\nfunc main() {}\n```\n",
	// A program with two blank lines at its end, a build constraint before the package clause, an output with a
	// fence inside, an indented prose block, a program without a package clause.
	"In [1]:\n\n```go expect=error\n//go:build linux\n\npackage main\n\nfunc main() { panic(1) }\n\n\n```\n\nOut [1]:\n\n````text\n```\npanic: 1\n````\n\n    indented\n\nIn [2]:\n\n```go\nfunc main() {}\n```\n",
	// Two cells with nothing between them, prose that is only spaces, an empty output.
	"In [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\nOut [1]:\n```text\n```\n   \nIn [2]:\n\n```go\npackage main\n\nfunc main() {}\n```\n",
}

// FuzzRoundTrip: a lesson exported and imported comes back byte for byte, and export says nothing is lost.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range roundTripLessons {
		f.Add(s)
	}
	for _, file := range []string{"testdata/small.md", "../../lessons/class15-networking.md", "../../lessons/class16-tcp-udp.md"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := lesson.Parse("lesson.md", []byte(src))
		if err != nil {
			return
		}
		nb, err := Export(&Lesson{Lesson: l, Title: "T", Links: map[string]string{"next.md": "next.ipynb", "lesson.md": "lesson.ipynb"}})
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		sk, err := Import("lesson.ipynb", nb)
		if err != nil {
			t.Fatalf("import: %v\n%s", err, nb)
		}
		if !bytes.Equal(sk.Lesson, l.Source) {
			t.Fatalf("the round trip differs: %s\n%s", firstDiff(l.Source, sk.Lesson), nb)
		}
	})
}

// exportedByRunner reports whether data, a notebook that Import accepted, says in its metadata that the runner
// exported it, before the round trip's metadata: each of its code cells is then a cell. (In a notebook with the
// round trip's metadata, a code cell without the runner's metadata is imported as GoNB builds it: at most one.)
func exportedByRunner(data []byte) bool {
	var top, meta map[string]json.RawMessage // "metadata" exactly, as import reads it
	if json.Unmarshal(data, &top) != nil || json.Unmarshal(top["metadata"], &meta) != nil {
		return false
	}
	var cn map[string]json.RawMessage
	_, ok := meta["classnotes"]
	if json.Unmarshal(meta["classnotes"], &cn) == nil && cn["roundtrip"] != nil {
		return false
	}
	return ok
}
