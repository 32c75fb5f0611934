package lesson

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Lesson is a parsed lesson file.
type Lesson struct {
	Path   string // as given to Parse; used in error messages
	Source []byte // the file's bytes, untouched
	EOL    string // the file's line ending: "\n" or "\r\n"
	Front  *FrontMatter
	Cells  []*Cell
}

// Cell is an In [N]: marker and its Go code block.
type Cell struct {
	Number int
	Pos    Pos // position of the marker
	Code   Fence
	Attrs  Attrs
	Out    *OutBlock // the recorded output, nil when there is none
}

// OutBlock is a recorded Out [N]: marker and its text block.
type OutBlock struct {
	Pos   Pos   // position of the marker
	Start int   // offset of the marker's line
	End   int   // offset of the end of the block's closing fence line, before its line ending
	Fence Fence // the text block
	// Fingerprint is the fp= word of the block's info string: a short fingerprint of the code that made the
	// output. It is "" when there is none.
	Fingerprint string
	// Want is the want= word of an exercise's expected output in a student's handout: the SHA-256, in hex, of
	// the expected output as normalised for comparison. The block then holds the expected output (or, with hide,
	// a line saying it is hidden), which the runner never replaces. It is "" in the teacher's notes.
	Want string
}

// Fence is a fenced code block, located by byte offsets into the lesson.
type Fence struct {
	Start     int    // offset of the opening fence line
	Body      int    // offset of the first line after the opening fence line
	BodyEnd   int    // offset of the closing fence line (the end of the body)
	End       int    // end of the closing fence line, before its line ending
	Indent    string // indentation of the opening fence
	Marker    string // the fence characters of the opening line, such as ``` or ~~~~
	Info      string
	InfoStart int
}

// Text returns the fence body as written.
func (f Fence) Text(src []byte) []byte { return src[f.Body:f.BodyEnd] }

// Recorded returns the recorded output's text, from the lesson's source src, with LF line endings: as the
// runner compares and shows it, whatever the lesson's own line ending.
func (o *OutBlock) Recorded(src []byte) string {
	return strings.ReplaceAll(string(o.Fence.Text(src)), "\r\n", "\n")
}

// Cell returns the cell numbered n, or nil.
func (l *Lesson) Cell(n int) *Cell {
	for _, c := range l.Cells {
		if c.Number == n {
			return c
		}
	}
	return nil
}

// Pos returns the position of byte offset off in the lesson.
func (l *Lesson) Pos(off int) Pos { return newLineTable(l.Source).pos(off) }

type parser struct {
	file     string
	src      []byte
	lines    *lineTable
	errs     errorList
	unclosed map[int]bool // fences already reported as unclosed, by offset
}

// Parse parses the lesson src read from file. The error, if any, lists every problem found, sorted by position.
func Parse(file string, src []byte) (*Lesson, error) {
	p := &parser{file: file, src: src, lines: newLineTable(src), unclosed: map[int]bool{}}
	if !utf8.Valid(src) {
		off := invalidUTF8(src)
		p.errs.add(file, p.lines.pos(off), "lesson is not valid UTF-8 (byte 0x%02x)", src[off])
		return nil, p.errs.err()
	}
	l := &Lesson{Path: file, Source: src, EOL: lineEnding(src)}
	l.Front = p.frontMatter(frontMatterEnd(src))
	doc := goldmarkParser.Parse(text.NewReader(Markdown(src)))
	p.walk(l, doc)
	p.hiddenMarkers(doc)
	return l, p.errs.err()
}

var goldmarkParser = gmparser.NewParser(gmparser.WithBlockParsers(gmparser.DefaultBlockParsers()...),
	gmparser.WithInlineParsers(gmparser.DefaultInlineParsers()...),
	gmparser.WithParagraphTransformers(gmparser.DefaultParagraphTransformers()...))

// walk finds the cells and outputs among the document's top-level blocks.
func (p *parser) walk(l *Lesson, doc ast.Node) {
	first := map[int]*Cell{}
	broken := map[int]bool{} // cells not returned because their code block seems unclosed, by number
	type pending struct {
		n   int
		pos Pos
	}
	var stray []pending
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch b := n.(type) {
		case *ast.FencedCodeBlock:
			p.plainFence(b)
		case *ast.Paragraph:
			kind, num, off, ok := p.marker(b)
			if !ok {
				continue
			}
			pos := p.lines.pos(off)
			if kind == "In" {
				c, writable := p.cell(num, pos, b)
				if c == nil {
					continue
				}
				if prev := first[num]; prev != nil {
					p.errs.add(p.file, pos, "In [%d]: duplicate cell number (also at line %d)", num, prev.Pos.Line)
					continue
				}
				first[num] = c
				if writable {
					l.Cells = append(l.Cells, c)
				} else {
					broken[num] = true
				}
				n = n.NextSibling() // the code block
				continue
			}
			out := p.output(num, pos, off, b)
			if out == nil {
				continue
			}
			if k := len(l.Cells); k > 0 && l.Cells[k-1].Number == num && l.Cells[k-1].Out == nil &&
				isCode(n.PreviousSibling(), l.Cells[k-1]) {
				l.Cells[k-1].Out = out
			} else if !broken[num] { // the cell's own problem is reported already
				stray = append(stray, pending{num, pos})
			}
			n = n.NextSibling()
		}
	}
	for _, s := range stray {
		if c := first[s.n]; c != nil {
			p.errs.add(p.file, s.pos, "Out [%d]: must come right after the code block of In [%d] (line %d)", s.n, s.n, c.Pos.Line)
		} else {
			p.errs.add(p.file, s.pos, "Out [%d]: there is no cell In [%d]", s.n, s.n)
		}
	}
}

// plainFence checks a top-level fenced code block that belongs to no cell and no output: it must be closed,
// and its body must not have swallowed a fence that would have closed it.
func (p *parser) plainFence(b *ast.FencedCodeBlock) {
	f, ok := p.fence(b)
	if !ok || p.unclosed[f.Start] {
		return
	}
	if f.BodyEnd == len(p.src) && !p.closed(f) {
		p.errs.add(p.file, p.lines.pos(f.Start), "unclosed fence %s: it runs to the end of the file", f.Marker)
		return
	}
	if what, ok := p.swallowed(f, false); ok {
		p.errs.add(p.file, p.lines.pos(f.Start), "this %s fence seems unclosed: its body runs into %s", f.Marker, what)
	}
}

// isCode reports whether block n is the code block of cell c.
func isCode(n ast.Node, c *Cell) bool {
	b, ok := n.(*ast.FencedCodeBlock)
	return ok && b.Info != nil && b.Info.Segment.Start == c.Code.InfoStart
}

// marker reports whether paragraph b is an In [N]: or Out [N]: marker, and returns its kind, number and offset.
// A paragraph that reads as a marker but is not written as one ("In [ 1]:", "In [-1]:", "in [1]:", "In [1]",
// "**In [1]:**") is an error, not prose: the author meant a cell, and a cell that silently is not one would
// never run.
func (p *parser) marker(b *ast.Paragraph) (kind string, num, off int, ok bool) {
	if b.Lines().Len() != 1 {
		return "", 0, 0, false
	}
	seg := b.Lines().At(0)
	line := strings.TrimRight(string(seg.Value(p.src)), " \t\r\n")
	kind, digits, ok := readsAsMarker(line, true)
	if !ok {
		return "", 0, 0, false
	}
	pos := p.lines.pos(seg.Start)
	num, err := strconv.Atoi(digits)
	switch {
	case err != nil || num < 1 || strings.TrimLeft(digits, "0123456789") != "":
		p.errs.add(p.file, pos, "%s [%s]: cell numbers are positive integers", kind, digits)
		return "", 0, 0, false
	case line != kind+" ["+digits+"]:":
		p.errs.add(p.file, pos, "malformed marker %q: write it as %s [%s]:", line, kind, digits)
		return "", 0, 0, false
	}
	return kind, num, seg.Start, true
}

// cell reads the code block after the In [num]: marker b. It returns nil when there is no such block, and
// reports whether the cell may be rewritten: not when its fence seems unclosed (see swallowed).
func (p *parser) cell(num int, pos Pos, b *ast.Paragraph) (*Cell, bool) {
	f, ok := p.markedFence(b, "In", num, pos, "go", "```go code block")
	if !ok {
		return nil, false
	}
	c := &Cell{Number: num, Pos: pos, Code: f, Attrs: p.parseAttrs(f.Info, f.InfoStart)}
	// Only a src= cell's body is the runner's; an inline cell's is checked as any author's fence is.
	if what, ok := p.swallowed(f, c.Attrs.Src != ""); ok {
		p.errs.add(p.file, p.lines.pos(f.Start), "In [%d]: this fence seems unclosed: its body runs into %s", num, what)
		p.unclosed[f.Start] = true
		return c, false
	}
	return c, true
}

// output reads the text block after the Out [num]: marker b.
func (p *parser) output(num int, pos Pos, off int, b *ast.Paragraph) *OutBlock {
	f, ok := p.markedFence(b, "Out", num, pos, "text", "```text block")
	if !ok {
		return nil
	}
	// Not p.swallowed(f, true): a program may print a marker and a fence, and the runner must read back what it
	// writes. A fence that could not close this one it never writes.
	if what, ok := p.swallowed(f, false); ok {
		p.errs.add(p.file, p.lines.pos(f.Start), "Out [%d]: this fence seems unclosed: its body runs into %s", num, what)
		p.unclosed[f.Start] = true
		return nil
	}
	o := &OutBlock{Pos: pos, Start: p.lines.textStart(p.lines.line(off)), End: f.End, Fence: f}
	for _, word := range strings.Fields(f.Info)[1:] {
		if fp, ok := strings.CutPrefix(word, "fp="); ok {
			o.Fingerprint = fp
		}
		if want, ok := strings.CutPrefix(word, "want="); ok {
			o.Want = want
		}
	}
	return o
}

// markedFence returns the closed fence, with an info string starting with lang, that follows the marker
// paragraph b; want describes it in the error when it is missing.
func (p *parser) markedFence(b *ast.Paragraph, kind string, num int, pos Pos, lang, want string) (Fence, bool) {
	fb, _ := b.NextSibling().(*ast.FencedCodeBlock)
	var f Fence
	ok := fb != nil
	if ok {
		f, ok = p.fence(fb)
	}
	if !ok || firstWord(f.Info) != lang {
		p.errs.add(p.file, pos, "%s [%d]: expected a %s after the marker", kind, num, want)
		return f, false
	}
	if !p.closed(f) {
		p.errs.add(p.file, p.lines.pos(f.Start), "%s [%d]: unclosed fence %s", kind, num, f.Marker)
		p.unclosed[f.Start] = true
		return f, false
	}
	return f, true
}

// fence locates the lines of a fenced code block. It reports false only when goldmark gives the block no
// position at all.
func (p *parser) fence(b *ast.FencedCodeBlock) (Fence, bool) {
	var f Fence
	var open int // 0-based line of the opening fence
	switch {
	case b.Info != nil:
		f.Info = string(b.Info.Segment.Value(p.src))
		f.InfoStart = b.Info.Segment.Start
		open = p.lines.line(f.InfoStart)
	case b.Lines().Len() > 0:
		open = p.lines.line(b.Lines().At(0).Start) - 1
	case b.Pos() >= 0: // an empty block without an info string
		open = p.lines.line(b.Pos())
	default:
		return f, false
	}
	f.Start = p.lines.textStart(open)
	opening := p.src[f.Start:p.lines.lineEnd(p.src, open)]
	trimmed := bytes.TrimLeft(opening, " ")
	f.Indent = string(opening[:len(opening)-len(trimmed)])
	f.Marker = string(trimmed[:fenceRun(trimmed)])
	f.Body = p.lines.lineStart(open + 1)
	closing := open + 1 + b.Lines().Len()
	f.BodyEnd = p.lines.lineStart(closing)
	f.End = f.BodyEnd
	if closing < p.lines.lines() {
		f.End = p.lines.lineEnd(p.src, closing)
	}
	return f, true
}

// closed reports whether fence f ends with a closing fence line.
func (p *parser) closed(f Fence) bool {
	line := p.src[f.BodyEnd:f.End]
	trimmed := bytes.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 || len(trimmed) == 0 || trimmed[0] != f.Marker[0] {
		return false
	}
	n := fenceRun(trimmed)
	return n >= len(f.Marker) && len(bytes.Trim(trimmed[n:], " \t")) == 0
}

// fenceRun returns the length of the run of fence characters that starts line.
func fenceRun(line []byte) int {
	n := 0
	for n < len(line) && line[n] == line[0] && (line[0] == '`' || line[0] == '~') {
		n++
	}
	return n
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// lineEnding returns the line ending of the file's first line, "\n" when it has none.
func lineEnding(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// Markdown returns the lesson's Markdown as a Markdown parser should see it: src with its front matter, if any,
// turned into blank lines and a byte-order mark, if any, into line feeds, so that offsets into it are offsets
// into src. (Blank lines before the first block change nothing in Markdown; spaces would indent it.)
func Markdown(src []byte) []byte {
	end, n := frontMatterEnd(src), bomLen(src)
	if end == 0 && n == 0 {
		return src
	}
	out := bytes.Clone(src)
	for i := 0; i < end; i++ {
		if out[i] != '\n' && out[i] != '\r' {
			out[i] = ' '
		}
	}
	for i := end; i < n; i++ {
		out[i] = '\n'
	}
	return out
}

// Header returns the length of what comes before a lesson's Markdown, the bytes Markdown blanks: its byte-order
// mark and its front matter, with the front matter's closing line.
func Header(src []byte) int { return max(frontMatterEnd(src), bomLen(src)) }

// frontMatterEnd returns the offset just past the closing line of the front matter, or 0 when there is none.
// Front matter starts on the first line, after the byte-order mark if there is one.
func frontMatterEnd(src []byte) int {
	first, rest, ok := bytes.Cut(src[bomLen(src):], []byte("\n"))
	if !ok || string(bytes.TrimRight(first, "\r")) != "---" {
		return 0
	}
	off := bomLen(src) + len(first) + 1
	for len(rest) > 0 {
		line, next, found := bytes.Cut(rest, []byte("\n"))
		off += len(line)
		if found {
			off++
		}
		if s := string(bytes.TrimRight(line, "\r")); s == "---" || s == "..." {
			return off
		}
		rest = next
	}
	return 0
}

// invalidUTF8 returns the offset of the first byte that is not valid UTF-8.
func invalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(src)
}
