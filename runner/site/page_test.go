package site

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"classnotes/runner/internal/golden"
	"classnotes/runner/lesson"
)

func testPage(t *testing.T) *Page {
	t.Helper()
	src, err := os.ReadFile("testdata/lesson.md")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lesson.Parse("lesson.md", src)
	if err != nil {
		t.Fatal(err)
	}
	return &Page{
		Lesson: l,
		Cells: map[int]*Cell{1: {
			Raw:    []byte("\x1b[92mgreen\x1b[0m <script>alert(1)</script>\n"),
			Badges: []Badge{{Text: "exit 0", Kind: "ok"}, {Text: "0.01 s", Kind: "info"}},
		}},
		Links: map[string]string{"next.md": "next.html"},
	}
}

// TestPageGolden compares a small lesson's page with testdata/lesson.golden.html (go test -update rewrites it).
func TestPageGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WritePage(&b, testPage(t)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/lesson.golden.html", b.Bytes())
}

// TestPageContent checks what matters on the page, independently of the golden file.
func TestPageContent(t *testing.T) {
	var b bytes.Buffer
	if err := WritePage(&b, testPage(t)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"<title>A small lesson</title>",
		`<b>teacher's HTML</b>`,                     // the teacher's HTML stays
		`href="next.html#top"`,                      // links between lessons point at pages
		`href="https://go.dev"`,                     // other links do not change
		`<th style="text-align:right">port</th>`,    // GFM tables
		`<h1 id="small-lesson">`,                    // heading anchors
		`<section class="cell" id="cell-1">`,        // cells
		`<div class="prompt">In [1]:</div>`,         // prompts
		`<span class="kn">package</span>`,           // highlighted Go
		`<span class="term-fgi92">green</span>`,     // colours from the raw output
		`&lt;script&gt;alert(1)&lt;&#47;script&gt;`, // program output escaped
		`<span class="badge ok">exit 0</span>`,      // badges
		`<span class="nx">fmt</span>`,               // a block that is not a cell is highlighted too
		`no output recorded yet`,                    // a cell without output
		"@media (prefers-color-scheme: dark)",
		"@media print",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, bad := range []string{"<script>", "timeout=2s", "src=", "fp=", "Out [1]:\n", "```", "http://", "<link", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

// TestPageOutputStrings: what a program prints cannot make the page fetch anything (the inline images and links
// of terminal-to-html's escape strings), and a string it never ends does not swallow the rest of its output.
func TestPageOutputStrings(t *testing.T) {
	p := testPage(t)
	p.Cells[1].Raw = []byte("\x1b]1338;url=https://example.com/track.png;alt=x\x07" +
		"\x1b]1339;url=https://example.com/;content=click\x07" +
		"\x1b]8;;https://example.com/\x1b\\link\x1b]8;;\x1b\\\n" +
		"\x1b[92mgreen\x1b[0m\n" +
		"\x1b]0;title never ends\nthe rest\n")
	var b bytes.Buffer
	if err := WritePage(&b, p); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	_, out, _ := strings.Cut(page, `<pre class="output term-container">`)
	out, _, _ = strings.Cut(out, "</pre>")
	if strings.Contains(page, "example.com") {
		t.Errorf("page names example.com")
	}
	for _, bad := range []string{"<img", "<a "} {
		if strings.Contains(out, bad) {
			t.Errorf("output panel contains %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{"link", `<span class="term-fgi92">green</span>`, "0;title never ends", "the rest"} {
		if !strings.Contains(out, want) {
			t.Errorf("output panel lacks %q:\n%s", want, out)
		}
	}
}
