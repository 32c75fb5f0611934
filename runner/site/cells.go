package site

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"classnotes/runner/lesson"
)

// KindCell is the kind of a CellNode.
var KindCell = ast.NewNodeKind("Cell")

// CellNode is a cell of the lesson, In [N] with its code and Out [N] with its output, as one block. It takes
// the place of the marker paragraphs and fenced blocks that make up the cell in the Markdown.
type CellNode struct {
	ast.BaseBlock
	Cell *lesson.Cell
	Code []byte // the program as shown, without the fence's indentation
}

// Kind implements ast.Node.
func (n *CellNode) Kind() ast.NodeKind { return KindCell }

// Dump implements ast.Node.
func (n *CellNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Number": strconv.Itoa(n.Cell.Number)}, nil)
}

// transformer replaces each cell's blocks by a CellNode and points links between lessons at their pages.
type transformer struct {
	page *Page
}

func (t *transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	byInfo := map[int]*lesson.Cell{}
	for _, c := range t.page.Lesson.Cells {
		byInfo[c.Code.InfoStart] = c
	}
	var cells []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if fb, ok := n.(*ast.FencedCodeBlock); ok && fb.Info != nil && byInfo[fb.Info.Segment.Start] != nil {
			cells = append(cells, n)
		}
	}
	for _, n := range cells {
		c := byInfo[n.(*ast.FencedCodeBlock).Info.Segment.Start]
		node := &CellNode{Cell: c, Code: lines(n, src)}
		if marker := n.PreviousSibling(); marker != nil {
			doc.RemoveChild(doc, marker)
		}
		if c.Out != nil {
			for range 2 { // the Out [N]: paragraph and its text block
				if next := n.NextSibling(); next != nil {
					doc.RemoveChild(doc, next)
				}
			}
		}
		doc.ReplaceChild(doc, n, node)
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch l := n.(type) {
		case *ast.Link:
			if entering {
				l.Destination = []byte(t.relink(string(l.Destination)))
			}
		case *ast.Image:
			if entering {
				l.Destination = []byte(t.relink(string(l.Destination)))
			}
		}
		return ast.WalkContinue, nil
	})
}

// relink points a relative link to another lesson at that lesson's page, and one to another file of the
// course at that file as seen from the page (Page.Files).
func (t *transformer) relink(dest string) string {
	u, page, file := classify(dest, t.page.Links)
	switch {
	case page != "":
		u.Path = page // every page is in one directory, whatever directories the lessons are in
	case file && t.page.Files != "":
		u.Path = path.Join(t.page.Files, u.Path)
	default:
		return dest
	}
	return u.String()
}

// classify says where a link of a lesson's prose leads: to the page of another lesson named in links (page),
// to another file by a path relative to the lesson's directory (file), or elsewhere (another site, an anchor
// of the page itself, a path from the root of a server), where it is left as it is. u is dest parsed.
func classify(dest string, links map[string]string) (u *url.URL, page string, file bool) {
	u, err := url.Parse(dest)
	if err != nil || u.IsAbs() || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return u, "", false
	}
	// The cleaned path: a.md/, ./a.md/. and sub/../a.md name the lesson a.md as a.md does, so they lead to
	// its page, never to the lesson's Markdown as a file (FileLinks cleans what it lists: a.md/ as a file
	// would be a.md, the lesson with its recorded outputs, served while its notes are hidden). The name's case
	// is kept: a page is found by the lesson's exact name on every system, so that a site is the same wherever
	// it is drawn; runner serve refuses a lesson as a file, whatever name a case-insensitive system finds it by.
	clean := path.Clean(u.Path)
	if page, ok := links[path.Base(clean)]; ok && strings.HasSuffix(clean, ".md") {
		return u, page, false
	}
	return u, "", true
}

// FileLinks returns the files that the relative links and images of lesson l's prose lead to, other than the
// lessons named in links (lesson file name to page, as Page.Links): their paths relative to the lesson's
// directory, slash-separated and cleaned (they may start with ".."), each once. runner serve serves these.
func FileLinks(l *lesson.Lesson, links map[string]string) []string {
	src := lesson.Markdown(l.Source)
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser().Parse(text.NewReader(src))
	seen := map[string]bool{}
	var found []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		var dest []byte
		switch l := n.(type) {
		case *ast.Link:
			dest = l.Destination
		case *ast.Image:
			dest = l.Destination
		}
		if !entering || dest == nil {
			return ast.WalkContinue, nil
		}
		if u, _, file := classify(string(dest), links); file && !seen[path.Clean(u.Path)] {
			seen[path.Clean(u.Path)] = true
			found = append(found, path.Clean(u.Path))
		}
		return ast.WalkContinue, nil
	})
	return found
}

// lines returns the content of a block's lines.
func lines(n ast.Node, src []byte) []byte {
	var b []byte
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b = append(b, seg.Value(src)...)
	}
	return b
}
