package jupyter

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// The porting worksheet: a notebook of another language (Python) becomes prose with each code cell in a fence
// of its language, under a line that starts "To be ported —" and names the cell and its execution count, so that
// a teacher can grep what is left; its outputs follow as text.

// portCode writes a code cell of a notebook in another language than Go.
func (im *importer) portCode(i int, c *cell, src string) error {
	if strings.TrimSpace(src) == "" && c.text == "" && len(c.dropped) == 0 {
		return nil
	}
	name := fmt.Sprintf("%s cell [%s]", langName(im.sk.Language), countText(c.count))
	im.block(fmt.Sprintf("To be ported — %s (notebook cell %d):", name, i))
	if hint := serverHint(src); hint != "" {
		im.block(hint)
	}
	im.fence(im.sk.Language, src)
	if c.text != "" {
		im.block(fmt.Sprintf("What %s printed:", name))
		im.fence("text", c.text)
	}
	im.afterOutputs(i, c)
	return nil
}

// countText returns an execution count as the marker shows it: the number, or a space when the cell never ran.
func countText(n *int) string {
	if n == nil {
		return " "
	}
	return fmt.Sprint(*n)
}

var (
	serverCall = regexp.MustCompile(`\.listen\(|serve_forever\(|\.bind\(|\.accept\(`)
	bindAddr   = regexp.MustCompile(`\.bind\(\(\s*["']([0-9.]*|localhost)["']\s*,\s*([0-9]{1,5})\s*\)`)
)

// serverHint returns the attribute a cell that looks like a server needs in Go, as a line of prose; "" for
// other cells.
func serverHint(src string) string {
	if !serverCall.MatchString(src) {
		return ""
	}
	addr := "HOST:PORT"
	if m := bindAddr.FindStringSubmatch(src); m != nil {
		host := m[1]
		if host == "" || host == "0.0.0.0" || host == "localhost" {
			host = "127.0.0.1"
		}
		addr = host + ":" + m[2]
	}
	return "Looks like a server: in Go give it `background ready=tcp:" + addr + "`."
}

// title returns the notebook's title for the skeleton's front matter, as a YAML double-quoted string: its
// metadata's title, or the text of the first heading of its Markdown cells; "" when it has neither.
func title(meta map[string]any, cells []*cell) string {
	t, _ := meta["title"].(string)
	for _, c := range cells {
		if t != "" {
			break
		}
		if c != nil && c.kind == "markdown" {
			t = firstHeading(lineFeeds(c.source))
		}
	}
	t = strings.Join(strings.Fields(t), " ")
	if r := []rune(t); len(r) > 200 {
		t = string(r[:199]) + "…"
	}
	if t == "" {
		return ""
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range t {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' || r == '\ufeff':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// firstHeading returns the text of the first heading of md, markup removed; "" when it has none.
func firstHeading(md string) string {
	src := []byte(md)
	var h string
	_ = ast.Walk(markdownParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if hd, ok := n.(*ast.Heading); ok && entering && h == "" {
			var b strings.Builder
			_ = ast.Walk(hd, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if t, ok := n.(*ast.Text); ok && entering {
					b.Write(t.Segment.Value(src))
					if t.SoftLineBreak() {
						b.WriteByte(' ')
					}
				}
				return ast.WalkContinue, nil
			})
			h = b.String()
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return h
}
