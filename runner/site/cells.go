package site

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
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
		if l, ok := n.(*ast.Link); ok && entering {
			l.Destination = []byte(t.relink(string(l.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

// relink points a relative link to another lesson at that lesson's page.
func (t *transformer) relink(dest string) string {
	u, err := url.Parse(dest)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasSuffix(u.Path, ".md") {
		return dest
	}
	page, ok := t.page.Links[path.Base(u.Path)]
	if !ok {
		return dest
	}
	u.Path = path.Join(path.Dir(u.Path), page)
	return u.String()
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
