package lesson

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// mustParse parses src as t.md and fails the test on any problem.
func mustParse(t *testing.T, src string) *Lesson {
	t.Helper()
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%v\nsource:\n%q", err, src)
	}
	return l
}

// cellSummary is what the table tests check of a cell. Strings are cut out of the source by the parser's
// offsets, so a wrong offset shows as a wrong string.
type cellSummary struct {
	number int
	pos    Pos
	code   string // src[Code.Start:Code.End]: opening fence line through closing fence line
	indent string
	marker string
	info   string
	body   string // the fence body as written
	out    string // src[Output.Start:Output.End], "-" when there is no output
	outFP  string
}

func summarize(l *Lesson) []cellSummary {
	var sums []cellSummary
	src := l.Source
	for _, c := range l.Cells {
		s := cellSummary{
			number: c.Number, pos: c.Pos,
			code:   string(src[c.Code.Start:c.Code.End]),
			indent: c.Code.Indent, marker: c.Code.Marker, info: c.Code.Info,
			body: string(c.Code.Text(src)),
			out:  "-",
		}
		if o := c.Out; o != nil {
			s.out, s.outFP = string(src[o.Start:o.End]), o.Fingerprint
		}
		sums = append(sums, s)
	}
	return sums
}

func TestParseCells(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []cellSummary
	}{
		{
			name: "simple inline cell",
			src:  "# Title\n\nIn [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\nThe end.\n",
			want: []cellSummary{{1, Pos{3, 1}, "```go\npackage main\n\nfunc main() {}\n```", "", "```", "go",
				"package main\n\nfunc main() {}\n", "-", ""}},
		},
		{
			name: "several cells, outputs attached to the right one",
			src: "In [1]:\n\n```go\na\n```\n\nOut [1]:\n\n```text\none\n```\n\n" +
				"Prose.\n\nIn [3]:\n\n```go\nb\n```\n\n" +
				"In [2]:\n\n```go\nc\n```\n\nOut [2]:\n\n```text fp=0123456789ab\ntwo\n```\n",
			want: []cellSummary{
				{1, Pos{1, 1}, "```go\na\n```", "", "```", "go", "a\n", "Out [1]:\n\n```text\none\n```", ""},
				{3, Pos{15, 1}, "```go\nb\n```", "", "```", "go", "b\n", "-", ""},
				{2, Pos{21, 1}, "```go\nc\n```", "", "```", "go", "c\n", "Out [2]:\n\n```text fp=0123456789ab\ntwo\n```", "0123456789ab"},
			},
		},
		{
			name: "marker directly followed by the fence",
			src:  "In [2]:\n```go\nx\n```\nOut [2]:\n```text\ny\n```\n",
			want: []cellSummary{{2, Pos{1, 1}, "```go\nx\n```", "", "```", "go", "x\n", "Out [2]:\n```text\ny\n```", ""}},
		},
		{
			name: "blank lines between marker and fence",
			src:  "In [3]:\n\n\n\n```go\nx\n```\n",
			want: []cellSummary{{3, Pos{1, 1}, "```go\nx\n```", "", "```", "go", "x\n", "-", ""}},
		},
		{
			name: "tilde fence",
			src:  "In [1]:\n\n~~~go\nx\n~~~\n",
			want: []cellSummary{{1, Pos{1, 1}, "~~~go\nx\n~~~", "", "~~~", "go", "x\n", "-", ""}},
		},
		{
			name: "long tilde fence around backticks",
			src:  "In [1]:\n\n~~~~go\n```\n~~~\n~~~~~\n",
			want: []cellSummary{{1, Pos{1, 1}, "~~~~go\n```\n~~~\n~~~~~", "", "~~~~", "go", "```\n~~~\n", "-", ""}},
		},
		{
			name: "long backtick fence around a shorter one",
			src:  "In [1]:\n\n````go\n```go\n```\n````\n",
			want: []cellSummary{{1, Pos{1, 1}, "````go\n```go\n```\n````", "", "````", "go", "```go\n```\n", "-", ""}},
		},
		{
			name: "fence indented by one space",
			src:  "In [1]:\n\n ```go\n x\n ```\n",
			want: []cellSummary{{1, Pos{1, 1}, " ```go\n x\n ```", " ", "```", "go", " x\n", "-", ""}},
		},
		{
			name: "fence indented by two spaces",
			src:  "In [1]:\n\n  ```go\n  x\n  ```\n",
			want: []cellSummary{{1, Pos{1, 1}, "  ```go\n  x\n  ```", "  ", "```", "go", "  x\n", "-", ""}},
		},
		{
			name: "fence indented by three spaces",
			src:  "In [1]:\n\n   ~~~go\n   x\n   ~~~\n",
			want: []cellSummary{{1, Pos{1, 1}, "   ~~~go\n   x\n   ~~~", "   ", "~~~", "go", "   x\n", "-", ""}},
		},
		{
			name: "indented marker, closing fence indented differently",
			src:  "  In [1]:\n\n```go\nx\n   ```\n",
			want: []cellSummary{{1, Pos{1, 3}, "```go\nx\n   ```", "", "```", "go", "x\n", "-", ""}},
		},
		{
			name: "marker with trailing spaces",
			src:  "In [1]:   \n\n```go\nx\n```   \n",
			want: []cellSummary{{1, Pos{1, 1}, "```go\nx\n```   ", "", "```", "go", "x\n", "-", ""}},
		},
		{
			name: "empty program and empty output",
			src:  "In [1]:\n```go\n```\nOut [1]:\n```text\n```\n",
			want: []cellSummary{{1, Pos{1, 1}, "```go\n```", "", "```", "go", "", "Out [1]:\n```text\n```", ""}},
		},
		{
			name: "attributes in the info string",
			src:  "In [1]:\n\n```go timeout=2s net\nx\n```\n",
			want: []cellSummary{{1, Pos{1, 1}, "```go timeout=2s net\nx\n```", "", "```", "go timeout=2s net", "x\n", "-", ""}},
		},
		{
			name: "CRLF",
			src:  "In [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1]:\r\n\r\n```text\r\nhi\r\n```\r\n",
			want: []cellSummary{{1, Pos{1, 1}, "```go\r\nx\r\n```", "", "```", "go", "x\r\n", "Out [1]:\r\n\r\n```text\r\nhi\r\n```", ""}},
		},
		{
			name: "no final newline",
			src:  "In [1]:\n\n```go\nx\n```\n\nOut [1]:\n\n```text\nhi\n```",
			want: []cellSummary{{1, Pos{1, 1}, "```go\nx\n```", "", "```", "go", "x\n", "Out [1]:\n\n```text\nhi\n```", ""}},
		},
		{
			name: "cell after front matter",
			src:  "---\ntitle: T\n---\nIn [1]:\n\n```go\nx\n```\n",
			want: []cellSummary{{1, Pos{4, 1}, "```go\nx\n```", "", "```", "go", "x\n", "-", ""}},
		},
		{
			name: "front matter with a marker and a go fence is not a cell",
			src:  "---\ntitle: |\n  In [1]:\n\n  ```go\n  x\n  ```\n---\n# T\n",
		},
		{name: "go block without a marker is code", src: "# T\n\n```go\npackage main\n```\n"},
		{name: "marker with more text is prose", src: "In [1]: see below\n\n```go\nx\n```\n"},
		{name: "marker with more text in a list is prose", src: "- In [1]: see below\n\n  ```go\n  x\n  ```\n"},
		{name: "marker inside a fence is code", src: "````\nIn [1]:\n\n```go\n```\n````\n"},
		{name: "marker inside a fence in a list is code", src: "- x\n\n  ```\n  In [1]:\n  ```\n"},
		{
			name: "cell between HTML blocks, blank lines around it",
			src:  "<details>\n\nIn [1]:\n\n```go\nx\n```\n\n</details>\n",
			want: []cellSummary{{1, Pos{3, 1}, "```go\nx\n```", "", "```", "go", "x\n", "-", ""}},
		},
		{name: "In [N]: as a heading is prose", src: "# In [1]:\n\n```go\nx\n```\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustParse(t, tt.src)
			got := summarize(l)
			if len(got) != len(tt.want) {
				t.Fatalf("cells:\n%+v\nwant:\n%+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("cell %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestParseOffsets checks every offset of a cell and its output against hand-counted values, in an LF and a
// CRLF lesson: these are the offsets the splicer cuts at.
func TestParseOffsets(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		eol      string
		code     Fence
		outStart int
		outEnd   int
		out      Fence
	}{
		{
			name: "LF",
			src:  "In [1]:\n\n```go\nx\n```\n\nOut [1]:\n\n```text\nold\n```\nend\n",
			eol:  "\n",
			code: Fence{Start: 9, Body: 15, BodyEnd: 17, End: 20, Marker: "```", Info: "go", InfoStart: 12},
			// Out [1]: starts at 22; its closing fence line ends at 47, before the \n.
			outStart: 22, outEnd: 47,
			out: Fence{Start: 32, Body: 40, BodyEnd: 44, End: 47, Marker: "```", Info: "text", InfoStart: 35},
		},
		{
			name: "CRLF",
			src:  "In [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1]:\r\n\r\n```text\r\nold\r\n```\r\nend\r\n",
			eol:  "\r\n",
			code: Fence{Start: 11, Body: 18, BodyEnd: 21, End: 24, Marker: "```", Info: "go", InfoStart: 14},
			// Out [1]: starts at 28; its closing fence line ends at 57, before the \r\n.
			outStart: 28, outEnd: 57,
			out: Fence{Start: 40, Body: 49, BodyEnd: 54, End: 57, Marker: "```", Info: "text", InfoStart: 43},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustParse(t, tt.src)
			if l.EOL != tt.eol {
				t.Errorf("EOL = %q, want %q", l.EOL, tt.eol)
			}
			if len(l.Cells) != 1 || l.Cells[0].Out == nil {
				t.Fatalf("want one cell with an output, got %+v", l.Cells)
			}
			c := l.Cells[0]
			if c.Code != tt.code {
				t.Errorf("code fence = %+v, want %+v", c.Code, tt.code)
			}
			o := c.Out
			if o.Start != tt.outStart || o.End != tt.outEnd {
				t.Errorf("output span = [%d,%d) %q, want [%d,%d)", o.Start, o.End, tt.src[o.Start:o.End], tt.outStart, tt.outEnd)
			}
			if o.Fence != tt.out {
				t.Errorf("output fence = %+v, want %+v", o.Fence, tt.out)
			}
			if o.Pos != (Pos{7, 1}) {
				t.Errorf("output pos = %v, want 7:1", o.Pos)
			}
			if !strings.HasPrefix(tt.src[o.End:], tt.eol+"end") {
				t.Errorf("the output span does not end right before the line ending: rest %q", tt.src[o.End:])
			}
		})
	}
}

// TestParseOutputSpan checks that an output's span runs from the start of the Out [N]: line through the end of
// its closing fence line, without the line ending, however the block is written.
func TestParseOutputSpan(t *testing.T) {
	const cell = "In [1]:\n\n```go\nx\n```\n"
	tests := []struct {
		name, out, after string
		fp               string
	}{
		{"blank line between", "Out [1]:\n\n```text\nhi\n```", "\n\nmore\n", ""},
		{"no blank line", "Out [1]:\n```text\nhi\n```", "\n", ""},
		{"indented marker", "  Out [1]:\n\n```text\nhi\n```", "\n", ""},
		{"trailing spaces after the closing fence", "Out [1]:\n\n```text\nhi\n```  ", "\n", ""},
		{"longer closing fence", "Out [1]:\n\n```text\nhi\n`````", "\n", ""},
		{"fingerprint", "Out [1]:\n\n```text fp=abcdef012345\nhi\n```", "\n", "abcdef012345"},
		{"fingerprint among other words", "Out [1]:\n\n```text x fp=abcdef012345 y\nhi\n```", "\n", "abcdef012345"},
		{"four-backtick fence", "Out [1]:\n\n````text\n```\n````", "\n", ""},
		{"at the end of the file", "Out [1]:\n\n```text\nhi\n```", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := cell + tt.out + tt.after
			l := mustParse(t, src)
			o := l.Cells[0].Out
			if o == nil {
				t.Fatal("no output")
			}
			if got := src[o.Start:o.End]; got != tt.out {
				t.Errorf("output span = %q, want %q", got, tt.out)
			}
			if o.Fingerprint != tt.fp {
				t.Errorf("fingerprint = %q, want %q", o.Fingerprint, tt.fp)
			}
		})
	}
}

func TestParseEOL(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "\n"},
		{"no line ending", "\n"},
		{"a\nb\r\n", "\n"},
		{"a\r\nb\n", "\r\n"},
		{"\r\n", "\r\n"},
		{"\n\r\n", "\n"},
	}
	for _, tt := range tests {
		if l := mustParse(t, tt.src); l.EOL != tt.want {
			t.Errorf("EOL of %q = %q, want %q", tt.src, l.EOL, tt.want)
		}
	}
}

func TestParseAttrs(t *testing.T) {
	tests := []struct {
		name string
		info string // after ```
		list []Attr
		want Attrs // List is not compared here
	}{
		{
			name: "none",
			info: "go",
		},
		{
			name: "src",
			info: "go src=hello/main.go",
			list: []Attr{{Key: "src", Value: "hello/main.go", Pos: Pos{3, 7}}},
			want: Attrs{Src: "hello/main.go"},
		},
		{
			name: "timeout",
			info: "go timeout=1500ms",
			list: []Attr{{Key: "timeout", Value: "1500ms", Pos: Pos{3, 7}}},
			want: Attrs{Timeout: 1500 * time.Millisecond},
		},
		{
			name: "quoted value with a space, order and positions",
			info: `go timeout=2s  src="my dir/a b.go"` + "\tnet",
			list: []Attr{
				{Key: "timeout", Value: "2s", Pos: Pos{3, 7}},
				{Key: "src", Value: "my dir/a b.go", Pos: Pos{3, 19}},
				{Key: "net", Bare: true, Pos: Pos{3, 39}},
			},
			want: Attrs{Timeout: 2 * time.Second, Src: "my dir/a b.go", Net: true},
		},
		{
			name: "quoted value with escapes",
			info: `go src="a\"b\\c.go"`,
			list: []Attr{{Key: "src", Value: `a"b\c.go`, Pos: Pos{3, 7}}},
			want: Attrs{Src: `a"b\c.go`},
		},
		{
			name: "server",
			info: "go background ready=tcp:localhost:8080 timeout=5s",
			list: []Attr{
				{Key: "background", Bare: true, Pos: Pos{3, 7}},
				{Key: "ready", Value: "tcp:localhost:8080", Pos: Pos{3, 18}},
				{Key: "timeout", Value: "5s", Pos: Pos{3, 43}},
			},
			want: Attrs{Background: true, Timeout: 5 * time.Second},
		},
		{
			name: "compare, expect",
			info: "go compare=unordered expect=error",
			list: []Attr{
				{Key: "compare", Value: "unordered", Pos: Pos{3, 7}},
				{Key: "expect", Value: "error", Pos: Pos{3, 25}},
			},
			want: Attrs{Compare: CompareUnordered, Expect: "error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustParse(t, "In [1]:\n\n```"+tt.info+"\n```\n")
			a := l.Cells[0].Attrs
			if len(a.List) != len(tt.list) {
				t.Fatalf("List = %+v, want %+v", a.List, tt.list)
			}
			for i := range a.List {
				if a.List[i] != tt.list[i] {
					t.Errorf("List[%d] = %+v, want %+v", i, a.List[i], tt.list[i])
				}
			}
			if a.Src != tt.want.Src || a.Timeout != tt.want.Timeout || a.Background != tt.want.Background ||
				a.Compare != tt.want.Compare || a.Expect != tt.want.Expect || a.Net != tt.want.Net {
				t.Errorf("attrs = %+v, want %+v", a, tt.want)
			}
			for _, at := range tt.list {
				if got, ok := a.Get(at.Key); !ok || got != at {
					t.Errorf("Get(%q) = %+v, %v", at.Key, got, ok)
				}
			}
			if _, ok := a.Get("nonesuch"); ok {
				t.Error("Get of an attribute not given reports true")
			}
		})
	}
}

func TestParseProbe(t *testing.T) {
	tests := []struct {
		ready, want string
		matches     string // for out:, text the pattern must match
	}{
		{"tcp:127.0.0.1:8080", "tcp:127.0.0.1:8080", ""},
		{"tcp:localhost:9000", "tcp:127.0.0.1:9000", ""},
		{"udp:[::1]:53", "udp:[::1]:53", ""},
		{`"out:^listening on"`, "out:^listening on", "starting\nlistening on :8080\n"},
		{`"out:ready now$"`, "out:ready now$", "ready now\nmore\n"},
	}
	for _, tt := range tests {
		l := mustParse(t, "In [1]:\n\n```go background ready="+tt.ready+"\n```\n")
		p := l.Cells[0].Attrs.Ready
		if p == nil {
			t.Errorf("ready=%s: no probe", tt.ready)
			continue
		}
		if p.String() != tt.want {
			t.Errorf("ready=%s: probe %s, want %s", tt.ready, p, tt.want)
		}
		if tt.matches != "" && !p.Pattern.MatchString(tt.matches) {
			t.Errorf("ready=%s does not match %q: ^ and $ must match at line ends", tt.ready, tt.matches)
		}
	}
}

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		title string
		rules []string // Label → Replace @ Pos
	}{
		{"none", "# T\n", "", nil},
		{"title only", "---\ntitle: Class 15 — Networking\n---\n# T\n", "Class 15 — Networking", nil},
		{"dots close it", "---\ntitle: T\n...\n# T\n", "T", nil},
		{"CRLF", "---\r\ntitle: T\r\n---\r\n# T\r\n", "T", nil},
		{"empty", "---\n---\n# T\n", "", nil},
		{
			"rules in order",
			"---\ntitle: Class 15\nnormalize:\n  - name: port\n    pattern: ':(\\d+)'\n    replace: ':PORT'\n  - pattern: 'a'\n    replace: b\n---\n# T\n",
			"Class 15",
			[]string{`port → ":PORT" @ 4:5`, `"a" → "b" @ 7:5`},
		},
		{"no closing line: not front matter", "---\ntitle: T\n", "", nil},
		{"not on the first line: not front matter", "\n---\ntitle: T\n---\n", "", nil},
		{
			"a Jekyll or Hugo site's keys are kept and ignored",
			"---\nlayout: post\ndate: 2026-12-07\ntags: [go, net]\ntitle: T\nparams: {a: 1}\nnormalize:\n  - pattern: x\n    replace: y\n---\n# T\n",
			"T",
			[]string{`"x" → "y" @ 8:5`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := mustParse(t, tt.src).Front
			if fm == nil {
				t.Fatal("Front is nil")
			}
			if fm.Title != tt.title {
				t.Errorf("title = %q, want %q", fm.Title, tt.title)
			}
			var rules []string
			for _, r := range fm.Normalize {
				rules = append(rules, fmt.Sprintf("%s → %q @ %s", r.Label(), r.Replace, r.Pos))
			}
			if strings.Join(rules, "\n") != strings.Join(tt.rules, "\n") {
				t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(rules, "\n"), strings.Join(tt.rules, "\n"))
			}
		})
	}
}

// TestMarkdown checks that the Markdown view of a lesson blanks the front matter and keeps every offset.
func TestMarkdown(t *testing.T) {
	tests := []struct{ src, want string }{
		{"# T\n", "# T\n"},
		{"---\ntitle: x\n---\n# T\n", "   \n        \n   \n# T\n"},
		{"---\r\na: b\r\n...\r\nIn [1]:\r\n", "   \r\n    \r\n   \r\nIn [1]:\r\n"},
		// A byte-order mark becomes line feeds, which change nothing before the first block.
		{"\ufeffIn [1]:\n", "\n\n\nIn [1]:\n"},
		{"\ufeff  ```go\n", "\n\n\n  ```go\n"},
		{"\ufeff---\na: b\n---\n# T\n", "      \n    \n   \n# T\n"},
		{"# T\n\ufeff\n", "# T\n\ufeff\n"},
	}
	for _, tt := range tests {
		src := []byte(tt.src)
		got := Markdown(src)
		if string(got) != tt.want {
			t.Errorf("Markdown(%q) = %q, want %q", tt.src, got, tt.want)
		}
		if string(src) != tt.src {
			t.Errorf("Markdown changed its argument to %q", src)
		}
	}
}

// TestParseErrors checks each problem's exact "file:line:col: message", and that all of a file's problems are
// reported together, one per line, in position order.
func TestParseErrors(t *testing.T) {
	cell := func(n, info string) string { return "In [" + n + "]:\n\n```" + info + "\nx\n```\n\n" }
	const known = "(known: background, compare, exercise, expect, hide, needs, net, platform, ready, src, timeout)"
	tests := []struct {
		name, src string
		want      []string
	}{
		// Markers.
		{"marker followed by a paragraph", "In [1]:\n\ntext\n",
			[]string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"marker followed by a python fence", cell("1", "python"),
			[]string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"marker followed by a fence without info", cell("1", ""),
			[]string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"marker followed by gofmt, not go", cell("1", "golang"),
			[]string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"marker followed by an indented code block", "In [1]:\n\n    ```go\n    x\n    ```\n",
			[]string{"t.md:1:1: In [1]: expected a ```go code block after the marker"}},
		{"marker at the end of the file", "# T\n\nIn [2]:\n",
			[]string{"t.md:3:1: In [2]: expected a ```go code block after the marker"}},
		{"duplicate cell number", cell("1", "go") + "Prose.\n\n" + cell("1", "go"),
			[]string{"t.md:9:1: In [1]: duplicate cell number (also at line 1)"}},
		{"In [0]", cell("0", "go"), []string{"t.md:1:1: In [0]: cell numbers are positive integers"}},
		{"In [00]", cell("00", "go"), []string{"t.md:1:1: In [00]: cell numbers are positive integers"}},
		{"number too large", cell("99999999999999999999", "go"),
			[]string{"t.md:1:1: In [99999999999999999999]: cell numbers are positive integers"}},
		{"Out [0]", "Out [0]:\n\n```text\n```\n", []string{"t.md:1:1: Out [0]: cell numbers are positive integers"}},

		// Outputs.
		{"output with no cell", "Out [2]:\n\n```text\n```\n", []string{"t.md:1:1: Out [2]: there is no cell In [2]"}},
		{"output of a later cell", cell("1", "go") + "Out [2]:\n\n```text\n```\n\n" + cell("2", "go"),
			[]string{"t.md:7:1: Out [2]: must come right after the code block of In [2] (line 12)"}},
		{"output not right after its cell", cell("1", "go") + "prose\n\nOut [1]:\n\n```text\n```\n",
			[]string{"t.md:9:1: Out [1]: must come right after the code block of In [1] (line 1)"}},
		{"output after another cell", cell("1", "go") + cell("2", "go") + "Out [1]:\n\n```text\n```\n",
			[]string{"t.md:13:1: Out [1]: must come right after the code block of In [1] (line 1)"}},
		{"output given twice", cell("1", "go") + "Out [1]:\n\n```text\n```\n\nOut [1]:\n\n```text\n```\n",
			[]string{"t.md:12:1: Out [1]: must come right after the code block of In [1] (line 1)"}},
		{"output followed by a paragraph", cell("1", "go") + "Out [1]:\n\nplain\n",
			[]string{"t.md:7:1: Out [1]: expected a ```text block after the marker"}},
		{"output followed by a go block", cell("1", "go") + "Out [1]:\n\n```go\n```\n",
			[]string{"t.md:7:1: Out [1]: expected a ```text block after the marker"}},
		{"output followed by a fence without info", cell("1", "go") + "Out [1]:\n\n```\nhi\n```\n",
			[]string{"t.md:7:1: Out [1]: expected a ```text block after the marker"}},

		// Unclosed fences.
		{"unclosed cell fence", "In [1]:\n\n```go\nx\n", []string{"t.md:3:1: In [1]: unclosed fence ```"}},
		{"unclosed cell fence closed by a shorter one", "In [1]:\n\n````go\nx\n```\n",
			[]string{"t.md:3:1: In [1]: unclosed fence ````"}},
		{"unclosed cell fence closed by the other character", "In [1]:\n\n~~~go\nx\n```\n",
			[]string{"t.md:3:1: In [1]: unclosed fence ~~~"}},
		{"unclosed output fence", cell("1", "go") + "Out [1]:\n\n````text\nx\n```\n",
			[]string{"t.md:9:1: Out [1]: unclosed fence ````"}},
		{"unclosed plain fence", "# T\n\n~~~\ncode\n", []string{"t.md:3:1: unclosed fence ~~~: it runs to the end of the file"}},
		{"unclosed plain fence with info", "# T\n\n```sh\nls\n\n\n", []string{"t.md:3:1: unclosed fence ```: it runs to the end of the file"}},
		{"unclosed plain fence swallowing a cell", "~~~\n\n" + cell("1", "go"),
			[]string{"t.md:1:1: unclosed fence ~~~: it runs to the end of the file"}},

		// Attributes.
		{"unknown attribute", cell("1", "go colour=red"), []string{`t.md:3:7: unknown attribute "colour" ` + known}},
		{"unknown bare attribute", cell("1", "go   fast"), []string{`t.md:3:9: unknown attribute "fast" ` + known}},
		{"timeout=banana", cell("1", "go timeout=banana"),
			[]string{"t.md:3:7: timeout=banana: want a positive Go duration such as 5s or 1500ms"}},
		{"negative timeout", cell("1", "go timeout=-1s"),
			[]string{"t.md:3:7: timeout=-1s: want a positive Go duration such as 5s or 1500ms"}},
		{"src without .go", cell("1", "go src=notes.txt"), []string{"t.md:3:7: src=notes.txt: not a .go file"}},
		{"attribute without value", cell("1", "go timeout"), []string{"t.md:3:7: attribute timeout needs a value: timeout=..."}},
		{"attribute with an empty value", cell("1", "go src="), []string{"t.md:3:7: attribute src: empty value"}},
		{"attribute with an empty quoted value", cell("1", `go src=""`), []string{"t.md:3:7: attribute src: empty value"}},
		{"bare attribute with a value", cell("1", "go net=yes"), []string{"t.md:3:7: attribute net takes no value"}},
		{"duplicate attribute", cell("1", "go timeout=1s timeout=2s"), []string{"t.md:3:18: attribute timeout given twice"}},
		{"duplicate bare attribute", cell("1", "go net net"), []string{"t.md:3:11: attribute net given twice"}},
		{"unterminated quote", cell("1", `go src="a.go`), []string{`t.md:3:4: unterminated quoted value in "go src=\"a.go"`}},
		{"malformed quoted value", cell("1", `go src="a\q.go"`), []string{`t.md:3:7: attribute src: malformed quoted value "a\q.go"`}},
		{"compare", cell("1", "go compare=fuzzy"), []string{"t.md:3:7: compare=fuzzy: want exact, ignore or unordered"}},
		{"expect", cell("1", "go expect=success"), []string{"t.md:3:7: expect=success: the only expectation is expect=error"}},
		{"ready without background", cell("1", "go ready=tcp:127.0.0.1:80"),
			[]string{"t.md:3:7: ready= needs background: only a background cell is waited for"}},
		{"hide without exercise", cell("1", "go hide"),
			[]string{"t.md:3:7: hide needs exercise: only an exercise's expected output is hidden from the handout"}},
		{"exercise not compared", cell("1", "go compare=ignore exercise"),
			[]string{"t.md:3:22: exercise and compare=ignore: an exercise is checked by its output"}},
		{"exercise of a server", cell("1", "go background exercise"),
			[]string{"t.md:3:18: exercise and background: a server cell cannot be an exercise (its output depends on its clients)"}},
		{"ready with no port", cell("1", "go background ready=tcp:127.0.0.1"),
			[]string{"t.md:3:18: ready=tcp:127.0.0.1: want tcp:HOST:PORT, such as tcp:127.0.0.1:8080"}},
		{"ready with a host name", cell("1", "go background ready=udp:example.com:53"),
			[]string{`t.md:3:18: ready=udp:example.com:53: "example.com" is not an IP address (or localhost)`}},
		{"ready on port 0", cell("1", "go background ready=tcp:127.0.0.1:0"),
			[]string{`t.md:3:18: ready=tcp:127.0.0.1:0: "0" is not a port number from 1 to 65535`}},
		{"ready with a bad pattern", cell("1", "go background ready=out:("),
			[]string{"t.md:3:18: ready=out:(: error parsing regexp: missing closing ): `(?m)(`"}},
		{"ready with an empty pattern", cell("1", "go background ready=out:"),
			[]string{"t.md:3:18: ready=out: needs a regular expression"}},
		{"ready with an unknown probe", cell("1", "go background ready=http:x"),
			[]string{`t.md:3:18: ready=http:x: unknown probe "http" (want tcp:HOST:PORT, udp:HOST:PORT or out:REGEX)`}},
		{"several attribute problems, in order", cell("1", "go net=1 colour timeout"),
			[]string{
				"t.md:3:7: attribute net takes no value",
				`t.md:3:13: unknown attribute "colour" ` + known,
				"t.md:3:20: attribute timeout needs a value: timeout=...",
			}},

		// Front matter.
		{"front matter: not a mapping", "---\n- a\n---\n",
			[]string{"t.md:2:1: front matter: want keys such as title: and normalize:"}},
		{"front matter: YAML syntax", "---\ntitle: T\nnormalize: [\n---\n",
			[]string{"t.md:3:1: front matter: yaml: line 2: did not find expected node content"}},
		{"front matter: title not text", "---\ntitle: [a]\n---\n",
			[]string{"t.md:2:8: front matter: title: want text"}},
		{"front matter: normalize not a list", "---\nnormalize: x\n---\n",
			[]string{"t.md:2:12: front matter: normalize: want a list of {pattern: REGEX, replace: TEXT}"}},
		{"front matter: rule without replace", "---\nnormalize:\n  - pattern: a\n---\n",
			[]string{"t.md:3:5: front matter: normalize: a rule needs both pattern: and replace:"}},
		{"front matter: bad regexp", "---\nnormalize:\n  - pattern: 'a('\n    replace: b\n---\n",
			[]string{"t.md:3:14: front matter: normalize: rule \"a(\": error parsing regexp: missing closing ): `a(`"}},
		{"front matter: unknown rule key", "---\nnormalize:\n  - pattern: a\n    replace: b\n    flags: i\n---\n",
			[]string{`t.md:5:5: front matter: normalize: unknown key "flags" in a rule (known: name, pattern, replace)`}},

		// Encoding.
		{"not UTF-8", "ok\nbad \xff byte\n", []string{"t.md:2:5: lesson is not valid UTF-8 (byte 0xff)"}},
		{"not UTF-8 after a multibyte rune: column in bytes", "é\xc3(\n", []string{"t.md:1:3: lesson is not valid UTF-8 (byte 0xc3)"}},
		{"not UTF-8 on the first byte", "\x80", []string{"t.md:1:1: lesson is not valid UTF-8 (byte 0x80)"}},

		// Everything together.
		{"several problems, in position order",
			cell("1", "go timeout=x") + "Out [7]:\n\n```text\n```\n\n" + cell("1", "go") + "~~~\nx\n",
			[]string{
				"t.md:3:7: timeout=x: want a positive Go duration such as 5s or 1500ms",
				"t.md:7:1: Out [7]: there is no cell In [7]",
				"t.md:12:1: In [1]: duplicate cell number (also at line 1)",
				"t.md:18:1: unclosed fence ~~~: it runs to the end of the file",
			}},
		{"front matter and cell problems, in position order",
			"---\ntitle: [1]\n---\n" + cell("0", "go") + cell("2", "python"),
			[]string{
				"t.md:2:8: front matter: title: want text",
				"t.md:4:1: In [0]: cell numbers are positive integers",
				"t.md:10:1: In [2]: expected a ```go code block after the marker",
			}},
		{"CRLF positions", "# T\r\n\r\nIn [1]:\r\n\r\n```go net=x\r\n```\r\n",
			[]string{"t.md:5:7: attribute net takes no value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.md", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; want:\n%s", strings.Join(tt.want, "\n"))
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			// Each line is a positioned *Error.
			var list []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				list = j.Unwrap()
			}
			if len(list) != len(tt.want) {
				t.Fatalf("err is not a join of %d errors: %#v", len(tt.want), err)
			}
			for i, e := range list {
				pe, ok := e.(*Error)
				if !ok {
					t.Errorf("error %d is a %T, not an *Error", i, e)
					continue
				}
				if pe.File != "t.md" || pe.Pos.Line < 1 || pe.Pos.Col < 1 || pe.Error() != tt.want[i] {
					t.Errorf("error %d = %+v", i, pe)
				}
			}
		})
	}
}

// TestParseKeepsGoodCells checks that a lesson with problems still reports the cells that are right, so that
// one bad cell does not hide the others.
func TestParseKeepsGoodCells(t *testing.T) {
	src := "In [1]:\n\n```go\na\n```\n\nIn [2]:\n\n```go colour=red\nb\n```\n\nIn [3]:\n\n```python\nc\n```\n"
	l, err := Parse("t.md", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	if l == nil {
		t.Fatal("no lesson")
	}
	var got []int
	for _, c := range l.Cells {
		got = append(got, c.Number)
	}
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("cells = %v, want [1 2]", got)
	}
}

func TestParseDoesNotChangeSource(t *testing.T) {
	src := []byte("---\ntitle: T\n---\r\nIn [1]:\r\n\r\n```go\r\nx\r\n```\r\n")
	orig := bytes.Clone(src)
	l := mustParse(t, string(src))
	if _, err := Parse("t.md", src); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, orig) {
		t.Errorf("Parse changed its source to %q", src)
	}
	if string(l.Source) != string(orig) || l.Path != "t.md" {
		t.Errorf("Source = %q, Path = %q", l.Source, l.Path)
	}
}

func TestLessonCellAndPos(t *testing.T) {
	src := "ab\n\nIn [4]:\n\n```go\n```\n\nIn [2]:\n\n```go\n```\n"
	l := mustParse(t, src)
	if c := l.Cell(2); c == nil || c.Pos != (Pos{8, 1}) {
		t.Errorf("Cell(2) = %+v", c)
	}
	if c := l.Cell(4); c == nil || c.Pos != (Pos{3, 1}) {
		t.Errorf("Cell(4) = %+v", c)
	}
	if c := l.Cell(3); c != nil {
		t.Errorf("Cell(3) = %+v, want nil", c)
	}
	for _, tt := range []struct {
		off  int
		want Pos
	}{{0, Pos{1, 1}}, {1, Pos{1, 2}}, {2, Pos{1, 3}}, {3, Pos{2, 1}}, {4, Pos{3, 1}}, {len(src), Pos{12, 1}}} {
		if got := l.Pos(tt.off); got != tt.want {
			t.Errorf("Pos(%d) = %v, want %v", tt.off, got, tt.want)
		}
	}
}

func TestSortErrors(t *testing.T) {
	at := func(line, col int, msg string) error { return &Error{File: "f.md", Pos: Pos{line, col}, Msg: msg} }
	tests := []struct {
		name string
		errs []error
		want string
	}{
		{"nothing", nil, ""},
		{"only nils", []error{nil, nil}, ""},
		{"one", []error{at(3, 1, "x")}, "f.md:3:1: x"},
		{
			"joined, nested and plain",
			[]error{errors.Join(at(9, 1, "nine"), at(2, 5, "two five")), nil, at(5, 1, "five"), errors.New("plain"),
				errors.Join(at(2, 1, "two one"), errors.New("plain 2"))},
			"f.md:2:1: two one\nf.md:2:5: two five\nf.md:5:1: five\nf.md:9:1: nine\nplain\nplain 2",
		},
		{"same position keeps order", []error{at(1, 1, "a"), at(1, 1, "b")}, "f.md:1:1: a\nf.md:1:1: b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SortErrors(tt.errs...)
			if tt.want == "" {
				if err != nil {
					t.Errorf("SortErrors = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("SortErrors = %v, want:\n%s", err, tt.want)
			}
		})
	}
}

// The tests below show bugs found while writing these tests; they fail until the parser is fixed.

// TestParseUnclosedEmptyFenceAtEOF: an opening fence on the last line of the file, with nothing after it, is
// an unclosed fence like any other, but Parse reports nothing, because fence cannot locate a block that has
// neither an info string nor a body line (FencedCodeBlock.Pos would locate it). The same fence followed by one
// blank line is reported.
func TestParseUnclosedEmptyFenceAtEOF(t *testing.T) {
	tests := []struct{ src, want string }{
		{"# T\n\n```\n\n", "t.md:3:1: unclosed fence ```: it runs to the end of the file"}, // reported today
		{"# T\n\n```\n", "t.md:3:1: unclosed fence ```: it runs to the end of the file"},
		{"# T\n\n~~~~", "t.md:3:1: unclosed fence ~~~~: it runs to the end of the file"},
		{"In [1]:\n\n```go\n```\n\n```\n", "t.md:6:1: unclosed fence ```: it runs to the end of the file"},
	}
	for _, tt := range tests {
		_, err := Parse("t.md", []byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v, want %s", tt.src, err, tt.want)
		}
	}
}

// TestParseFrontMatterColumnsInBytes: doc.go says columns count bytes, and they do in the Markdown, but
// positions in the front matter come from yaml.v3, whose columns count runes: after a non-ASCII character on
// the same line, the column is too small.
func TestParseFrontMatterColumnsInBytes(t *testing.T) {
	tests := []struct{ src, want string }{
		{"---\nnormalize: [{pattern: \"e\", replace: x, bad: 2}]\n---\n", // ASCII: right today
			`t.md:2:40: front matter: normalize: unknown key "bad" in a rule (known: name, pattern, replace)`},
		{"---\nnormalize: [{pattern: \"é\", replace: x, bad: 2}]\n---\n", // é is two bytes
			`t.md:2:41: front matter: normalize: unknown key "bad" in a rule (known: name, pattern, replace)`},
		{"---\ntitle: «T»\nnormalize: [{pattern: \"—\", replace: x}, 3]\n---\n", // — is three bytes
			`t.md:3:43: front matter: normalize: each rule is {pattern: REGEX, replace: TEXT}`},
	}
	for _, tt := range tests {
		_, err := Parse("t.md", []byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) =\n%v\nwant\n%s", tt.src, err, tt.want)
		}
	}
}

// TestParseErrorMessagesAreOneLine: the problems of a file are reported one per line, but a quoted attribute
// value or a front matter pattern with "\n" in it is copied raw into the message, which then spans two lines,
// the second of which looks like no problem at all.
func TestParseErrorMessagesAreOneLine(t *testing.T) {
	for _, src := range []string{
		"In [1]:\n\n```go src=\"a\\nb\"\n```\n",
		"In [1]:\n\n```go timeout=\"1\\n\"\n```\n",
		"In [1]:\n\n```go compare=\"a\\nb\"\n```\n",
		"---\nnormalize:\n  - pattern: \"a(\\n\"\n    replace: b\n---\n",
	} {
		_, err := Parse("t.md", []byte(src))
		if err == nil {
			t.Errorf("Parse(%q): no error", src)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") {
			t.Errorf("Parse(%q): one problem reported on several lines:\n%s", src, msg)
		}
	}
}
