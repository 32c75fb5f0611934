package lesson

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// cellSummary is what the table tests check of a cell.
type cellSummary struct {
	number int
	line   int
	info   string
	body   string // the fence body as written
	output string // the recorded output's body, "-" when none
}

func summarize(l *Lesson) []cellSummary {
	var out []cellSummary
	for _, c := range l.Cells {
		s := cellSummary{number: c.Number, line: c.Pos.Line, info: c.Code.Info, body: string(c.Code.Text(l.Source)), output: "-"}
		if c.Output != nil {
			s.output = string(c.Output.Fence.Text(l.Source))
		}
		out = append(out, s)
	}
	return out
}

func TestParseCells(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []cellSummary
	}{
		{"inline cell", "# T\n\nIn [1]:\n\n```go\npackage main\n```\n",
			[]cellSummary{{1, 3, "go", "package main\n", "-"}}},
		{"marker right before the fence", "In [2]:\n```go\nx\n```\n",
			[]cellSummary{{2, 1, "go", "x\n", "-"}}},
		{"blank lines between", "In [3]:\n\n\n\n```go\nx\n```\n",
			[]cellSummary{{3, 1, "go", "x\n", "-"}}},
		{"tilde fence", "In [1]:\n\n~~~~go\n```\n~~~~\n",
			[]cellSummary{{1, 1, "go", "```\n", "-"}}},
		{"indented fence", "In [1]:\n\n  ```go\n  x\n  ```\n",
			[]cellSummary{{1, 1, "go", "  x\n", "-"}}},
		{"with output", "In [1]:\n\n```go\nx\n```\n\nOut [1]:\n\n```text\nhello\n```\n",
			[]cellSummary{{1, 1, "go", "x\n", "hello\n"}}},
		{"empty output", "In [1]:\n```go\nx\n```\nOut [1]:\n```text\n```\n",
			[]cellSummary{{1, 1, "go", "x\n", ""}}},
		{"several cells out of order", "In [2]:\n\n```go\na\n```\n\nIn [1]:\n\n```go\nb\n```\n",
			[]cellSummary{{2, 1, "go", "a\n", "-"}, {1, 7, "go", "b\n", "-"}}},
		{"crlf", "In [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1]:\r\n\r\n```text\r\nhi\r\n```\r\n",
			[]cellSummary{{1, 1, "go", "x\r\n", "hi\r\n"}}},
		{"go block without marker is code", "```go\npackage main\n```\n", nil},
		{"marker in front matter is not a cell", "---\ntitle: |\n  In [1]:\n---\n# T\n", nil},
		{"marker in a list is prose", "- In [1]:\n\n  ```go\n  x\n  ```\n", nil},
		{"marker with more text is prose", "In [1]: see below\n\n```go\nx\n```\n", nil},
		{"go with attributes", "In [1]:\n\n```go timeout=2s\nx\n```\n",
			[]cellSummary{{1, 1, "go timeout=2s", "x\n", "-"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse("t.md", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := summarize(l)
			if len(got) != len(tt.want) {
				t.Fatalf("cells = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("cell %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestParseSpans checks the byte offsets the splicer relies on.
func TestParseSpans(t *testing.T) {
	src := "intro\r\n\r\nIn [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1]:\r\n\r\n```text\r\nold\r\n```\r\nend"
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if l.EOL != "\r\n" {
		t.Errorf("EOL = %q", l.EOL)
	}
	c := l.Cells[0]
	span := func(a, b int) string { return src[a:b] }
	if got := span(c.Code.Start, c.Code.End); got != "```go\r\nx\r\n```" {
		t.Errorf("code span = %q", got)
	}
	if got := span(c.Output.Start, c.Output.End); got != "Out [1]:\r\n\r\n```text\r\nold\r\n```" {
		t.Errorf("output span = %q", got)
	}
	if c.Output.Pos != (Pos{9, 1}) {
		t.Errorf("output pos = %v", c.Output.Pos)
	}
}

func TestParseAttrs(t *testing.T) {
	src := "In [1]:\n\n```go src=\"my dir/main.go\"  timeout=1500ms\n```\n\nIn [2]:\n\n```go background ready=out:^ok$ compare=unordered expect=error net\n```\n"
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a := l.Cells[0].Attrs
	if a.Src != "my dir/main.go" || a.Timeout != 1500*time.Millisecond {
		t.Errorf("attrs = %+v", a)
	}
	if len(a.List) != 2 || a.List[0].Key != "src" || a.List[0].Pos != (Pos{3, 7}) || a.List[1].Pos != (Pos{3, 29}) {
		t.Errorf("attr list = %+v", a.List)
	}
	b := l.Cells[1].Attrs
	if !b.Background || b.Ready.String() != "out:^ok$" || b.Compare != CompareUnordered || b.Expect != "error" || !b.Net {
		t.Errorf("attrs = %+v", b)
	}
	if !b.Ready.Pattern.MatchString("starting\nok\n") {
		t.Errorf("ready=out: does not match at a line start")
	}
}

func TestParseFrontMatter(t *testing.T) {
	src := "---\ntitle: Class 15\nnormalize:\n  - name: port\n    pattern: ':(\\d+)'\n    replace: ':PORT'\n  - pattern: 'a'\n    replace: b\n---\n# T\n"
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fm := l.Front
	if fm.Title != "Class 15" || len(fm.Normalize) != 2 {
		t.Fatalf("front matter = %+v", fm)
	}
	r := fm.Normalize[0]
	if r.Label() != "port" || r.Pattern.String() != `:(\d+)` || r.Replace != ":PORT" || r.Pos != (Pos{4, 5}) {
		t.Errorf("rule = %+v", r)
	}
	if fm.Normalize[1].Label() != `"a"` {
		t.Errorf("unnamed rule label = %s", fm.Normalize[1].Label())
	}
}

// TestParseErrors checks each problem's message and position, and that all of a file's problems are reported
// together in order.
func TestParseErrors(t *testing.T) {
	cell := func(n int, info string) string {
		return "In [" + string(rune('0'+n)) + "]:\n\n```" + info + "\nx\n```\n\n"
	}
	tests := []struct {
		name, src string
		want      []string
	}{
		{"no fence", "In [1]:\n\ntext\n", []string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"other language", cell(1, "python"), []string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"duplicate", cell(1, "go") + cell(1, "go"), []string{"t.md:7:1: In [1]: duplicate cell number (also at line 1)"}},
		{"output without cell", "Out [2]:\n\n```text\n```\n", []string{"t.md:1:1: Out [2]: there is no cell In [2]"}},
		{"output not after its cell", cell(1, "go") + "prose\n\nOut [1]:\n\n```text\n```\n",
			[]string{"t.md:9:1: Out [1]: must come right after the code block of In [1] (line 1)"}},
		{"output without text block", cell(1, "go") + "Out [1]:\n\nplain\n", []string{"t.md:7:1: Out [1]: expected a ```text block after the marker"}},
		{"unclosed cell fence", "In [1]:\n\n```go\nx\n", []string{"t.md:3:1: In [1]: unclosed fence ```"}},
		{"unclosed output fence", cell(1, "go") + "Out [1]:\n\n````text\nx\n```\n", []string{"t.md:9:1: Out [1]: unclosed fence ````"}},
		{"unclosed plain fence", "# T\n\n~~~\ncode\n", []string{"t.md:3:1: unclosed fence ~~~: it runs to the end of the file"}},
		{"unknown attribute", cell(1, "go colour=red"), []string{`t.md:3:7: unknown attribute "colour" (known: background, compare, expect, net, ready, src, timeout)`}},
		{"bad timeout", cell(1, "go timeout=banana"), []string{"t.md:3:7: timeout=banana: want a positive Go duration such as 5s or 1500ms"}},
		{"src not go", cell(1, "go src=notes.txt"), []string{"t.md:3:7: src=notes.txt: not a .go file"}},
		{"no value", cell(1, "go timeout"), []string{"t.md:3:7: attribute timeout needs a value: timeout=..."}},
		{"twice", cell(1, "go timeout=1s timeout=2s"), []string{"t.md:3:18: attribute timeout given twice"}},
		{"unterminated quote", cell(1, `go src="a.go`), []string{`t.md:3:4: unterminated quoted value in "go src=\"a.go"`}},
		{"cell zero", cell(0, "go"), []string{"t.md:1:1: In [0]: cell numbers are positive integers"}},
		{"not utf-8", "ok\nbad \xff byte\n", []string{"t.md:2:5: lesson is not valid UTF-8 (byte 0xff)"}},
		{"several, sorted", cell(1, "go timeout=x") + "Out [7]:\n\n```text\n```\n\n" + cell(1, "go"),
			[]string{"t.md:3:7: timeout=x: want a positive Go duration such as 5s or 1500ms", "t.md:7:1: Out [7]: there is no cell In [7]", "t.md:12:1: In [1]: duplicate cell number (also at line 1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.md", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSortErrors(t *testing.T) {
	at := func(line int, msg string) error { return &Error{File: "f.md", Pos: Pos{line, 1}, Msg: msg} }
	err := SortErrors(errors.Join(at(9, "nine"), at(2, "two")), nil, at(5, "five"), errors.New("plain"))
	want := "f.md:2:1: two\nf.md:5:1: five\nf.md:9:1: nine\nplain"
	if err == nil || err.Error() != want {
		t.Errorf("SortErrors = %v, want:\n%s", err, want)
	}
	if SortErrors(nil, nil) != nil {
		t.Error("SortErrors of nothing is not nil")
	}
}
