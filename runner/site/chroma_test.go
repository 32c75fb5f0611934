package site

import (
	"bytes"
	"os"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"

	"classnotes/runner/internal/golden"
)

// TestChromaCSS compares chroma.css with the rules chroma's styles make now, so that an upgrade of chroma that
// changes them is noticed (go test -update rewrites it). The runner embeds the file rather than importing the
// styles package, whose init every run of the runner would pay.
func TestChromaCSS(t *testing.T) {
	want := stylesCSS()
	old, _ := os.ReadFile("chroma.css")
	golden.Check(t, "chroma.css", want)
	if golden.Update() && !bytes.Equal(old, want) {
		// This test binary embeds the old file, so the golden pages it rewrites still show the old rules.
		t.Fatal("chroma.css rewritten: run go test -update again to redraw the golden pages with it")
	}
}

// stylesCSS returns the highlighting rules from chroma's styles: a light style, and a dark one for dark screens.
func stylesCSS() []byte {
	var b bytes.Buffer
	formatter.WriteCSS(&b, styles.Get("github"))
	b.WriteString("\n@media (prefers-color-scheme: dark) {\n")
	formatter.WriteCSS(&b, styles.Get("github-dark"))
	b.WriteString("}\n")
	return b.Bytes()
}

// TestNoStyle checks that highlighted code does not depend on the style formatter is given, so that noStyle draws
// what chroma's own styles would.
func TestNoStyle(t *testing.T) {
	code := "package main\n\n// main greets.\nfunc main() {\n\tprintln(\"hi\", 1.5, 'x')\n}\n"
	format := func(style *chroma.Style) string {
		it, err := lexer("go").Tokenise(nil, code)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := formatter.Format(&b, style, it); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	want := format(noStyle)
	for _, name := range []string{"github", "github-dark", "swapoff"} {
		if got := format(styles.Get(name)); got != want {
			t.Errorf("with style %s:\n%s\nwith noStyle:\n%s", name, got, want)
		}
	}
}
