package site

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/yuin/goldmark/util"

	"classnotes/runner/lesson"
)

// markOut is an Out renderer that marks what it draws, and draws the static panel's content once inside.
type markOut struct{}

func (markOut) CellAttrs(c *lesson.Cell) string { return ` data-mark="1"` }

func (markOut) WriteOut(w util.BufWriter, c *lesson.Cell, recorded func()) {
	w.WriteString(`<div class="mark">`)
	recorded()
	w.WriteString("</div>\n")
}

// TestExtensionPoints: a page with an Out renderer draws each cell's Out side with it (the recorded output
// inside, the static panel gone) and its attributes on the section; Extras land where they say; and a page
// without either is the static site's page, byte for byte.
func TestExtensionPoints(t *testing.T) {
	src := "# Hooks\n\nIn [1]:\n\n```go\npackage main\n\nfunc main() {}\n```\n\nOut [1]:\n\n```text\nrecorded <b>\n```\n"
	l, err := lesson.Parse("l.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	write := func(p *Page) string {
		t.Helper()
		var b bytes.Buffer
		if err := WritePage(&b, p); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	static := write(&Page{Lesson: l})
	hooked := write(&Page{Lesson: l, Out: markOut{}, Extras: &Extras{
		CSS: ".x-css{}", BodyAttrs: template.HTMLAttr(` data-x="y"`), Home: "./",
		Top: template.HTML("<div id=top></div>"), Bottom: template.HTML("<div id=bottom></div>\n"),
	}})
	for _, want := range []string{
		`<section class="cell" id="cell-1" data-mark="1">`,
		`<div class="mark"><pre class="output term-container">recorded &lt;b&gt;` + "\n</pre></div>\n</section>\n",
		"<body data-x=\"y\">\n<nav><a href=\"./\">All lessons</a></nav>\n<div id=top></div><main>\n",
		"</main>\n<div id=bottom></div>\n</body>",
		".x-css{}\n</style>",
	} {
		if !strings.Contains(hooked, want) {
			t.Errorf("the hooked page lacks %q:\n%s", want, hooked)
		}
	}
	if strings.Contains(hooked, `<div class="panel">`) {
		t.Errorf("the hooked page still has the static Out panel")
	}
	for _, want := range []string{"<body>\n<nav><a href=\"index.html\">All lessons</a></nav>\n<main>\n", "</main>\n</body>",
		`<section class="cell" id="cell-1">`, `<div class="out"><div class="prompt">Out [1]:</div><div class="panel">`} {
		if !strings.Contains(static, want) {
			t.Errorf("the static page lacks %q:\n%s", want, static)
		}
	}
}
