package jupyter

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"classnotes/runner/lesson"
)

// A Markdown cell is the notebook author's prose; in the lesson it must stay prose, render as Jupyter renders
// it, and leave the cells after it alone. Jupyter renders each cell on its own, so a fence or an HTML comment
// left open ends with its cell; and text that reads as lesson structure is only text there: a marker (In [3]:,
// which a lesson reads as a cell, or refuses as one it cannot read), front matter. prose makes each of these
// plain, and checks the result with the lesson parser itself, followed by a cell: what it lets through is prose
// and leaves that cell a cell. Which lines read as markers is the parser's rule alone (lesson's doc.go); prose
// writes each line it reports as code, as that rule says text is written.

// sentinel is the cell that prose puts after a Markdown cell to check that the cell leaves it alone.
const sentinel = "\n\nIn [1]:\n\n```go\n```\n"

// markdownParser is the Markdown parser of package lesson: goldmark's defaults, CommonMark.
var markdownParser = goldmark.DefaultParser()

// htmlClosers are the lines that close an HTML block of types 2 to 5 (CommonMark 4.6); type 1 closes with the
// end tag of its start tag.
var htmlClosers = map[ast.HTMLBlockType]string{ast.HTMLBlockType2: "-->", ast.HTMLBlockType3: "?>", ast.HTMLBlockType4: ">", ast.HTMLBlockType5: "]]>"}

var htmlType1 = regexp.MustCompile(`(?i)^ {0,3}<(script|pre|style|textarea)`)

// errOpen is the error for a Markdown cell that prose cannot make leave the cells after it alone.
var errOpen = errors.New("the Markdown leaves a block open that would swallow the cells after it")

// prose returns a Markdown cell's text as the lesson holds it: line endings made LF (a lone CR is a line
// ending in CommonMark), byte-order marks at its start removed, and
//   - front matter on its first lines (---, YAML, ---) started with *** instead, the same thematic break;
//   - a fence or an HTML block left open at its end closed there;
//   - every line that the lesson parser reads as a marker, in a paragraph, a list item, a block quote, a
//     heading or an HTML comment, written as a code span: `In [1]:`.
//
// Errors name the line of the cell: what a lesson refuses and prose does not change, such as a marker in an
// indented code block or a fence whose body holds a fence opener with an info string.
func prose(md string) (string, error) {
	md = lineFeeds(md)
	body := strings.TrimLeft(md, "\n\ufeff")
	lead := strings.Repeat("\n", strings.Count(md[:len(md)-len(body)], "\n")) // so that errors count the cell's lines
	if fm := []byte(body); !bytes.Equal(lesson.Markdown(fm), fm) {
		body = "***" + body[len("---"):]
	}
	body, err := closeBlock(body)
	if err != nil {
		return "", err
	}
	for range 10 { // each round writes lines as code that the next one no longer reports
		l, err := lesson.Parse("cell.md", []byte(lead+body+sentinel))
		if err == nil && len(l.Cells) == 1 {
			return body, nil
		}
		var changed bool
		if body, changed = asCode(body, len(lead), markers(l, err)); changed {
			continue
		}
		if err != nil {
			return "", errors.New(problems(err, true))
		}
		return "", errOpen
	}
	return "", errOpen
}

// closeBlock closes the block that md leaves open at its end, if any.
func closeBlock(md string) (string, error) {
	src := []byte(md + "\n\nx\n") // a paragraph after md shows whether md leaves a block open
	doc := markdownParser.Parse(text.NewReader(src))
	closer, err := closing(src, len(md), doc.LastChild())
	if closer != "" {
		md += "\n" + closer
	}
	return md, err
}

// closing returns the line that closes last, the last top-level block of src, when it is left open by the
// text before offset end; "" when it is closed.
func closing(src []byte, end int, last ast.Node) (string, error) {
	switch b := last.(type) {
	case *ast.Paragraph:
		if b.Lines().Len() > 0 && b.Lines().At(0).Start >= end {
			return "", nil
		}
	case *ast.FencedCodeBlock:
		if at := b.Pos(); at >= 0 && at < end {
			line := src[at:]
			n := 0
			for n < len(line) && line[n] == line[0] {
				n++
			}
			return indentAt(src, at) + string(line[:n]), nil
		}
	case *ast.HTMLBlock:
		if b.Lines().Len() == 0 {
			break
		}
		first := b.Lines().At(0)
		indent := indentAt(src, first.Start+len(first.Value(src))-len(bytes.TrimLeft(first.Value(src), " ")))
		if closer, ok := htmlClosers[b.HTMLBlockType]; ok {
			return indent + closer, nil
		}
		if m := htmlType1.FindSubmatch(src[first.Start:first.Stop]); b.HTMLBlockType == ast.HTMLBlockType1 && m != nil {
			return indent + "</" + strings.ToLower(string(m[1])) + ">", nil
		}
	}
	return "", errOpen
}

// indentAt returns the spaces before offset at on its line: a closing line indented as its block's opening
// line stays in the block even when a list item holds it.
func indentAt(src []byte, at int) string {
	start := bytes.LastIndexByte(src[:at], '\n') + 1
	if indent := src[start:at]; len(bytes.Trim(indent, " ")) == 0 {
		return string(indent)
	}
	return ""
}

// problems returns the messages of the lesson parser's errors on one line, each with its line when lines is set.
func problems(err error, lines bool) string {
	var msgs []string
	var walk func(error)
	walk = func(err error) {
		if le, ok := err.(*lesson.Error); ok && lines {
			msgs = append(msgs, fmt.Sprintf("line %d: %s", le.Pos.Line, le.Msg))
		} else if ok {
			msgs = append(msgs, le.Msg)
		} else if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		} else {
			msgs = append(msgs, err.Error())
		}
	}
	walk(err)
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(strings.Join(msgs, "; "))
}

// lineFeeds returns s with CRLF and lone CR line endings made LF.
func lineFeeds(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// markers returns the positions of the lines that the lesson parser reported as markers in l or err: the
// cells and outputs it read, and its errors, which include lines that read as markers where it reads none.
func markers(l *lesson.Lesson, err error) []lesson.Pos {
	var at []lesson.Pos
	if l != nil {
		for _, c := range l.Cells {
			at = append(at, c.Pos)
			if c.Out != nil {
				at = append(at, c.Out.Pos)
			}
		}
	}
	var walk func(error)
	walk = func(err error) {
		if le, ok := err.(*lesson.Error); ok {
			at = append(at, le.Pos)
		} else if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return at
}

// asCode writes as a code span, from the position to the end of its line, each line of md at one of the
// positions (of md preceded by lead line feeds) that reads as a marker, where a code span is text that
// renders: a paragraph, list item, block quote or heading, or an HTML comment, which does not render at all.
// It reports whether it changed md.
func asCode(md string, lead int, at []lesson.Pos) (string, bool) {
	starts := []int{0}
	for i := range len(md) {
		if md[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	inline := inlineLines(md, starts)
	first := map[int]int{} // by line: the first position on it that reads as a marker
	for _, p := range at {
		line := p.Line - 1 - lead
		if line < 0 || line >= len(starts) || !inline[line] {
			continue
		}
		off := starts[line] + p.Col - 1
		if prev, ok := first[line]; (!ok || off < prev) && off < len(md) && lesson.MayBeMarker(lineAt(md, off)) {
			first[line] = off
		}
	}
	if len(first) == 0 {
		return md, false
	}
	offs := slices.Sorted(maps.Values(first))
	var b strings.Builder
	prev := 0
	for _, off := range offs {
		t := strings.TrimRight(lineAt(md, off), " \t")
		b.WriteString(md[prev:off])
		b.WriteString(codeSpan(t))
		prev = off + len(t)
	}
	b.WriteString(md[prev:])
	return b.String(), true
}

// lineAt returns the rest of the line of md that starts at off.
func lineAt(md string, off int) string {
	line, _, _ := strings.Cut(md[off:], "\n")
	return line
}

// inlineLines reports, by line, whether a code span on the line is text: the line belongs to a paragraph, a
// heading or an HTML comment.
func inlineLines(md string, starts []int) map[int]bool {
	src := []byte(md)
	inline := map[int]bool{}
	mark := func(lines *text.Segments) {
		for i := range lines.Len() {
			inline[sort.SearchInts(starts, lines.At(i).Start+1)-1] = true
		}
	}
	_ = ast.Walk(markdownParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch b := n.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			if entering {
				mark(n.Lines())
			}
		case *ast.HTMLBlock:
			if entering && b.HTMLBlockType == ast.HTMLBlockType2 {
				mark(b.Lines())
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return inline
}

// codeSpan returns t as a code span, its backtick strings longer than any run of backticks in t.
func codeSpan(t string) string {
	longest, run := 0, 0
	for i := range len(t) {
		if t[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	ticks := strings.Repeat("`", longest+1)
	if strings.HasPrefix(t, "`") || strings.HasSuffix(t, "`") {
		return ticks + " " + t + " " + ticks
	}
	return ticks + t + ticks
}
