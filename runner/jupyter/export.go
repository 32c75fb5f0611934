package jupyter

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"classnotes/runner/lesson"
)

// Lesson is what export needs of a lesson: the parsed file and the programs of its src= cells.
type Lesson struct {
	Lesson *lesson.Lesson
	Title  string            // the lesson's title (site.Title)
	Code   map[int][]byte    // by cell number: the program's source (for src= cells, the file's contents)
	Links  map[string]string // lesson file name (class16.md) to notebook file name (class16.ipynb)
}

// GoNB's kernel, as its kernel.json names it.
var kernelspec = map[string]any{"display_name": "Go (gonb)", "language": "go", "name": "gonb"}

// Export returns the notebook of l, the same bytes for the same lesson and programs on every machine: prose as
// Markdown cells split at the lesson's cells (front matter left out, its title kept as a heading), each In [N]
// as a code cell adapted for GoNB, with execution_count N and its recorded output as a stdout stream. What the
// notebook shows differently from the lesson is kept in the metadata (see roundtrip.go), so that Import gives
// the lesson back byte for byte. A *LossyError says where it would not; the notebook is returned with it.
func Export(l *Lesson) ([]byte, error) {
	source := l.Lesson.Source
	lines := lineStarts(source) // of the file: Markdown makes a byte-order mark three line feeds
	name := path.Base(l.Lesson.Path)
	keep := newKeeper(source)
	nb := &Notebook{Cells: []*Cell{}, NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{
		"kernelspec":    kernelspec,
		"language_info": map[string]any{"name": "go", "file_extension": ".go", "mimetype": "text/x-go"},
		"title":         l.Title,
		"classnotes":    keep.notebook,
	}}
	keep.notebook["lesson"] = name
	add := func(c *Cell) {
		c.ID = cellID(name, len(nb.Cells))
		if c.Metadata == nil {
			c.Metadata = map[string]any{}
		}
		nb.Cells = append(nb.Cells, c)
	}
	prose := func(p string) {
		md := trimBlankLines(strings.ReplaceAll(p, "\r\n", "\n")) // notebooks are LF, whatever the lesson's line ending
		if md == "" {
			keep.blank(p)
			return
		}
		heading := ""
		if len(nb.Cells) == 0 && !strings.HasPrefix(strings.TrimLeft(md, " "), "#") && l.Title != "" {
			heading = "# " + l.Title + "\n\n"
		}
		relink(md, l.Links, keep.links) // the links this notebook points at notebooks, for showProse
		c := &Cell{CellType: "markdown", Source: Multiline(showProse(p, heading, keep.links))}
		keep.prose(c, p, heading)
		add(c)
	}
	at := keep.head
	for _, c := range l.Lesson.Cells {
		start := max(lines[c.Pos.Line-1], keep.head) // a marker on the first line, after a byte-order mark
		if start < at {
			return nil, fmt.Errorf("%s: In [%d]: cells out of order", l.Lesson.Path, c.Number)
		}
		prose(string(source[at:start]))
		end := c.Code.End
		if c.Out != nil {
			end = c.Out.End
		}
		at = lineEnd(source, end)
		cell := codeCell(l, c)
		keep.code(cell, c, start, at)
		add(cell)
	}
	prose(string(source[at:]))
	keep.end()
	b, err := nb.Encode()
	if err != nil {
		return nil, err
	}
	return b, keep.check(l.Lesson.Path, b)
}

// codeCell returns cell c as a GoNB code cell.
func codeCell(l *Lesson, c *lesson.Cell) *Cell {
	code, ok := l.Code[c.Number]
	if !ok {
		code = c.Code.Text(l.Lesson.Source)
	}
	code = bytes.ReplaceAll(code, []byte("\r\n"), []byte("\n"))
	clause, at, body := splitPackage(string(code))
	meta := map[string]any{"cell": c.Number}
	if clause != "" {
		meta["package_clause"] = clause
		if at > 0 {
			meta["package_at"] = at
		}
	}
	if attrs := attrText(c.Attrs); attrs != "" {
		meta["attrs"] = attrs
	}
	n := c.Number
	cell := &Cell{CellType: "code", code: true, ExecutionCount: &n, Source: Multiline(trimFinalNewline(body)),
		Metadata: map[string]any{"classnotes": meta}}
	if c.Out != nil {
		m := Multiline(c.Out.Recorded(l.Lesson.Source))
		cell.Outputs = []*Output{{OutputType: "stream", Name: "stdout", Text: &m}}
	}
	forKernel(c, cell)
	return cell
}

// trimFinalNewline removes the line ending of the program's last line, as Jupyter writes a cell, but only when
// it is the only one at the end: import ends a cell's last line again, and must get back the program's own
// blank lines, before a package clause that came last for instance.
func trimFinalNewline(code string) string {
	if strings.HasSuffix(code, "\n\n") {
		return code
	}
	return strings.TrimSuffix(code, "\n")
}

var packageLine = regexp.MustCompile(`^package\s+main\s*(//.*)?$`)

// splitPackage splits a program into its package clause, with the blank lines after it, and the rest. GoNB
// writes its own package clause around a cell's code, so the notebook leaves the lesson's out; comments and
// blank lines before the clause (doc comments, build constraints) stay, and at is the offset in rest where the
// clause was. clause is "" when there is no package main line.
func splitPackage(code string) (clause string, at int, rest string) {
	lines := strings.SplitAfter(code, "\n")
	for i, ln := range lines {
		t := strings.TrimSpace(ln)
		if packageLine.MatchString(t) {
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) == "" && lines[j] != "" {
				j++
			}
			before := strings.Join(lines[:i], "")
			return strings.Join(lines[i:j], ""), len(before), before + strings.Join(lines[j:], "")
		}
		if t != "" && !strings.HasPrefix(t, "//") {
			break
		}
	}
	return "", 0, code
}

// attrText returns a cell's attributes as an info string holds them, without src= (the notebook holds the code
// itself). A value is quoted when it must be: with a space, a quote or a backtick (which a ``` fence's info
// string cannot hold: \x60), or a character that does not print.
func attrText(a lesson.Attrs) string {
	var s []string
	for _, at := range a.List {
		switch {
		case at.Key == "src":
		case at.Bare:
			s = append(s, at.Key)
		case at.Value == "" || strings.ContainsAny(at.Value, " \t\"`") || strings.ContainsFunc(at.Value, notPrint):
			s = append(s, at.Key+"="+strings.ReplaceAll(strconv.Quote(at.Value), "`", `\x60`))
		default:
			s = append(s, at.Key+"="+at.Value)
		}
	}
	return strings.Join(s, " ")
}

func notPrint(r rune) bool { return !strconv.IsPrint(r) }

// mdLink finds Markdown link destinations ending in .md, with an optional #fragment.
var mdLink = regexp.MustCompile(`(\]\(\s*<?)([^()\s<>]*?\.md)(#[^()\s<>]*)?([\s>)])`)

// absoluteURL matches the start of a link that is not a relative path: a scheme (https:, mailto:) or a host
// (//example.com).
var absoluteURL = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*:|//)`)

// relink points links to other lessons at their notebooks; absolute URLs are left as they are, whatever their
// last element. It adds each notebook name it wrote to used, with its lesson's name.
func relink(md string, links, used map[string]string) string {
	return mdLink.ReplaceAllStringFunc(md, func(m string) string {
		g := mdLink.FindStringSubmatch(m)
		nb, ok := links[path.Base(g[2])]
		if !ok || absoluteURL.MatchString(g[2]) {
			return m
		}
		used[nb] = path.Base(g[2])
		return g[1] + path.Join(path.Dir(g[2]), nb) + g[3] + g[4]
	})
}

// trimBlankLines removes the blank lines (spaces only, as front matter leaves) at the start and end of md.
func trimBlankLines(md string) string {
	for {
		i := strings.IndexByte(md, '\n')
		if i < 0 || strings.TrimSpace(md[:i]) != "" {
			break
		}
		md = md[i+1:]
	}
	md = strings.TrimRight(md, " \t\r\n")
	if strings.TrimSpace(md) == "" {
		return ""
	}
	return md
}

// cellID derives a cell's id from the lesson's file name and the cell's index, so that exporting twice gives the
// same bytes.
func cellID(lessonName string, i int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", lessonName, i))
	return hex.EncodeToString(h[:8])
}

// lineStarts returns the offset of the start of every line of src.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineEnd returns the offset just past the line ending at or after off.
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}
