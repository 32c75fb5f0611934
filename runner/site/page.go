package site

import (
	"bytes"
	"fmt"
	"html/template"
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

// Page is one lesson to render.
type Page struct {
	Lesson *lesson.Lesson
	Cells  map[int]*Cell     // by cell number; a cell without an entry shows its recorded output
	Links  map[string]string // lesson file name (class16.md) to page file name (class16.html)
	// Files is the URL, relative to the page or absolute, of the lesson's directory: a relative link or image
	// of the prose to a file that is not a lesson (../data/hosts.txt, figure.png) is resolved against it, so
	// that it leads to the file from the page ("../lessons" for a site beside the lessons). "" leaves such
	// links as they are written.
	Files string
	// Out draws each cell's Out side; nil draws the static site's Out panel.
	Out OutRenderer
	// Extras adds to the page around its content; nil for the static site.
	Extras *Extras
}

// OutRenderer draws what a page shows of a cell beside its code, in place of the static site's Out panel: the
// caller registers it, as goldmark's callers register node renderers (runner serve draws Notes and Live panels
// with it). The page writes the cell's section and its In side; the renderer writes the rest of the section.
type OutRenderer interface {
	// CellAttrs returns the attributes to add to cell c's section element, each after a space, its values
	// escaped.
	CellAttrs(c *lesson.Cell) string
	// WriteOut writes the Out side of cell c. recorded writes what the static site's Out panel holds: the
	// badges and output of the cell's run, or its recorded output.
	WriteOut(w util.BufWriter, c *lesson.Cell, recorded func())
}

// Extras are what a caller adds to a page around its content. The HTML in them is the caller's, trusted as it
// is: the caller escapes what it puts there.
type Extras struct {
	CSS       string            // rules after the site's stylesheet
	BodyAttrs template.HTMLAttr // attributes of the body element, each after a space
	Home      string            // the URL of the link to all lessons; "" for the static site's index
	Top       template.HTML     // after the navigation, before the content
	Bottom    template.HTML     // after the content, at the end of the body
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
	data := pageData{Title: Title(p.Lesson), CSS: stylesheet(), Body: body.String(), Home: IndexPage}
	if e := p.Extras; e != nil {
		data.CSS += e.CSS
		data.Extras = e
		if e.Home != "" {
			data.Home = e.Home
		}
	}
	return pageTemplate.Execute(w, data)
}

// WriteRecorded writes what the static site's Out panel of cell c of p's lesson holds: the badges and output
// of the cell's run when p has one, else the output the notes recorded.
func WriteRecorded(w util.BufWriter, p *Page, c *lesson.Cell) {
	(&nodeRenderer{page: p}).writeRecorded(w, c)
}
