package site

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// filesLesson links to another lesson, to files of the course (relative, by a reference, as an image), and to
// what is no file of the course: another site, an anchor of the page, a path from a server's root.
const filesLesson = `# Files

[next](next.md), [week 2](../week2/next.md#top), [data](../data/hosts.txt), [a figure](fig.png "F"), [again](./fig.png),
[go](https://go.dev/doc), [below](#files), [root](/etc/hosts), [notes][n], [q](../data/a%20b.txt?x=1#l2)
and ![graph](img/graph.svg).

[n]: sub/notes.txt
`

// TestPageFiles: with Page.Files, a link or image to a file that is not a lesson leads to it from the page; a
// link to a lesson leads to its page, and the others stay as written. Without Files, every link but the lessons'
// stays as written.
func TestPageFiles(t *testing.T) {
	l, err := lesson.Parse("lessons/files.md", []byte(filesLesson))
	if err != nil {
		t.Fatal(err)
	}
	draw := func(files string) string {
		var b bytes.Buffer
		if err := WritePage(&b, &Page{Lesson: l, Links: map[string]string{"next.md": "next.html"}, Files: files}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	page := draw("../lessons")
	for _, want := range []string{
		`href="next.html"`, `href="next.html#top"`, `href="../data/hosts.txt"`, `href="../lessons/fig.png" title="F"`,
		`href="https://go.dev/doc"`, `href="#files"`, `href="/etc/hosts"`, `href="../lessons/sub/notes.txt"`,
		`href="../data/a%20b.txt?x=1#l2"`, `src="../lessons/img/graph.svg"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page beside the lessons has no %s", want)
		}
	}
	if strings.Count(page, `href="../lessons/fig.png"`) != 2 {
		t.Errorf("./fig.png does not lead where fig.png does")
	}
	served := draw("/files/lessons")
	for _, want := range []string{`href="/files/data/hosts.txt"`, `src="/files/lessons/img/graph.svg"`, `href="next.html"`} {
		if !strings.Contains(served, want) {
			t.Errorf("served page has no %s", want)
		}
	}
	plain := draw("")
	for _, want := range []string{`href="../data/hosts.txt"`, `href="fig.png" title="F"`, `src="img/graph.svg"`, `href="sub/notes.txt"`} {
		if !strings.Contains(plain, want) {
			t.Errorf("page without Files has no %s", want)
		}
	}
	p := &Page{Lesson: l, Files: "../lessons"}
	before := Fingerprint(p)
	p.Files = "../../lessons"
	if Fingerprint(p) == before {
		t.Error("the fingerprint does not change with Files")
	}
}

// TestFileLinks lists the files a lesson's page leads to, each once, lessons and the rest left out.
func TestFileLinks(t *testing.T) {
	l, err := lesson.Parse("lessons/files.md", []byte(filesLesson))
	if err != nil {
		t.Fatal(err)
	}
	got := FileLinks(l, map[string]string{"next.md": "next.html"})
	want := []string{"../data/hosts.txt", "fig.png", "sub/notes.txt", "../data/a b.txt", "img/graph.svg"}
	if !slices.Equal(got, want) {
		t.Errorf("FileLinks = %q, want %q", got, want)
	}
}

// TestLessonLinkSpellings: a link to a lesson written with a trailing slash, ./ and /., a query or ../ leads
// to the lesson's page, and FileLinks never lists the lesson as a file (runner serve would serve its Markdown,
// recorded outputs and all). Another case of the name (NEXT.MD) is no lesson's name: it stays a file link.
func TestLessonLinkSpellings(t *testing.T) {
	l, err := lesson.Parse("lessons/a.md", []byte("# A\n\n[slash](next.md/) [dot](./next.md/.) [query](next.md?x) "+
		"[up](sub/../next.md/) [case](NEXT.MD)\n"))
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{"next.md": "next.html"}
	var b bytes.Buffer
	if err := WritePage(&b, &Page{Lesson: l, Links: links, Files: "/files/lessons"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<a href="next.html">slash</a>`, `<a href="next.html">dot</a>`, `<a href="next.html?x">query</a>`,
		`<a href="next.html">up</a>`, `<a href="/files/lessons/NEXT.MD">case</a>`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page has no %s", want)
		}
	}
	if got := FileLinks(l, links); !slices.Equal(got, []string{"NEXT.MD"}) {
		t.Errorf("FileLinks = %q, want only NEXT.MD", got)
	}
}
