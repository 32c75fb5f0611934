package site

import (
	_ "embed"
	"html"
	"strconv"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	terminal "github.com/buildkite/terminal-to-html/v3"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"classnotes/runner/lesson"
	"classnotes/runner/output"
)

// nodeRenderer draws cells, and highlights every other fenced code block too.
type nodeRenderer struct {
	page *Page
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCell, r.renderCell)
	reg.Register(ast.KindFencedCodeBlock, r.renderFence)
}

// formatter writes highlighted code with CSS classes, styled by the page's one stylesheet.
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4))

// noStyle is the style formatter is given. With classes the HTML it writes names classes only: what it works out
// from the style would go into inline style attributes or a standalone page's CSS, neither of which it writes.
// So an empty style draws the same bytes as any (TestNoStyle), without the init of chroma's styles package.
var noStyle = chroma.MustNewStyle("classes", chroma.StyleEntries{})

// lexerCache holds the lexer of each language name asked for, nil when there is none: lexers.Get falls back to
// matching the name against every lexer's file-name globs, which cost a quarter of a warm render.
var lexerCache sync.Map // string → chroma.Lexer

// lexer returns the coalescing lexer for the language lang, or nil.
func lexer(lang string) chroma.Lexer {
	if l, ok := lexerCache.Load(lang); ok {
		lx, _ := l.(chroma.Lexer)
		return lx
	}
	var lx chroma.Lexer
	if lang != "" {
		if found := lexers.Get(lang); found != nil {
			lx = chroma.Coalesce(found)
		}
	}
	lexerCache.Store(lang, lx)
	return lx
}

// highlight writes code in language lang, or as escaped plain text when there is no lexer for lang.
func highlight(w util.BufWriter, code, lang string) {
	lexer := lexer(lang)
	if lexer == nil {
		w.WriteString(`<pre class="chroma"><code>`)
		w.WriteString(html.EscapeString(code))
		w.WriteString("</code></pre>\n")
		return
	}
	it, err := lexer.Tokenise(nil, code)
	if err == nil {
		err = formatter.Format(w, noStyle, it)
	}
	if err != nil {
		w.WriteString(`<pre class="chroma"><code>` + html.EscapeString(code) + "</code></pre>\n")
	}
}

func (r *nodeRenderer) renderFence(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	fb := n.(*ast.FencedCodeBlock)
	w.WriteString(`<div class="block">`)
	highlight(w, string(lines(fb, src)), string(fb.Language(src)))
	w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) renderCell(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	cn := n.(*CellNode)
	c := cn.Cell
	num := strconv.Itoa(c.Number)
	out := r.page.Out
	w.WriteString(`<section class="cell" id="cell-` + num + `"`)
	if out != nil {
		w.WriteString(out.CellAttrs(c))
	}
	w.WriteString(">\n")
	w.WriteString(`<div class="in"><div class="prompt">In [` + num + `]:</div>`)
	highlight(w, string(cn.Code), "go")
	w.WriteString("</div>\n")

	if out != nil {
		out.WriteOut(w, c, func() { r.writeRecorded(w, c) })
	} else {
		w.WriteString(`<div class="out"><div class="prompt">Out [` + num + `]:</div><div class="panel">`)
		r.writeRecorded(w, c)
		w.WriteString("</div></div>\n")
	}
	w.WriteString("</section>\n")
	return ast.WalkSkipChildren, nil
}

// writeRecorded writes what the page shows of a cell's output: its badges and its output, from its run when
// the page has one, else as the notes recorded it.
func (r *nodeRenderer) writeRecorded(w util.BufWriter, c *lesson.Cell) {
	run := r.page.Cells[c.Number]
	if run != nil && len(run.Badges) > 0 {
		w.WriteString(`<div class="badges">`)
		for _, b := range run.Badges {
			w.WriteString(`<span class="badge ` + html.EscapeString(b.Kind) + `">` + html.EscapeString(b.Text) + `</span>`)
		}
		w.WriteString("</div>")
	}
	w.WriteString(`<pre class="output term-container">`)
	switch {
	case run != nil && run.Raw != nil:
		// Render escapes what the program printed. String sequences go first: terminal-to-html would turn
		// them into links and images that make the page fetch what the program names, and one left open
		// would swallow the rest of the output.
		w.WriteString(terminal.Render(output.StripStrings(run.Raw)))
	case c.Out != nil:
		recorded := c.Out.Recorded(r.page.Lesson.Source)
		w.WriteString(html.EscapeString(recorded))
	default:
		w.WriteString(`<span class="none">no output recorded yet</span>`)
	}
	w.WriteString("</pre>")
}

// highlightCSS holds the highlighting rules: a light style, and a dark one for dark screens. TestChromaCSS makes
// chroma.css from chroma's styles, and notices when they change; the runner embeds the file rather than paying
// for the styles package's init in every run, though only pages need the rules.
//
//go:embed chroma.css
var highlightCSS string

// chromaCSS returns the highlighting rules.
func chromaCSS() string {
	return highlightCSS
}
