package site

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

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
			Badges: []Badge{{"exit 0", "ok"}, {"0.01 s", "info"}},
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
	golden := "testdata/lesson.golden.html"
	if *update {
		os.WriteFile(golden, b.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update makes it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("page differs from %s (go test -update rewrites it)", golden)
	}
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
