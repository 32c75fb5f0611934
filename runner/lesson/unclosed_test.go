package lesson

import (
	"slices"
	"strings"
	"testing"
)

// checkProblems parses src and checks that its problems are exactly want, one per line, in order.
func checkProblems(t *testing.T, src string, want ...string) *Lesson {
	t.Helper()
	l, err := Parse("t.md", []byte(src))
	if err == nil {
		t.Fatalf("no error; want:\n%s\nsource:\n%q", strings.Join(want, "\n"), src)
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s\nsource:\n%q", got, strings.Join(want, "\n"), src)
	}
	return l
}

// cellNumbers returns the numbers of the cells Parse returned, which are the cells the runner may rewrite.
func cellNumbers(l *Lesson) []int {
	var ns []int
	if l != nil {
		for _, c := range l.Cells {
			ns = append(ns, c.Number)
		}
	}
	return ns
}

// TestParseSeeminglyUnclosed: a fence the author forgot to close is closed by a later line, usually the closing
// fence of the next cell, and everything in between becomes its body. When the runner would rewrite that body
// (a src= cell, an Out block), the author's text would be lost; Parse reports the fence at its opening line and
// does not return the cell as writable. Every lesson here was silently misread before.
func TestParseSeeminglyUnclosed(t *testing.T) {
	const cell1 = "In [1]:\n\n```go\nx\n```\n\n" // lines 1-5, then a blank line 6
	tests := []struct {
		name  string
		src   string
		want  string
		cells []int // the cells still returned
	}{
		{
			name: "src= fence closed by the next cell's closing fence (issue 10, item 1)",
			src: "# T\n\nIn [1]:\n\n```go src=snip/main.go\n\n## Part 2\n\nMore prose.\n\n" +
				"In [2]:\n\n```go\npackage main\n```\n",
			want: "t.md:5:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 11",
		},
		{
			name:  "src= fence closed by the closing fence of a shell block",
			src:   "In [1]:\n\n```go src=a.go\n\nRun it:\n\n```sh\ngo run .\n```\n\nIn [2]:\n\n```go\nx\n```\n",
			want:  "t.md:3:1: In [1]: this fence seems unclosed: its body runs into a ```sh fence at line 7",
			cells: []int{2},
		},
		{
			name: "src= tilde fence swallowing a backtick cell: the marker and fence give it away",
			src:  "In [1]:\n\n~~~go src=a.go\n\nIn [2]:\n\n```go\nx\n```\n\nIn [3]:\n\n~~~go\ny\n~~~\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 5",
		},
		{
			name: "src= fence swallowing a marker followed by a shorter fence",
			src:  "In [1]:\n\n````go src=a.go\n\nIn [2]:\n   ```go\nx\n```\n\n````\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 5",
		},
		{
			name: "src= fence swallowing a malformed marker and a fence",
			src:  "In [1]:\n\n~~~go src=a.go\n\n  In [ 2] :\n\n```go\nx\n```\n~~~\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into In [ 2] : at line 5",
		},
		{
			name: "src= fence closed by the next cell's fence, which has no info string",
			src:  "In [1]:\n\n```go src=a.go\n\nProse.\n\nIn [2]:\n\n```\nx\n```\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 7\n" +
				"t.md:11:1: unclosed fence ```: it runs to the end of the file",
		},
		{
			name:  "Out block closed by the next cell's closing fence (issue 10, item 2)",
			src:   cell1 + "Out [1]:\n\n```text\nhello\n\n## Part 2\n\nIn [2]:\n\n```go\ny\n```\n",
			want:  "t.md:9:1: Out [1]: this fence seems unclosed: its body runs into In [2]: at line 14",
			cells: []int{1},
		},
		{
			name:  "Out block closed by the closing fence of an author's text block",
			src:   cell1 + "Out [1]:\n\n```text\nhello\n\nThe log:\n\n```text\nlog\n```\n",
			want:  "t.md:9:1: Out [1]: this fence seems unclosed: its body runs into a ```text fence at line 14",
			cells: []int{1},
		},
		{
			name:  "Out block of ~~~ closed by a later ~~~~",
			src:   cell1 + "Out [1]:\n\n~~~text\nhello\n\nProse.\n\n~~~~sh\nls\n~~~~\n",
			want:  "t.md:9:1: Out [1]: this fence seems unclosed: its body runs into a ~~~~sh fence at line 14",
			cells: []int{1},
		},
		{
			name: "Out block of a src= cell, both unclosed",
			src: "In [1]:\n\n```go src=a.go\n\nOut [1]:\n\n```text\nold\n\n" +
				"In [2]:\n\n```go\nx\n```\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into Out [1]: at line 5",
		},
		{
			name: "an Out block after a swallowing cell is not reported again as stray",
			src:  "In [1]:\n\n```go src=a.go\n\n```sh\nls\n```\n\nOut [1]:\n\n```text\nx\n```\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into a ```sh fence at line 5",
		},
		{
			name:  "inline cell swallowing the next cell: its output would land after it",
			src:   "In [1]:\n\n```go\npackage main\n\nIn [2]:\n\n```go\nx\n```\n",
			want:  "t.md:3:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 6",
			cells: nil,
		},
		{
			name:  "plain fence swallowing a cell hides it",
			src:   "```\nls\n\nIn [1]:\n\n```go\nx\n```\n",
			want:  "t.md:1:1: this ``` fence seems unclosed: its body runs into In [1]: at line 4",
			cells: nil,
		},
		{
			name:  "plain fence holding a cell of the same fence, shown as code",
			src:   "```\nIn [1]:\n\n```go\n```\n",
			want:  "t.md:1:1: this ``` fence seems unclosed: its body runs into In [1]: at line 2",
			cells: nil,
		},
		{
			// The Out block is closed by the plain block's opening line; that block's closing line then
			// opens a fence that swallows cell 2. Reported there: the lesson is not written.
			name: "Out block closed by a plain block's opening line",
			src: cell1 + "Out [1]:\n\n```text\nhello\n\nNow run:\n\n```\ngo run .\n```\n\n" +
				"In [2]:\n\n```go\ny\n```\n",
			want:  "t.md:16:1: this ``` fence seems unclosed: its body runs into In [2]: at line 18",
			cells: []int{1},
		},
		{
			name:  "unclosed Out block with a longer fence runs to the end of the file",
			src:   cell1 + "Out [1]:\n\n````text\nhello\n\nIn [2]:\n\n```go\ny\n```\n",
			want:  "t.md:9:1: Out [1]: unclosed fence ````",
			cells: []int{1},
		},
		{
			name: "CRLF",
			src:  "In [1]:\r\n\r\n```go src=a.go\r\n\r\n## Part 2\r\n\r\nIn [2]:\r\n\r\n```go\r\nx\r\n```\r\n",
			want: "t.md:3:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 7",
		},
		{
			name:  "indented fences",
			src:   "In [1]:\n\n  ```go src=a.go\n  x\n\n   ```go\n   y\n   ```\n",
			want:  "t.md:3:1: In [1]: this fence seems unclosed: its body runs into a ```go fence at line 6",
			cells: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := checkProblems(t, tt.src, tt.want)
			if got := cellNumbers(l); !slices.Equal(got, tt.cells) {
				t.Errorf("cells = %v, want %v", got, tt.cells)
			}
			if l != nil {
				for _, c := range l.Cells {
					if c.Out != nil && strings.Contains(string(c.Out.Fence.Text(l.Source)), "```") {
						t.Errorf("In [%d]: output %q returned as writable", c.Number, c.Out.Fence.Text(l.Source))
					}
				}
			}
		})
	}
}

// TestParseNotUnclosed: lessons whose owned regions hold text that looks like lesson structure but that the
// runner may have written, or that an author's code may hold, still parse.
func TestParseNotUnclosed(t *testing.T) {
	const cell1 = "In [1]:\n\n```go\nx\n```\n\n"
	tests := []struct {
		name, src string
		out       string // the body of Out [1], "-" for none
	}{
		{"output prints a marker", cell1 + "Out [1]:\n\n```text\nIn [2]:\nOut [2]:\n```\n", "In [2]:\nOut [2]:\n"},
		{"output prints a marker, a blank line and prose", cell1 + "Out [1]:\n\n```text\nIn [3]:\n\n42\n```\n", "In [3]:\n\n42\n"},
		{"output prints a heading and HTML", cell1 + "Out [1]:\n\n```text\n## Results\n<div>\n```\n", "## Results\n<div>\n"},
		{"output prints a cell with a shorter fence", cell1 + "Out [1]:\n\n````text\nIn [2]:\n\n```go\nx\n```\n````\n",
			"In [2]:\n\n```go\nx\n```\n"},
		{"output prints a cell with a tilde fence", cell1 + "Out [1]:\n\n```text\nIn [2]:\n\n~~~go\nx\n~~~\n```\n",
			"In [2]:\n\n~~~go\nx\n~~~\n"},
		{"output prints backticks in a line", cell1 + "Out [1]:\n\n````text\nrun ```go here\n````\n", "run ```go here\n"},
		{"output prints a fence line with backticks in its info", cell1 + "Out [1]:\n\n```text\n``` a`b\n```\n", "``` a`b\n"},
		{"inline cell printing a marker and a tilde fence",
			"In [1]:\n\n```go\nconst s = `\nIn [2]:\n\n~~~go\n`\n```\n", "-"},
		{"inline cell with a shorter fence inside", "In [1]:\n\n````go\n/*\n```go\n*/\n````\n", "-"},
		{"src= cell with a marker alone", "In [1]:\n\n```go src=a.go\nconst s = `\nIn [2]:\n`\n```\n", "-"},
		{"plain fence showing a cell inside a longer fence", "````md\nIn [1]:\n\n```go\nx\n```\n````\n", "-"},
		{"plain fence with a fence opener of the other character", "```md\n~~~go\n```\n", "-"},
		{"marker inside an indented fence line is code", "In [1]:\n\n```go src=a.go\n    In [2]:\n    ```go\n```\n", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustParse(t, tt.src)
			got := "-"
			if len(l.Cells) > 0 && l.Cells[0].Out != nil {
				got = string(l.Cells[0].Out.Fence.Text(l.Source))
			}
			if got != tt.out {
				t.Errorf("Out [1] body = %q, want %q", got, tt.out)
			}
		})
	}
}

func TestSwallows(t *testing.T) {
	tests := []struct {
		marker, body string
		line         int
		what         string
	}{
		{"```", "package main\n", 0, ""},
		{"```", "", 0, ""},
		{"```", "/*\n```go\n*/\n", 2, "a ```go fence"},
		{"```", "/*\n   ````go x\r\n*/\n", 2, "a ````go fence"},
		{"````", "/*\n```go\n*/\n", 0, ""},
		{"~~~", "/*\n```go\n*/\n", 0, ""},
		{"```", "s := `\nIn [2]:\n`\n", 0, ""},
		{"```", "s := `\nIn [2]:\n\n\n~~~\n`\n", 2, "In [2]:"},
		{"```", "s := `\n Out [7]:\n    ~~~\n`\n", 0, ""}, // four spaces: indented code, not a fence
		{"```", "s := `\nIn [2]:\nx\n~~~\n`\n", 0, ""},
		{"```", "s := `\nIn [2]:\n\n", 2, "In [2]:"},
		{"```", "s := `\nOut [2]:", 2, "Out [2]:"},
	}
	for _, tt := range tests {
		line, what := Swallows(tt.marker, []byte(tt.body))
		if line != tt.line || what != tt.what {
			t.Errorf("Swallows(%q, %q) = %d, %q; want %d, %q", tt.marker, tt.body, line, what, tt.line, tt.what)
		}
	}
}

// TestParseMalformedMarkers: a paragraph that reads as a marker but is not written as one was silently prose,
// so the cell never ran and check passed. It is an error; bracketed text that is not a number stays prose.
func TestParseMalformedMarkers(t *testing.T) {
	const fence = "\n\n```go\nx\n```\n"
	tests := []struct{ src, want string }{
		{"In [-1]:" + fence, "t.md:1:1: In [-1]: cell numbers are positive integers"},
		{"In [+1]:" + fence, "t.md:1:1: In [+1]: cell numbers are positive integers"},
		{"In [1a]:" + fence, "t.md:1:1: In [1a]: cell numbers are positive integers"},
		{"In [1.5]:" + fence, "t.md:1:1: In [1.5]: cell numbers are positive integers"},
		{"In []:" + fence, "t.md:1:1: In []: cell numbers are positive integers"},
		{"In [ ]:" + fence, "t.md:1:1: In []: cell numbers are positive integers"},
		{"In [ -1 ]:" + fence, "t.md:1:1: In [-1]: cell numbers are positive integers"},
		{"In [ 0]:" + fence, "t.md:1:1: In [0]: cell numbers are positive integers"},
		{"In [ 1]:" + fence, `t.md:1:1: malformed marker "In [ 1]:": write it as In [1]:`},
		{"In [1 ]:" + fence, `t.md:1:1: malformed marker "In [1 ]:": write it as In [1]:`},
		{"In [1] :" + fence, `t.md:1:1: malformed marker "In [1] :": write it as In [1]:`},
		{"In[1]:" + fence, `t.md:1:1: malformed marker "In[1]:": write it as In [1]:`},
		{"In  [12]:" + fence, `t.md:1:1: malformed marker "In  [12]:": write it as In [12]:`},
		{"  In\t[1]:" + fence, `t.md:1:3: malformed marker "In\t[1]:": write it as In [1]:`},
		{"In [1]:\n\n```go\nx\n```\n\nOut [-1]:\n\n```text\n```\n", "t.md:7:1: Out [-1]: cell numbers are positive integers"},
		{"In [1]:\n\n```go\nx\n```\n\nOut [ 1]:\n\n```text\n```\n", `t.md:7:1: malformed marker "Out [ 1]:": write it as Out [1]:`},
		{"In [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1] :\r\n", `t.md:7:1: malformed marker "Out [1] :": write it as Out [1]:`},
		// Issue 19: prose before, now errors (see TestParseHiddenMarkers).
		{"in [1]:" + fence, `t.md:1:1: malformed marker "in [1]:": write it as In [1]:`},
		{"In [1]" + fence, `t.md:1:1: malformed marker "In [1]": write it as In [1]:`},
		{"- In [-1]:" + fence, `t.md:1:3: "In [-1]:" reads as a cell marker but is inside a list item, where no cell is read: ` + outsideContainers},
		{"> In [ 1]:" + fence, `t.md:1:3: "In [ 1]:" reads as a cell marker but is inside a block quote, where no cell is read: ` + outsideContainers},
		{"    In [-1]:" + fence, `t.md:1:5: "In [-1]:" reads as a cell marker but is in an indented code block, where no cell is read: ` + notIndented},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			checkProblems(t, tt.src, tt.want)
		})
	}
	for _, prose := range []string{
		"In [the figure]:", "In [Figure 2]:", "In [x1]:", "In [1 2]:", "In [1]: see below", "in [1] we saw",
		"In (1):", "Input [1]:", "In [1]::", "`In [1]:`", "- In [the figure]:", "> In [1]: x = 1",
	} {
		t.Run(prose, func(t *testing.T) {
			if l := mustParse(t, prose+fence); len(l.Cells) != 0 {
				t.Errorf("cells %v, want none", cellNumbers(l))
			}
		})
	}
}

// TestParseBOM: a UTF-8 byte-order mark before the first line hid every cell (check said 0 cells). The lesson
// is read as if it were absent; its bytes stay, so offsets are offsets into the source, and columns on the
// first line do not count it.
func TestParseBOM(t *testing.T) {
	const b = "\ufeff"
	t.Run("cell on the first line", func(t *testing.T) {
		src := b + "In [1]:\n\n```go\nx\n```\n\nOut [1]:\n\n```text\nhi\n```\n"
		l := mustParse(t, src)
		want := []cellSummary{{1, Pos{1, 1}, "```go\nx\n```", "", "```", "go", "x\n", "Out [1]:\n\n```text\nhi\n```", ""}}
		if got := summarize(l); len(got) != 1 || got[0] != want[0] {
			t.Fatalf("cells = %+v, want %+v", got, want)
		}
		if c := l.Cells[0]; c.Code.Start != 3+9 {
			t.Errorf("Code.Start = %d, want 12 (an offset into the source, BOM included)", c.Code.Start)
		}
		if string(l.Source) != src {
			t.Error("Source is not the lesson as read")
		}
	})
	t.Run("front matter", func(t *testing.T) {
		for _, eol := range []string{"\n", "\r\n"} {
			src := strings.ReplaceAll(b+"---\ntitle: T\nnormalize:\n  - pattern: a\n    replace: b\n---\nIn [2]:\n\n```go\nx\n```\n", "\n", eol)
			l := mustParse(t, src)
			if l.Front.Title != "T" || len(l.Front.Normalize) != 1 || l.Front.Normalize[0].Pos != (Pos{4, 5}) {
				t.Errorf("front matter = %+v", l.Front)
			}
			if len(l.Cells) != 1 || l.Cells[0].Pos != (Pos{7, 1}) {
				t.Errorf("cells = %+v", summarize(l))
			}
		}
	})
	t.Run("front matter problem", func(t *testing.T) {
		checkProblems(t, b+"---\ntitle: [me]\n---\n", "t.md:2:8: front matter: title: want text")
	})
	t.Run("positions on the first line", func(t *testing.T) {
		checkProblems(t, b+"In [0]:\n", "t.md:1:1: In [0]: cell numbers are positive integers")
		checkProblems(t, b+"  In [ 1]:\n", `t.md:1:3: malformed marker "In [ 1]:": write it as In [1]:`)
		checkProblems(t, b+"```go\nx\n", "t.md:1:1: unclosed fence ```: it runs to the end of the file")
	})
	t.Run("fence on the first line", func(t *testing.T) {
		l := mustParse(t, b+"```\nIn [1]:\n```\n\nIn [1]:\n\n```go\nx\n```\n")
		if got := cellNumbers(l); !slices.Equal(got, []int{1}) || l.Cells[0].Pos != (Pos{5, 1}) {
			t.Errorf("cells = %+v", summarize(l))
		}
	})
	t.Run("not at the start: not a BOM", func(t *testing.T) {
		// Not read as a BOM, so no cell; but a marker behind an invisible character is an error (issue 19).
		l := checkProblems(t, "# T\n\n"+b+"In [1]:\n\n```go\nx\n```\n", `t.md:3:1: malformed marker "\ufeffIn [1]:": write it as In [1]:`)
		if len(l.Cells) != 0 {
			t.Errorf("cells = %+v", summarize(l))
		}
	})
}
