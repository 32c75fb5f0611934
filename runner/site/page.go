package site

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"classnotes/runner/lesson"
)

// Cell is what a page shows of a cell's run.
type Cell struct {
	Raw    []byte  // what the program printed, with its escape sequences; nil to show the recorded text
	Badges []Badge // how the run went
}

// Badge is a short label on a cell: its text and its kind, one of "ok", "fail", "info". Its JSON form,
// {"text":…,"kind":…}, is what a served page reads.
type Badge struct {
	Text string `json:"text"`
	Kind string `json:"kind"`
}

// Page is one lesson to render.
type Page struct {
	Lesson *lesson.Lesson
	Cells  map[int]*Cell     // by cell number; a cell without an entry shows its recorded output
	Links  map[string]string // lesson file name (class16.md) to page file name (class16.html)
	Serve  *Serve            // nil for the static site
}

// Title returns a lesson's title: its front matter's, else its first heading's text, else its file name.
func Title(l *lesson.Lesson) string {
	if l.Front.Title != "" {
		return l.Front.Title
	}
	src := lesson.Markdown(l.Source)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			return plainText(h, src)
		}
	}
	return strings.TrimSuffix(path.Base(l.Path), ".md")
}

func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// WritePage writes the HTML page of p.
func WritePage(w io.Writer, p *Page) error {
	src := lesson.Markdown(p.Lesson.Source)
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(&transformer{page: p}, 100))),
		goldmark.WithRendererOptions(html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{page: p}, 100))),
	)
	var body bytes.Buffer
	if err := md.Convert(src, &body); err != nil {
		return fmt.Errorf("%s: %w", p.Lesson.Path, err)
	}
	data := pageData{Title: Title(p.Lesson), CSS: stylesheet(), Body: body.String(), Serve: p.Serve}
	if p.Serve != nil {
		data.CSS += serveCSS
		data.Script = serveScript
	}
	return pageTemplate.Execute(w, data)
}
