package splice

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/internal/golden"
	"classnotes/runner/lesson"
)

func parse(t *testing.T, src string) *lesson.Lesson {
	t.Helper()
	l, err := lesson.Parse("t.md", []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%v\nsource:\n%q", err, src)
	}
	return l
}

func apply(t *testing.T, src []byte, edits ...Edit) []byte {
	t.Helper()
	out, err := Apply(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// splicedOnce applies e to l's source and checks the result: it is want, or, when want is "", the source as
// it was, and then e must not be an edit. It returns the result parsed again.
func splicedOnce(t *testing.T, l *lesson.Lesson, e Edit, changed bool, want string) *lesson.Lesson {
	t.Helper()
	if want == "" {
		if changed {
			t.Fatalf("an up-to-date block got an edit: %+v", e)
		}
		want = string(l.Source)
	} else if !changed {
		t.Fatal("no edit, but the block is not up to date")
	}
	got := apply(t, l.Source, e)
	if string(got) != want {
		t.Fatalf("spliced:\n%q\nwant:\n%q", got, want)
	}
	return parse(t, string(got))
}

func TestApply(t *testing.T) {
	edit := func(start, end int, text string) Edit { return Edit{Start: start, End: end, Text: []byte(text)} }
	tests := []struct {
		name  string
		edits []Edit
		want  string
	}{
		{"nil", nil, "0123456789"},
		{"empty", []Edit{}, "0123456789"},
		{"empty edit", []Edit{edit(4, 4, "")}, "0123456789"},
		{"replace", []Edit{edit(2, 4, "ab")}, "01ab456789"},
		{"delete", []Edit{edit(2, 8, "")}, "0189"},
		{"delete all", []Edit{edit(0, 10, "")}, ""},
		{"insert at start and end", []Edit{edit(10, 10, ">"), edit(0, 0, "<")}, "<0123456789>"},
		{"unsorted", []Edit{edit(8, 9, "X"), edit(1, 3, "ab"), edit(5, 5, "+")}, "0ab34+567X9"},
		{"adjacent", []Edit{edit(3, 5, "B"), edit(1, 3, "A"), edit(5, 7, "C")}, "0ABC789"},
		{"two insertions at one offset keep their order", []Edit{edit(5, 5, "a"), edit(5, 5, "b")}, "01234ab56789"},
		{"longer text", []Edit{edit(9, 10, "nine\r\n")}, "012345678nine\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte("0123456789")
			edits := append([]Edit(nil), tt.edits...)
			out, err := Apply(src, tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("Apply = %q, want %q", out, tt.want)
			}
			if string(src) != "0123456789" {
				t.Errorf("Apply changed its source to %q", src)
			}
			for i := range edits {
				if edits[i].Start != tt.edits[i].Start || edits[i].End != tt.edits[i].End {
					t.Errorf("Apply reordered the caller's edits: %v", tt.edits)
					break
				}
			}
			// The result is a copy: writing to it leaves src alone.
			if len(out) > 0 {
				out[0] = '!'
				if src[0] != '0' {
					t.Errorf("the result shares memory with the source")
				}
			}
		})
	}
}

func TestApplyRejects(t *testing.T) {
	tests := []struct {
		name  string
		edits []Edit
	}{
		{"overlapping", []Edit{{Start: 1, End: 5}, {Start: 4, End: 6}}},
		{"overlapping, given the other way round", []Edit{{Start: 4, End: 6}, {Start: 1, End: 5}}},
		{"one inside another", []Edit{{Start: 1, End: 8}, {Start: 3, End: 4}}},
		{"same range twice", []Edit{{Start: 2, End: 4}, {Start: 2, End: 4}}},
		{"insertion inside a replacement", []Edit{{Start: 2, End: 6}, {Start: 4, End: 4}}},
		{"past the end", []Edit{{Start: 5, End: 11}}},
		{"starting past the end", []Edit{{Start: 11, End: 11}}},
		{"negative start", []Edit{{Start: -1, End: 2}}},
		{"end before start", []Edit{{Start: 5, End: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Apply([]byte("0123456789"), tt.edits)
			if err == nil {
				t.Fatalf("Apply accepted %v: %q", tt.edits, out)
			}
			if out != nil || !strings.Contains(err.Error(), "overlaps another or lies outside the source (size 10)") {
				t.Errorf("Apply = %q, %v", out, err)
			}
		})
	}
}

func TestFence(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", "```"},
		{"no ticks", "```"},
		{"a `tick`", "```"},
		{"``", "```"},
		{"```", "````"},
		{"a\n```\nb", "````"},
		{"x ````` y ``", "``````"},
		{"``` ```` ``", "`````"},
		{"~~~~~~", "```"},
		{"ends with ````", "`````"},
		{strings.Repeat("`", 10), strings.Repeat("`", 11)},
	}
	for _, tt := range tests {
		if got := Fence(tt.text); got != tt.want {
			t.Errorf("Fence(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestOutputBlock(t *testing.T) {
	tests := []struct {
		n             int
		text, fp, eol string
		want          string
	}{
		{3, "hi\n", "", "\n", "Out [3]:\n\n```text\nhi\n```"},
		{3, "hi", "", "\n", "Out [3]:\n\n```text\nhi\n```"},
		{12, "hi\n", "0123456789ab", "\n", "Out [12]:\n\n```text fp=0123456789ab\nhi\n```"},
		{3, "a\nb", "", "\r\n", "Out [3]:\r\n\r\n```text\r\na\r\nb\r\n```"},
		{3, "a\n\nb\n", "ff", "\r\n", "Out [3]:\r\n\r\n```text fp=ff\r\na\r\n\r\nb\r\n```"},
		{3, "", "", "\n", "Out [3]:\n\n```text\n```"},
		{3, "", "", "\r\n", "Out [3]:\r\n\r\n```text\r\n```"},
		{3, "\n", "", "\n", "Out [3]:\n\n```text\n\n```"},
		{3, "```\n", "", "\n", "Out [3]:\n\n````text\n```\n````"},
		{3, "tab\tand trailing  \n  \n", "", "\n", "Out [3]:\n\n```text\ntab\tand trailing  \n  \n```"},
	}
	for _, tt := range tests {
		if got := string(OutputBlock(tt.n, tt.text, tt.fp, tt.eol)); got != tt.want {
			t.Errorf("OutputBlock(%d, %q, %q, %q) =\n%q\nwant\n%q", tt.n, tt.text, tt.fp, tt.eol, got, tt.want)
		}
	}
}

// TestOutput records an output into a one-cell lesson, then checks that the result parses with the output in
// place and that recording the same output again makes no edit.
func TestOutput(t *testing.T) {
	const cellLF = "In [1]:\n\n```go\nx\n```\n"
	const cellCRLF = "In [1]:\r\n\r\n```go\r\nx\r\n```\r\n"
	tests := []struct {
		name, src, text, fp string
		want                string // "" when nothing changes
	}{
		{name: "insert", src: cellLF + "\nMore.\n", text: "hi\n",
			want: cellLF[:len(cellLF)-1] + "\n\nOut [1]:\n\n```text\nhi\n```\n\nMore.\n"},
		{name: "insert CRLF with fingerprint", src: cellCRLF + "More.\r\n", text: "a\nb\n", fp: "0123456789ab",
			want: "In [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1]:\r\n\r\n```text fp=0123456789ab\r\na\r\nb\r\n```\r\nMore.\r\n"},
		{name: "insert at the end of a file without final newline", src: "In [1]:\n\n```go\nx\n```", text: "hi",
			want: "In [1]:\n\n```go\nx\n```\n\nOut [1]:\n\n```text\nhi\n```"},
		{name: "insert after an indented fence", src: "In [1]:\n\n  ```go\n  x\n  ```\nMore.\n", text: "hi\n",
			want: "In [1]:\n\n  ```go\n  x\n  ```\n\nOut [1]:\n\n```text\nhi\n```\nMore.\n"},
		{name: "insert after a tilde fence with trailing spaces", src: "In [1]:\n\n~~~go\nx\n~~~  \n", text: "hi\n",
			want: "In [1]:\n\n~~~go\nx\n~~~  \n\nOut [1]:\n\n```text\nhi\n```\n"},
		{name: "insert empty", src: cellLF, text: "",
			want: cellLF + "\nOut [1]:\n\n```text\n```\n"},
		{name: "insert with backticks", src: cellLF, text: "```\n",
			want: cellLF + "\nOut [1]:\n\n````text\n```\n````\n"},
		{name: "replace", src: cellLF + "\nOut [1]:\n\n```text\nold\n```\n\nMore.\n", text: "new\n",
			want: cellLF + "\nOut [1]:\n\n```text\nnew\n```\n\nMore.\n"},
		{name: "replace CRLF", src: cellCRLF + "\r\nOut [1]:\r\n\r\n```text\r\nold\r\n```\r\n", text: "new\n",
			want: cellCRLF + "\r\nOut [1]:\r\n\r\n```text\r\nnew\r\n```\r\n"},
		{name: "replace at the end of a file without final newline", src: cellLF + "\nOut [1]:\n\n```text\nold\n```", text: "new\n",
			want: cellLF + "\nOut [1]:\n\n```text\nnew\n```"},
		{name: "replace a compact block with the same text", src: "In [1]:\n```go\nx\n```\nOut [1]:\n```text\nhi\n```\nMore.\n", text: "hi\n",
			want: "In [1]:\n```go\nx\n```\nOut [1]:\n\n```text\nhi\n```\nMore.\n"},
		{name: "replace an indented marker", src: cellLF + "\n  Out [1]:\n\n```text\nhi\n```\n", text: "hi\n",
			want: cellLF + "\nOut [1]:\n\n```text\nhi\n```\n"},
		{name: "replace a stale fingerprint", src: cellLF + "\nOut [1]:\n\n```text fp=aaaaaaaaaaaa\nhi\n```\n", text: "hi\n", fp: "bbbbbbbbbbbb",
			want: cellLF + "\nOut [1]:\n\n```text fp=bbbbbbbbbbbb\nhi\n```\n"},
		{name: "drop a fingerprint", src: cellLF + "\nOut [1]:\n\n```text fp=aaaaaaaaaaaa\nhi\n```\n", text: "hi\n",
			want: cellLF + "\nOut [1]:\n\n```text\nhi\n```\n"},
		{name: "replace a long fence by a short one", src: cellLF + "\nOut [1]:\n\n`````text\n```\n`````\n", text: "no ticks\n",
			want: cellLF + "\nOut [1]:\n\n```text\nno ticks\n```\n"},
		{name: "replace a tilde fence", src: cellLF + "\nOut [1]:\n\n~~~text\nhi\n~~~\n", text: "hi\n",
			want: cellLF + "\nOut [1]:\n\n```text\nhi\n```\n"},
		{name: "up to date", src: cellLF + "\nOut [1]:\n\n```text\nhi\n```\n", text: "hi\n"},
		{name: "up to date without final newline in the text", src: cellLF + "\nOut [1]:\n\n```text\nhi\n```\n", text: "hi"},
		{name: "up to date, empty", src: cellLF + "\nOut [1]:\n\n```text\n```", text: ""},
		{name: "up to date CRLF with fingerprint", src: cellCRLF + "\r\nOut [1]:\r\n\r\n```text fp=0123456789ab\r\nhi\r\n```\r\n", text: "hi\n", fp: "0123456789ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := parse(t, tt.src)
			e, changed := Output(l, l.Cells[0], tt.text, tt.fp)
			if !changed && (e.Start != 0 || e.End != 0 || e.Text != nil) {
				t.Fatalf("Output of an up-to-date block returned an edit: %+v", e)
			}
			// The result has the output in place; recording it again changes nothing.
			l2 := splicedOnce(t, l, e, changed, tt.want)
			got := l2.Source
			o := l2.Cells[0].Out
			if o == nil {
				t.Fatal("no output after splicing")
			}
			if text := string(o.Fence.Text(got)); text != withEOL(tt.text, l.EOL) || o.Fingerprint != tt.fp {
				t.Errorf("recorded %q fp=%q, want %q fp=%q", text, o.Fingerprint, withEOL(tt.text, l.EOL), tt.fp)
			}
			if e, changed := Output(l2, l2.Cells[0], tt.text, tt.fp); changed {
				t.Errorf("second Output made an edit: %+v", e)
			}
		})
	}
}

// TestOutputEveryCell records the outputs of several cells, some missing, some stale, some up to date, in one
// Apply.
func TestOutputEveryCell(t *testing.T) {
	src := "# T\n\nIn [1]:\n\n```go\na\n```\n\nOut [1]:\n\n```text\nstale\n```\n\n" +
		"In [2]:\n```go\nb\n```\n" +
		"Text.\n\nIn [3]:\n\n```go\nc\n```\n\nOut [3]:\n\n```text\nthree\n```\n\nEnd."
	want := "# T\n\nIn [1]:\n\n```go\na\n```\n\nOut [1]:\n\n```text\none\n```\n\n" +
		"In [2]:\n```go\nb\n```\n\nOut [2]:\n\n```text\ntwo\n```\n" +
		"Text.\n\nIn [3]:\n\n```go\nc\n```\n\nOut [3]:\n\n```text\nthree\n```\n\nEnd."
	texts := map[int]string{1: "one\n", 2: "two\n", 3: "three\n"}
	l := parse(t, src)
	var edits []Edit
	for _, c := range l.Cells {
		if e, changed := Output(l, c, texts[c.Number], ""); changed {
			edits = append(edits, e)
		}
	}
	if len(edits) != 2 {
		t.Errorf("%d edits, want 2", len(edits))
	}
	if got := apply(t, l.Source, edits...); string(got) != want {
		t.Errorf("spliced:\n%s\nwant:\n%s", got, want)
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		name, src, program string
		want               string // "" when nothing changes
	}{
		{name: "replace the body", src: "In [1]:\n\n```go src=a.go\nold\n```\n\nEnd.\n", program: "package main\n",
			want: "In [1]:\n\n```go src=a.go\npackage main\n```\n\nEnd.\n"},
		{name: "CRLF lesson, LF program", src: "In [1]:\r\n\r\n```go src=a.go\r\nold\r\n```\r\n", program: "a\n\nb\n",
			want: "In [1]:\r\n\r\n```go src=a.go\r\na\r\n\r\nb\r\n```\r\n"},
		{name: "CRLF lesson, CRLF program", src: "In [1]:\r\n\r\n```go src=a.go\r\nold\r\n```\r\n", program: "a\r\nb\r\n",
			want: "In [1]:\r\n\r\n```go src=a.go\r\na\r\nb\r\n```\r\n"},
		{name: "LF lesson, CRLF program", src: "In [1]:\n\n```go src=a.go\nold\n```\n", program: "a\r\nb\r\n",
			want: "In [1]:\n\n```go src=a.go\na\nb\n```\n"},
		{name: "indented fence", src: "In [1]:\n\n  ```go src=a.go\n  old\n  ```\n",
			program: "package main\n\nfunc main() {\n\tprintln()\n}\n",
			want:    "In [1]:\n\n  ```go src=a.go\n  package main\n\n  func main() {\n  \tprintln()\n  }\n  ```\n"},
		{name: "indented fence, CRLF", src: "In [1]:\r\n\r\n   ```go src=a.go\r\n   ```\r\n", program: "a\r\n\r\nb",
			want: "In [1]:\r\n\r\n   ```go src=a.go\r\n   a\r\n\r\n   b\r\n   ```\r\n"},
		{name: "no final newline in the program", src: "In [1]:\n\n```go src=a.go\n```\n", program: "package main",
			want: "In [1]:\n\n```go src=a.go\npackage main\n```\n"},
		{name: "empty program", src: "In [1]:\n\n```go src=a.go\nold\n```\n", program: "",
			want: "In [1]:\n\n```go src=a.go\n```\n"},
		{name: "tabs and trailing spaces kept", src: "In [1]:\n\n```go src=a.go\n```\n", program: "\tx  \n \n",
			want: "In [1]:\n\n```go src=a.go\n\tx  \n \n```\n"},
		{name: "backtick lines inside a tilde fence", src: "In [1]:\n\n~~~go src=a.go\n~~~\n", program: "/*\n```\n*/\n",
			want: "In [1]:\n\n~~~go src=a.go\n/*\n```\n*/\n~~~\n"},
		{name: "shorter run inside a longer fence", src: "In [1]:\n\n````go src=a.go\n````\n", program: "/*\n```\n*/\n",
			want: "In [1]:\n\n````go src=a.go\n/*\n```\n*/\n````\n"},
		{name: "lines that do not close the fence", src: "In [1]:\n\n```go src=a.go\n```\n",
			program: "// ```\n    ```\n~~~go\n\t```\n",
			want:    "In [1]:\n\n```go src=a.go\n// ```\n    ```\n~~~go\n\t```\n```\n"},
		{name: "up to date", src: "In [1]:\n\n```go src=a.go\npackage main\n```\n", program: "package main\n"},
		{name: "up to date, CRLF program", src: "In [1]:\r\n\r\n```go src=a.go\r\na\r\n```\r\n", program: "a\r\n"},
		{name: "up to date, indented", src: "In [1]:\n\n  ```go src=a.go\n  a\n\n  b\n  ```\n", program: "a\n\nb\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := parse(t, tt.src)
			e, changed, err := Code(l, l.Cells[0], []byte(tt.program))
			if err != nil {
				t.Fatal(err)
			}
			l2 := splicedOnce(t, l, e, changed, tt.want)
			if e, changed, err := Code(l2, l2.Cells[0], []byte(tt.program)); changed || err != nil {
				t.Errorf("second Code: %+v %v %v", e, changed, err)
			}
		})
	}
}

func TestCodeRefusesClosingLine(t *testing.T) {
	tests := []struct{ fence, line, marker string }{
		{"```", "```", "```"},
		{"```", "```   ", "```"},
		{"```", "   ```", "```"},
		{"```", "`````", "```"},
		{"````", "````", "````"},
		{"~~~", "~~~", "~~~"},
		{"~~~", "  ~~~~~~ ", "~~~"},
	}
	for _, tt := range tests {
		for _, eol := range []string{"\n", "\r\n"} {
			src := "# T" + eol + eol + "In [1]:" + eol + eol + tt.fence + "go src=prog/a.go" + eol + tt.fence + eol
			l := parse(t, src)
			program := "package main" + eol + eol + "/*" + eol + tt.line + eol + "*/" + eol
			e, changed, err := Code(l, l.Cells[0], []byte(program))
			want := "t.md:5:1: In [1]: prog/a.go contains a line that would close the " + tt.marker + " fence; use a longer fence"
			if err == nil || err.Error() != want || changed || e.Text != nil {
				t.Errorf("Code with line %q in a %s fence (EOL %q) = %+v, %v, %v; want error %s", tt.line, tt.fence, eol, e, changed, err, want)
			}
		}
	}
}

// TestCodeRefusesLookingUnclosed: a src= file with a line that would make its fence look unclosed to the parser
// (a fence opener with an info string, or a cell marker followed by a fence) is not written into the lesson,
// since the next parse would refuse the lesson.
func TestCodeRefusesLookingUnclosed(t *testing.T) {
	l := parse(t, "In [1]:\n\n```go src=prog/a.go\n```\n")
	for _, program := range []string{"/*\n```go\n*/\n", "/*\nIn [2]:\n\n~~~\n*/\n"} {
		e, changed, err := Code(l, l.Cells[0], []byte(program))
		if err == nil || !strings.Contains(err.Error(), "t.md:3:1: In [1]: line 2 of prog/a.go is ") ||
			!strings.Contains(err.Error(), "which would make the ``` fence look unclosed") || changed || e.Text != nil {
			t.Errorf("Code(%q) = %+v, %v, %v", program, e, changed, err)
		}
	}
}

// outputText is what the golden tests record for cell n.
func outputText(n int) string {
	if n == 1 {
		return "output of In [1]\nwith a ```` run\n"
	}
	return fmt.Sprintf("output of In [%d]\n", n)
}

// goldenProgram is what the golden tests write into every src= cell.
const goldenProgram = "package main\n\nfunc main() {}\n"

// spliceAll records outputText for every cell and goldenProgram for every src= cell, and returns the result and
// the number of edits.
func spliceAll(t *testing.T, l *lesson.Lesson) ([]byte, int) {
	t.Helper()
	var edits []Edit
	for _, c := range l.Cells {
		if c.Attrs.Src != "" {
			e, changed, err := Code(l, c, []byte(goldenProgram))
			if err != nil {
				t.Fatal(err)
			}
			if changed {
				edits = append(edits, e)
			}
		}
		if e, changed := Output(l, c, outputText(c.Number), "0123456789ab"); changed {
			edits = append(edits, e)
		}
	}
	return apply(t, l.Source, edits...), len(edits)
}

// TestGolden splices every testdata/*.md and compares the result with testdata/*.golden. With -update it
// writes the goldens instead.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.md: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lesson.Parse(file, src)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := spliceAll(t, l)
			path := strings.TrimSuffix(file, ".md") + ".golden"
			golden.Check(t, path, got)
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			// Splicing the result again changes nothing.
			again, err := lesson.Parse(path, want)
			if err != nil {
				t.Fatalf("golden does not parse: %v", err)
			}
			if out, n := spliceAll(t, again); n != 0 || !bytes.Equal(out, want) {
				t.Errorf("second splice made %d edits", n)
			}
			checkAuthorBytes(t, l, again)
		})
	}
}

// TestGoldenUpToDate: a lesson whose outputs and src= bodies are already what would be written is left as it
// is, byte for byte, with no edit at all.
func TestGoldenUpToDate(t *testing.T) {
	src, err := os.ReadFile("testdata/uptodate.md")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lesson.Parse("uptodate.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if got, n := spliceAll(t, l); n != 0 || !bytes.Equal(got, src) {
		t.Errorf("%d edits to an up-to-date lesson:\n%s", n, got)
	}
}

// checkAuthorBytes checks that after, a splice of before, differs from it only inside the regions the runner
// owns: the Out [N] blocks (and the blank lines before an inserted one) and the bodies of src= cells.
func checkAuthorBytes(t *testing.T, before, after *lesson.Lesson) {
	t.Helper()
	if len(before.Cells) != len(after.Cells) {
		t.Fatalf("cells: %d before, %d after", len(before.Cells), len(after.Cells))
	}
	var cutBefore, cutAfter [][2]int
	for i, c := range before.Cells {
		c2 := after.Cells[i]
		if c2.Number != c.Number {
			t.Fatalf("cell %d is In [%d] before, In [%d] after", i, c.Number, c2.Number)
		}
		if c.Attrs.Src != "" {
			cutBefore = append(cutBefore, [2]int{c.Code.Body, c.Code.BodyEnd})
			cutAfter = append(cutAfter, [2]int{c2.Code.Body, c2.Code.BodyEnd})
		}
		o2 := c2.Out
		if o2 == nil {
			t.Fatalf("In [%d] has no output after splicing", c.Number)
		}
		if o := c.Out; o != nil {
			cutBefore = append(cutBefore, [2]int{o.Start, o.End})
			cutAfter = append(cutAfter, [2]int{o2.Start, o2.End})
			continue
		}
		if between := string(after.Source[c2.Code.End:o2.Start]); between != after.EOL+after.EOL {
			t.Errorf("In [%d]: inserted output is preceded by %q, want two line endings", c.Number, between)
		}
		cutBefore = append(cutBefore, [2]int{c.Code.End, c.Code.End})
		cutAfter = append(cutAfter, [2]int{c2.Code.End, o2.End})
	}
	if a, b := outside(before.Source, cutBefore), outside(after.Source, cutAfter); a != b {
		t.Errorf("bytes outside the runner's regions changed:\nbefore %q\nafter  %q", a, b)
	}
}

// outside returns src without the regions cut, each replaced by a NUL byte.
func outside(src []byte, cut [][2]int) string {
	var b strings.Builder
	last := 0
	for _, r := range cut {
		b.Write(src[last:r[0]])
		b.WriteByte(0)
		last = r[1]
	}
	b.Write(src[last:])
	return b.String()
}
