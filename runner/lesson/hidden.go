package lesson

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Why the rule in doc.go ("Markers the reader cannot see") is what it is. A marker that Markdown does not
// give Parse as a top-level paragraph of its own is a cell that is never run, and check then passes on notes
// that nobody checked. Nothing tells such a line from a deliberate one: a teacher who comments a cell out, a
// teacher who forgot the blank line before a marker or indented it into a list, and an editor that wrote
// "**In [1]:**" all leave the same bytes. So every line outside fenced code blocks and ATX headings that reads
// as a marker, and is not one, is an error; a teacher who means it as text says so with a code span, a fenced
// block or more words on the line. Lines that do not stand alone (in a paragraph of several lines) count only
// when they read exactly as a marker but for emphasis, so that hard-wrapped prose ending a line with "in [1]"
// stays prose. An HTML block that a missing end swallows to the end of the file is reported whatever it
// hides, as an unclosed fence is.

// nearMarker matches a line standing alone that a reader would take for a marker: looseMarker with In or Out
// in any case and the colon optional. Emphasis and backslash escapes are removed before it is matched.
var nearMarker = regexp.MustCompile(`^(?i:(in|out))[ \t]*\[[ \t]*((?:[-+]?[0-9][^\]\s]*)?)[ \t]*\][ \t]*:?$`)

// inlineHTML matches an HTML comment or tag within a line, which a reader of the rendered lesson does not see.
var inlineHTML = regexp.MustCompile(`<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)

// withoutMarkup returns line without what readsAsMarker ignores: inline HTML, the characters of emphasis, the backslash of
// escapes ("**In [1]:**", "In \[1\]:") and the invisible characters that text pasted from elsewhere brings
// (format characters such as a zero-width space or a byte-order mark are dropped; every space separator, a
// no-break or an en space, counts as a space). A code span ("`In [1]:`") is kept: it is how an author writes
// a marker as text.
func withoutMarkup(line string) string {
	line = inlineHTML.ReplaceAllString(line, "") // what a reader sees: "<span>In [1]:</span>", "In [1]: <!-- x -->"
	return strings.Map(func(r rune) rune {
		switch {
		case r == '*' || r == '_' || r == '\\' || unicode.Is(unicode.Cf, r):
			return -1
		case unicode.Is(unicode.Zs, r):
			return ' '
		}
		return r
	}, line)
}

// mayBeMarker matches the start of a line, as withoutMarkup leaves it, that may read as a marker.
var mayBeMarker = regexp.MustCompile(`^(?i:in|out)[ \t]*\[`)

// MayBeMarker reports whether line starts as a marker would once read as a reader sees it (inline HTML,
// emphasis, escapes and invisible characters left out, see withoutMarkup): In or Out in any case, then a
// bracket. An importer that rewrites the lines Parse reports uses it to tell a line reported because it reads
// as a marker from one reported for another reason: the rule stays this package's.
func MayBeMarker(line string) bool {
	return mayBeMarker.MatchString(strings.TrimLeft(withoutMarkup(line), " \t"))
}

// readsAsMarker reports whether line reads as a cell marker, well-formed or not, and returns its kind ("In" or
// "Out") and the text between its brackets. A line standing alone is matched with nearMarker, any other with
// looseMarker.
func readsAsMarker(line string, alone bool) (kind, digits string, ok bool) {
	s := strings.Trim(withoutMarkup(line), " \t\r\n")
	re := looseMarker
	if alone {
		re = nearMarker
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	kind = "In"
	if strings.EqualFold(m[1], "out") {
		kind = "Out"
	}
	return kind, m[2], true
}

// hiddenMarkers reports every line of the document that reads as a marker where Parse does not read markers:
// in a list item, a block quote, an HTML block, an indented code block, a Setext heading, a link reference
// definition or a paragraph of several lines. Top-level paragraphs of one line are marker's business; fenced code blocks and ATX headings
// are never looked into. It also reports a top-level HTML block that runs to the end of the file.
func (p *parser) hiddenMarkers(doc ast.Node) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch b := n.(type) {
		case *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock:
			p.markerLines(b.Lines(), true, "is in an indented code block, where no cell is read: "+
				"a marker is indented by at most 3 spaces; to show it as code, use a fenced block")
		case *ast.HTMLBlock:
			p.htmlBlock(b, b.Parent() == doc)
		case *ast.Heading:
			if lines := b.Lines(); lines.Len() > 0 && !p.atx(lines.At(0)) {
				p.markerLines(lines, lines.Len() == 1, "is part of a heading (the === or --- line under it "+
					"makes it one): separate the marker from the lines around it with blank lines")
			}
		case *ast.Paragraph, *ast.TextBlock:
			p.textMarkers(n, n.Parent() == doc)
		case *ast.LinkReferenceDefinition: // its quoted title may run over several lines
			p.markerLines(b.Lines(), false, "is part of a link reference definition ([label]: URL \"title\"): "+
				"separate the marker from it with a blank line")
		}
		return ast.WalkContinue, nil
	})
}

// textMarkers reports the lines of paragraph (or text block) n that read as markers, unless n is a top-level
// paragraph of one line, which marker reads.
func (p *parser) textMarkers(n ast.Node, top bool) {
	lines := n.Lines()
	if top && lines.Len() == 1 {
		return
	}
	why := "is not a paragraph of its own: separate it from the text around it with blank lines"
	if where := container(n); where != "" {
		why = "is inside " + where + ", where no cell is read: a marker stands alone at the left margin, " +
			"outside lists and block quotes"
	}
	p.markerLines(lines, lines.Len() == 1, why)
}

// container names the innermost list item or block quote that holds n, or returns "" when there is none.
func container(n ast.Node) string {
	for n = n.Parent(); n != nil; n = n.Parent() {
		switch n.(type) {
		case *ast.ListItem:
			return "a list item"
		case *ast.Blockquote:
			return "a block quote"
		}
	}
	return ""
}

// atx reports whether the heading whose first line is seg is an ATX heading ("# Title"): a # stands before
// its text on the line. Only container markers (>, list bullets) stand before a Setext heading's text.
func (p *parser) atx(seg text.Segment) bool {
	start := p.lines.lineStart(p.lines.line(seg.Start))
	return bytes.IndexByte(p.src[start:seg.Start], '#') >= 0
}

// markerLines reports each of lines that reads as a marker, saying why it is none: "%q reads as a cell
// marker but " + why. Lines are matched as standing alone when alone is true.
func (p *parser) markerLines(lines *text.Segments, alone bool, why string) {
	for i := 0; i < lines.Len(); i++ {
		if line, off, ok := p.markerLine(lines.At(i), alone); ok {
			p.errs.add(p.file, p.lines.pos(off), "%q reads as a cell marker but %s", line, why)
		}
	}
}

// markerLine reports whether the line segment seg reads as a marker, and returns it as written, trimmed, and
// the offset of its first character. It reads the source, not the segment's value: goldmark pads a segment
// that starts inside a tab with spaces that are not in the file.
func (p *parser) markerLine(seg text.Segment, alone bool) (string, int, bool) {
	raw := p.src[seg.Start:seg.Stop]
	trimmed := bytes.TrimLeft(raw, " \t")
	line := strings.TrimRight(string(trimmed), " \t\r\n")
	if _, _, ok := readsAsMarker(line, alone); !ok {
		return "", 0, false
	}
	return line, seg.Start + len(raw) - len(trimmed), true
}

// htmlBlock reports the lines of HTML block b that read as markers or, when b is at the top level and runs to
// the end of the file for want of its end (an unclosed "<!--"), b itself, naming the first marker it hides.
func (p *parser) htmlBlock(b *ast.HTMLBlock, top bool) {
	lines := b.Lines()
	if lines.Len() == 0 {
		return
	}
	first := lines.At(0)
	opener, closer := htmlEnds(b.HTMLBlockType, first.Value(p.src))
	what, where := "HTML block", fmt.Sprintf("an HTML block (line %d)", p.lines.line(first.Start)+1)
	fix := "leave a blank line between the HTML and the marker"
	if b.HTMLBlockType == ast.HTMLBlockType2 {
		what, where = "HTML comment", fmt.Sprintf("an HTML comment (line %d)", p.lines.line(first.Start)+1)
	}
	if closer != "" { // a block that ends at a closing string, not at a blank line
		fix = "move the cell out of it, or delete the cell"
	}
	if top && closer != "" && !b.HasClosure() && !htmlClosesOnFirstLine(b.HTMLBlockType, first.Value(p.src), closer) {
		p.unclosedHTML(lines, what, opener, closer)
		return
	}
	p.markerLines(lines, true, "is inside "+where+", where no cell is read: "+fix)
}

// unclosedHTML reports an HTML block, of lines, that runs to the end of the file because no line holds its
// closer, and the first line in it that reads as a marker.
func (p *parser) unclosedHTML(lines *text.Segments, what, opener, closer string) {
	first := lines.At(0)
	raw := p.src[first.Start:first.Stop]
	off := first.Start + len(raw) - len(bytes.TrimLeft(raw, " \t"))
	msg := fmt.Sprintf("unclosed %s: no %q after %q, so it runs to the end of the file", what, closer, opener)
	for i := 0; i < lines.Len(); i++ {
		if line, at, ok := p.markerLine(lines.At(i), true); ok {
			msg += fmt.Sprintf(" and hides %q at line %d", line, p.lines.line(at)+1)
			break
		}
	}
	p.errs.add(p.file, p.lines.pos(off), "%s", msg)
}

// htmlType1 matches the tag that opens an HTML block of type 1 (CommonMark's "<pre", "<script"...).
var htmlType1 = regexp.MustCompile(`(?i)^[ ]{0,3}<(script|pre|style|textarea)`)

// htmlEnds returns what opens and what closes an HTML block of type typ whose first line is first, as
// CommonMark defines them. The closer is "" for the types 6 and 7, which end at a blank line.
func htmlEnds(typ ast.HTMLBlockType, first []byte) (opener, closer string) {
	switch typ {
	case ast.HTMLBlockType1:
		tag := "pre"
		if m := htmlType1.FindSubmatch(first); m != nil {
			tag = strings.ToLower(string(m[1]))
		}
		return "<" + tag, "</" + tag + ">"
	case ast.HTMLBlockType2:
		return "<!--", "-->"
	case ast.HTMLBlockType3:
		return "<?", "?>"
	case ast.HTMLBlockType4:
		return "<!", ">"
	case ast.HTMLBlockType5:
		return "<![CDATA[", "]]>"
	}
	return "", ""
}

// htmlType1Close matches a line that closes an HTML block of type 1.
var htmlType1Close = regexp.MustCompile(`(?i)</(?:script|pre|style|textarea)>`)

// htmlClosesOnFirstLine reports whether the first line of an HTML block of type typ (1 to 5) also closes it,
// as goldmark decides: then the block has no closing line of its own.
func htmlClosesOnFirstLine(typ ast.HTMLBlockType, first []byte, closer string) bool {
	if typ == ast.HTMLBlockType1 {
		return htmlType1Close.Match(first)
	}
	return bytes.Contains(first, []byte(closer))
}
