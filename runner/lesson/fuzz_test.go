package lesson

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// FuzzParse: Parse never panics and never changes its input; every span it returns lies inside the source, in
// order, and says what it claims to hold, and no region it returns seems unclosed; every problem is a
// "file:line:col: message" line inside the file, in position order.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"# T\n\nIn [1]:\n\n```go\npackage main\n```\n\nOut [1]:\n\n```text\nhi\n```\n",
		"---\ntitle: x\nnormalize:\n  - pattern: a\n    replace: b\n---\nIn [2]:\r\n~~~go timeout=1s\r\nx\r\n~~~\r\n",
		"In [1]:\n  ```go src=\"a b.go\" background ready=tcp:127.0.0.1:9\n  ```\nOut [1]:\n````text\n```\n````",
		"In [1]:\n\n```go\n",
		"- In [1]:\n\n  ```go\n  x\n  ```\n> Out [1]:\n",
		"In [1]:\n```go compare=unordered expect=error net\n```\nOut [1]:\n```text\n```",
		"In [1]:\r\n\r\n```go\r\nx\r\n```\r\n\r\nOut [1]:\r\n\r\n```text fp=0123456789ab\r\nhi\r\n```",
		"In [1]:\n\n```go\nx\n```\n\nIn [1]:\n\n```go\ny\n```\n\nOut [3]:\n\n```text\n```\n",
		"In [0]:\n\n```go colour=red timeout src=x.txt\n```\n\nOut [1]:\n\nplain\n",
		"<div>\nIn [1]:\n</div>\n\n\tIn [2]:\n\n   ```go   \n   x\t \n   ```\n",
		"---\ntitle: |\n  In [1]:\n  ```go\n---\n```go\n```\n",
		"In [1]:\n\n```go background ready=\"out:^ok$\" timeout=2s\n```\n\nIn [2]:\n\n```go\n```\n",
		"é\xff",
		"```\n",
		// Issue 10: unclosed src= and Out fences closed by a later cell's fence, a BOM, malformed markers.
		"# T\n\nIn [1]:\n\n```go src=snip/main.go\n\n## Part 2\n\nProse.\n\nIn [2]:\n\n```go\npackage main\n```\n",
		"In [1]:\n\n```go\nx\n```\n\nOut [1]:\n\n```text\nhi\n\n## Part 2\n\nIn [2]:\n\n```go\ny\n```\n",
		"\ufeff---\ntitle: T\n---\nIn [1]:\r\n\r\n```go\r\nx\r\n```\r\n",
		"\ufeff```go\nx\n```\nIn [ 1]:\n\nIn [-1]:\n\nOut [1a]:\n",
		// Issue 19: markers the reader cannot see, and prose that only looks like them.
		"In [1]:\n\n```go\nx\n```\n\n<!-- note\n\nIn [2]:\n\n```go\ny\n```\n",
		"<!--\nIn [1]:\n\n```go\nx\n```\n-->\n\n<details>\nIn [2]:\n\n```go\n```\n\n</details>\n<pre>\nOut [2]\n",
		"In [1]\n\n```go\n```\n\nin [2]:\n\nIN [3]:\n\n**In [4]:**\n\nIn \\[5\\]:\n\nIn\u00a0[6]:\n\n_Out [1]_\n",
		"- In [1]:\n  ```go\n  ```\n\n1. > Out [1]:\n\n    In [2]:\n\tOut [2]:\n",
		"Look at\nIn [1]:\n```go\n```\nIn [2]:\n---\n\nAs we saw\nin [1]\nabove. `In [3]:`\n\n# In [4]:\n",
		"In [1]:\n\n```go\nx\n```\n\nOut [1]\n\n```text\nstale\n```\n\nOut [1]:\n\n```text\nnew\n```\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		orig := bytes.Clone(src)
		l, err := Parse("f.md", src)
		if !bytes.Equal(src, orig) {
			t.Fatalf("Parse changed its input")
		}
		if err != nil {
			checkErrors(t, err, src)
		}
		if l == nil {
			if err == nil {
				t.Fatal("no lesson and no error")
			}
			return
		}
		if l.EOL != "\n" && l.EOL != "\r\n" {
			t.Fatalf("EOL = %q", l.EOL)
		}
		if err == nil {
			checkNoHiddenMarker(t, l)
		}
		n := len(src)
		prevEnd := -1
		seen := map[int]bool{}
		for _, c := range l.Cells {
			if c.Number < 1 || seen[c.Number] {
				t.Fatalf("cell number %d is not positive or not unique", c.Number)
			}
			seen[c.Number] = true
			checkFence(t, c.Code, src)
			if c.Code.Start <= prevEnd {
				t.Fatalf("In [%d] starts at %d, before the end %d of what came before it", c.Number, c.Code.Start, prevEnd)
			}
			if p := l.Pos(c.Code.Start); p.Line <= c.Pos.Line {
				t.Fatalf("In [%d]: code at %v, not after its marker at %v", c.Number, p, c.Pos)
			}
			if first := strings.Fields(c.Code.Info); len(first) == 0 || first[0] != "go" {
				t.Fatalf("In [%d]: info %q does not start with go", c.Number, c.Code.Info)
			}
			prevEnd = c.Code.End
			if line, what := swallows(c.Code.Marker, c.Code.Text(src), c.Attrs.Src != ""); line != 0 {
				t.Fatalf("In [%d] returned, though its body runs into %s at its line %d", c.Number, what, line)
			}
			o := c.Out
			if o == nil {
				continue
			}
			checkFence(t, o.Fence, src)
			if !(c.Code.End < o.Start && o.Start <= o.Fence.Start && o.Start <= o.End && o.End == o.Fence.End && o.End <= n) {
				t.Fatalf("In [%d]: output span [%d,%d) out of order with code end %d and its fence %+v",
					c.Number, o.Start, o.End, c.Code.End, o.Fence)
			}
			marker := strings.TrimLeft(string(src[o.Start:o.Fence.Start]), " ")
			if !strings.HasPrefix(marker, "Out ["+strconv.Itoa(c.Number)+"]:") {
				t.Fatalf("In [%d]: output span starts with %q", c.Number, marker)
			}
			if first := strings.Fields(o.Fence.Info); len(first) == 0 || first[0] != "text" {
				t.Fatalf("Out [%d]: info %q does not start with text", c.Number, o.Fence.Info)
			}
			if line, what := swallows(o.Fence.Marker, o.Fence.Text(src), false); line != 0 {
				t.Fatalf("Out [%d] returned, though its body runs into %s at its line %d", c.Number, what, line)
			}
			prevEnd = o.End
		}
	})
}

// checkFence checks that f lies inside src, in order, and that its opening line is Indent, Marker and Info.
func checkFence(t *testing.T, f Fence, src []byte) {
	t.Helper()
	n := len(src)
	if !(0 <= f.Start && f.Start < f.Body && f.Body <= f.BodyEnd && f.BodyEnd <= f.End && f.End <= n) {
		t.Fatalf("fence offsets out of order or outside the source (size %d): %+v", n, f)
	}
	if f.Start > 0 && src[f.Start-1] != '\n' && !(f.Start == 3 && string(src[:3]) == "\ufeff") {
		t.Fatalf("fence does not start a line: %+v", f)
	}
	if f.Body > 0 && src[f.Body-1] != '\n' {
		t.Fatalf("fence body does not start a line: %+v", f)
	}
	if len(f.Marker) < 3 || strings.Trim(f.Marker, f.Marker[:1]) != "" {
		t.Fatalf("marker %q is not a run of at least 3 fence characters", f.Marker)
	}
	if !bytes.HasPrefix(src[f.Start:], []byte(f.Indent+f.Marker)) || len(f.Indent) > 3 || strings.Trim(f.Indent, " ") != "" {
		t.Fatalf("opening line %q does not start with indent %q and marker %q", src[f.Start:f.Body], f.Indent, f.Marker)
	}
	if f.InfoStart < f.Start || f.InfoStart+len(f.Info) > f.Body || string(src[f.InfoStart:f.InfoStart+len(f.Info)]) != f.Info {
		t.Fatalf("info %q is not at offset %d: %+v", f.Info, f.InfoStart, f)
	}
	closing := bytes.TrimLeft(src[f.BodyEnd:f.End], " ")
	if !bytes.HasPrefix(closing, []byte(f.Marker)) {
		t.Fatalf("closing line %q does not close %q", src[f.BodyEnd:f.End], f.Marker)
	}
}

// checkErrors checks that err joins positioned problems inside src, in position order. (That each message is
// one line is TestParseErrorMessagesAreOneLine's business.)
func checkErrors(t *testing.T, err error, src []byte) {
	t.Helper()
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error is not a join: %#v", err)
	}
	lines := bytes.Count(src, []byte("\n")) + 1
	var prev Pos
	for _, e := range j.Unwrap() {
		pe, ok := e.(*Error)
		if !ok {
			t.Fatalf("%T is not an *Error: %v", e, e)
		}
		p := pe.Pos
		if pe.File != "f.md" || p.Line < 1 || p.Line > lines || p.Col < 1 || pe.Msg == "" {
			t.Fatalf("problem %q outside the file (%d lines) or without a message", pe, lines)
		}
		if !strings.HasPrefix(pe.Error(), "f.md:"+p.String()+": ") {
			t.Fatalf("problem %q does not start with its position", pe)
		}
		if p.Line < prev.Line || p.Line == prev.Line && p.Col < prev.Col {
			t.Fatalf("problems out of order:\n%v", err)
		}
		prev = p
	}
}

// markerLine matches a line that is a well-formed marker, possibly after block quote and list markers.
var markerLine = regexp.MustCompile(`^(?:[ \t]*(?:>|[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$))*[ \t]*(?:In|Out) \[[1-9][0-9]*\]:[ \t]*\r?$`)

// checkNoHiddenMarker checks, of a lesson Parse accepted, that every line written as a well-formed marker (in a
// list or block quote too) is the marker of a cell or an output Parse returned, or lies in the front matter or
// in the body of a fenced code block: no cell was dropped silently. Fence bodies are found by goldmark, not by
// asking the parser.
func checkNoHiddenMarker(t *testing.T, l *Lesson) {
	t.Helper()
	known := map[int]bool{} // lines, from 1, of the markers Parse returned
	for _, c := range l.Cells {
		known[c.Pos.Line] = true
		if c.Out != nil {
			known[c.Out.Pos.Line] = true
		}
	}
	table := newLineTable(l.Source)
	fenced := map[int]bool{} // lines, from 0, of fence bodies
	_ = ast.Walk(goldmarkParser.Parse(text.NewReader(Markdown(l.Source))), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*ast.FencedCodeBlock); ok && entering {
			for i := 0; i < b.Lines().Len(); i++ {
				fenced[table.line(b.Lines().At(i).Start)] = true
			}
		}
		return ast.WalkContinue, nil
	})
	front := table.line(frontMatterEnd(l.Source))
	if frontMatterEnd(l.Source) == 0 {
		front = 0
	}
	for i, line := range bytes.Split(l.Source[bomLen(l.Source):], []byte("\n")) {
		if i < front || fenced[i] || known[i+1] || !markerLine.Match(line) {
			continue
		}
		t.Fatalf("line %d, %q, is a marker, but Parse returned no cell or output for it and no error", i+1, line)
	}
}
