package splice

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// FuzzRender builds a lesson from pieces the fuzzer chooses (prose, headings, cells, Out blocks and plain
// fences of either character and several lengths, closed or not, with tricky body lines; CRLF, a BOM, front
// matter) and, when it parses, records an output for every cell and a program for every src= cell, as render
// does. The oracle does not ask the parser what the runner owns: the generator knows which lines it wrote as
// the body of a src= cell or as an Out block, and after which closing lines of cells an Out block may be
// inserted. The result must be the lesson with only those changed: every other line, and the line endings
// between them, in order and nothing between. An unclosed fence that swallowed author text and was then
// rewritten shows as a missing line; an Out block inserted after swallowed text shows as bytes where there
// should be none. The result must parse again.
func FuzzRender(f *testing.F) {
	for _, seed := range renderSeeds {
		f.Add(seed.recipe, "hello\n")
	}
	f.Fuzz(func(t *testing.T, recipe []byte, text string) {
		src, lines := newLessonGen(recipe).lesson()
		l, err := lesson.Parse("f.md", src)
		if err != nil {
			return // render writes nothing
		}
		// What the runner writes: valid UTF-8, LF line endings, and never the generator's mark §.
		text = strings.ToValidUTF8(strings.NewReplacer("\r\n", "\n", "\r", "\n", "§", "").Replace(text), "\uFFFD")
		out, _, _ := record(t, l, text, "0123456789ab")
		if missing, ok := match(out, pattern(lines, l.EOL)); !ok {
			t.Fatalf("author text %q lost, changed or moved apart\nlesson:\n%s\nresult:\n%s", missing, src, out)
		}
		if _, err := lesson.Parse("f.md", out); err != nil {
			t.Fatalf("rendered lesson does not parse: %v\nlesson:\n%s\nresult:\n%s", err, src, out)
		}
	})
}

// renderSeeds are recipes for lessons, each with the lesson its recipe makes and whether Parse refuses it
// (TestLessonGen checks both). The refused ones were misread before; the others parse, so that a plain go test
// runs FuzzRender's oracle on a rendered lesson, which it never does on a refused one.
var renderSeeds = []struct {
	recipe  []byte
	lesson  string
	refused bool
}{
	{ // issue 10, item 1: an unclosed src= fence closed by cell 2's closing fence.
		recipe: []byte{
			0,                            // LF, no BOM, no front matter
			2, 0, 1, 0, 0, 0, 1, 1, 1, 0, // In [1]:, a blank line, ```go src=a.go, one token line, no closing line
			4, 0, // a blank line
			0, 1, // a heading
			4, 0,
			0, 0, // prose
			4, 0,
			2, 0, 1, 0, 0, 0, 0, 0, 1, 0, // In [2]:, a blank line, ```go, one token line, ```
		},
		lesson:  "In [1]:\n\n```go src=a.go\nS§1§\n\n## H§2§ Part two\n\nP§3§ Prose.\n\nIn [2]:\n\n```go\nI§4§\n```\n",
		refused: true,
	},
	{ // issue 10, item 2: an Out block closed by cell 2's closing fence.
		recipe: []byte{
			0,
			2, 0, 1, 0, 0, 0, 0, 0, 1, 0, // In [1]:, a blank line, ```go, one token line, ```
			4, 0,
			3, 0, 1, 0, 0, 0, 1, 1, 0, // Out [1]:, a blank line, ```text, one token line, no closing line
			4, 0,
			0, 1,
			4, 0,
			2, 0, 1, 0, 0, 0, 0, 0, 1, 0, // In [2]:
		},
		lesson:  "In [1]:\n\n```go\nI§1§\n```\n\nOut [1]:\n\n```text\nO§2§\n\n## H§3§ Part two\n\nIn [2]:\n\n```go\nI§4§\n```\n",
		refused: true,
	},
	{ // a BOM, front matter, CRLF, and an Out block of ~~~ closed by a later ~~~~ block.
		recipe: []byte{
			7,                            // CRLF, a BOM, front matter
			2, 0, 0, 1, 0, 0, 0, 0, 1, 0, // In [1]:, ~~~go, one token line, ~~~
			3, 0, 0, 1, 0, 0, 1, 1, 0, // Out [1]:, ~~~text, one token line, no closing line
			0, 0,
			5, 1, 1, 0, 0, 1, 1, 0, // ~~~~sh, one token line, ~~~~
		},
		lesson: "\ufeff---\r\ntitle: T§1§\r\n---\r\nIn [1]:\r\n~~~go\r\nI§2§\r\n~~~\r\nOut [1]:\r\n~~~text\r\nO§3§\r\n" +
			"P§4§ Prose.\r\n~~~~sh\r\nF§5§\r\n~~~~\r\n",
		refused: true,
	},
	{ // prose, a src= cell with its Out block, a plain ~~~ fence, and an inline cell without one.
		recipe: []byte{
			0,
			0, 0, // prose
			4, 0,
			1, 0, 1, 0, 0, 0, 0, 1, 2, 0, 4, // In [1]:, a blank line, ```go src=a.go, a token line, a heading, ```
			4, 0,
			3, 0, 1, 0, 0, 0, 0, 1, 0, // Out [1]:, a blank line, ```text, a token line, ```
			4, 0,
			5, 1, 0, 0, 0, 1, 1, 0, // ~~~sh, a token line, ~~~
			4, 0,
			2, 0, 1, 0, 0, 0, 0, 0, 1, 0, // In [2]:, a blank line, ```go, a token line, ```
		},
		lesson: "P§1§ Prose.\n\nIn [1]:\n\n```go src=a.go\nS§2§\n## S§3§\n```\n\nOut [1]:\n\n```text\nO§4§\n```\n\n" +
			"~~~sh\nF§5§\n~~~\n\nIn [2]:\n\n```go\nI§6§\n```\n",
	},
	{ // a BOM, front matter, CRLF, an indented ~~~~ src= cell and its Out block, then a heading.
		recipe: []byte{
			7,
			1, 0, 0, 1, 1, 2, 0, 1, 3, 0, 2, 0, // In [1]:, "  ~~~~go src=a.go", a token line, a blank line, a token line, ~~~~
			3, 0, 0, 0, 0, 0, 0, 1, 0, // Out [1]:, ```text, a token line, ```
			0, 1, // a heading
		},
		lesson: "\ufeff---\r\ntitle: T§1§\r\n---\r\nIn [1]:\r\n  ~~~~go src=a.go\r\nS§2§\r\n\r\nS§3§\r\n~~~~\r\n" +
			"Out [1]:\r\n```text\r\nO§4§\r\n```\r\n## H§5§ Part two\r\n",
	},
}

// line is a line of a generated lesson. The runner may rewrite owned lines, and insert text after an insert
// line (an Out block after a cell's closing fence line, the program after a src= cell's opening line).
type line struct {
	text   string
	owned  bool
	insert bool
}

// segment is a part of what a rendered lesson may be: exact text, or anything (wild).
type segment struct {
	text string
	wild bool
}

// pattern returns what the lesson made of lines, ended with eol, may become when rendered.
func pattern(lines []line, eol string) []segment {
	var segs []segment
	add := func(s segment) {
		n := len(segs)
		switch {
		case n > 0 && s.wild && segs[n-1].wild:
		case n > 0 && !s.wild && !segs[n-1].wild:
			segs[n-1].text += s.text
		default:
			segs = append(segs, s)
		}
	}
	for i, ln := range lines {
		if ln.owned {
			add(segment{wild: true})
		} else {
			add(segment{text: ln.text})
			if ln.insert {
				add(segment{wild: true})
			}
		}
		if ln.owned || i+1 < len(lines) && lines[i+1].owned {
			add(segment{wild: true}) // the runner's regions start and end at line starts or line ends
		} else {
			add(segment{text: eol})
		}
	}
	return segs
}

// match reports whether s is made of segs, and returns the first exact text it misses.
func match(s []byte, segs []segment) (string, bool) {
	at := 0
	for i, seg := range segs {
		if seg.wild {
			continue
		}
		lit := []byte(seg.text)
		switch {
		case i == 0:
			if !bytes.HasPrefix(s, lit) {
				return seg.text, false
			}
			at = len(lit)
		case i == len(segs)-1:
			if len(s)-len(lit) < at || !bytes.HasSuffix(s, lit) {
				return seg.text, false
			}
			return "", true
		default:
			k := bytes.Index(s[at:], lit)
			if k < 0 {
				return seg.text, false
			}
			at += k + len(lit)
		}
	}
	if len(segs) > 0 && !segs[len(segs)-1].wild && at != len(s) {
		return "(end)", false
	}
	return "", true
}

// lessonGen makes a lesson from a recipe: each byte is a choice among n things (byte mod n), 0 once the
// recipe is used up.
type lessonGen struct {
	recipe []byte
	lines  []line
	token  int // numbers the lines the oracle looks for
	cell   int // the number of the last cell
	// mistake is set once the lesson has a fence that is not closed where it should be. A lesson has one such
	// mistake at most, and then every other fence is closed by a line just like its opening one: a second
	// stray fence line, or a closing line longer than its opening one, can close the unclosed fence as if it
	// were meant to, leaving a lesson that reads as a right one (see lesson's unclosed.go). A sloppy lesson
	// has longer closing lines and no mistake.
	mistake, sloppy bool
}

func newLessonGen(recipe []byte) *lessonGen { return &lessonGen{recipe: recipe} }

func (g *lessonGen) next(n int) int {
	if len(g.recipe) == 0 {
		return 0
	}
	b := g.recipe[0]
	g.recipe = g.recipe[1:]
	return int(b) % n
}

func (g *lessonGen) add(owned bool, texts ...string) {
	for _, t := range texts {
		g.lines = append(g.lines, line{text: t, owned: owned})
	}
}

// tok returns a line no runner output can hold: kind, the mark § and a number unique in the lesson.
func (g *lessonGen) tok(kind string) string {
	g.token++
	return fmt.Sprintf("%s§%d§", kind, g.token)
}

// lesson returns the lesson and its lines.
func (g *lessonGen) lesson() ([]byte, []line) {
	flags := g.next(16)
	g.sloppy = flags&8 != 0
	if flags&4 != 0 {
		g.add(false, "---", "title: T"+g.tok(""), "---")
	}
	for len(g.recipe) > 0 && len(g.lines) < 200 {
		g.piece()
	}
	eol := "\n"
	if flags&1 != 0 {
		eol = "\r\n"
	}
	if flags&2 != 0 && len(g.lines) > 0 {
		g.lines[0].text = "\ufeff" + g.lines[0].text
	}
	var b strings.Builder
	for i, ln := range g.lines {
		if i > 0 {
			b.WriteString(eol)
		}
		b.WriteString(ln.text)
	}
	if len(g.lines) > 0 {
		b.WriteString(eol)
	}
	return []byte(b.String()), g.lines
}

// piece adds one piece of a lesson.
func (g *lessonGen) piece() {
	switch g.next(7) {
	case 0: // prose; a container ends with a blank line and a line that is not indented, or the next piece
		// (an indented fence, a marker) would be in it
		switch g.next(5) {
		case 0:
			g.add(false, g.tok("P")+" Prose.")
		case 1:
			g.add(false, "## "+g.tok("H")+" Part two")
		case 2:
			g.add(false, "- "+g.tok("L")+" In [1]:", "", g.tok("P")+" Prose.")
		case 3:
			g.add(false, "<div>", g.tok("D"), "</div>", "")
		case 4:
			g.add(false, "> "+g.tok("Q"), "")
		}
	case 1, 2: // a cell
		n := g.number()
		g.cell = n
		g.add(false, fmt.Sprintf("In [%d]:", n))
		g.blanks()
		open, closing, closes := g.fence()
		src := g.next(2) == 1
		info := "go"
		if src {
			info += " src=a.go"
		}
		g.lines = append(g.lines, line{text: open + info, insert: src})
		kind := "I"
		if src {
			kind = "S"
		}
		g.body(kind, src, open)
		if closing != "" {
			g.lines = append(g.lines, line{text: closing, insert: closes})
		}
	case 3: // an Out block
		n := g.cell
		if g.next(4) == 3 {
			n = g.number()
		}
		g.add(true, fmt.Sprintf("Out [%d]:", n))
		g.blanks()
		open, closing, _ := g.fence()
		g.add(true, open+"text")
		g.body("O", true, open)
		if closing != "" {
			g.add(true, closing)
		}
	case 4: // blank lines
		for range 1 + g.next(2) {
			g.add(false, "")
		}
	case 5: // a plain fence
		open, closing, _ := g.fence()
		g.add(false, open+[]string{"", "sh", "md"}[g.next(3)])
		g.body("F", false, open)
		if closing != "" {
			g.add(false, closing)
		}
	case 6: // a lone line that looks like structure
		ln := []string{"In [1]:", "Out [1]:", "In [ 2]:", "<!--", "-->", "```go", "~~~", "```"}[g.next(8)]
		if strings.HasPrefix(ln, "```") || strings.HasPrefix(ln, "~~~") { // an unclosed fence
			if !g.makeMistake() {
				return
			}
		}
		g.add(false, ln)
	}
}

// number returns a cell number: mostly the next one, sometimes one already used.
func (g *lessonGen) number() int {
	if g.next(4) == 3 {
		return 1 + g.next(3)
	}
	return g.cell + 1
}

func (g *lessonGen) blanks() {
	for range g.next(3) {
		g.add(false, "")
	}
}

// makeMistake reports whether the lesson may have its one mistake here, and if so notes that it has.
func (g *lessonGen) makeMistake() bool {
	if g.sloppy || g.mistake {
		return false
	}
	g.mistake = true
	return true
}

// fence returns an opening fence (indent and run, without the info string) and its closing line: the same,
// none, longer (in a sloppy lesson), or one that does not close it (shorter, or of the other character). The
// second and the last are the lesson's mistake; once it is made, fences are closed. closes reports whether
// closing closes the fence.
func (g *lessonGen) fence() (open, closing string, closes bool) {
	ch := "`~"[g.next(2)]
	run := strings.Repeat(string(ch), 3+g.next(3))
	open = strings.Repeat(" ", g.next(4)) + run
	kind := g.next(4)
	if (kind == 1 || kind == 3) && !g.makeMistake() || kind == 2 && !g.sloppy {
		kind = 0
	}
	switch kind {
	case 0:
		closing = strings.TrimLeft(open, " ")
	case 1:
		closing = ""
	case 2:
		closing = run + string(ch) + "  "
	case 3:
		closing = run[1:]
		if ch == '`' {
			closing = "~~~"
		}
	}
	return open, closing, kind == 0 || kind == 2
}

// body adds the lines of a fence body opened with open; owned says whether the runner may rewrite them.
func (g *lessonGen) body(kind string, owned bool, open string) {
	for range g.next(4) {
		switch g.next(6) {
		case 0, 1:
			g.add(owned, g.tok(kind))
		case 2:
			g.add(owned, "")
		case 3:
			g.add(owned, fmt.Sprintf("In [%d]:", 1+g.next(3)))
		case 4:
			g.add(owned, "## "+g.tok(kind))
		case 5: // an opener with an info string, of the other character or, as the lesson's mistake, of the
			// fence's own, which cannot close it and is just what seems unclosed
			run := strings.TrimLeft(open, " ")
			if g.next(2) == 1 || !g.makeMistake() {
				run = strings.Repeat(string("`~"[strings.IndexByte("~`", run[0])]), 3)
			}
			g.add(owned, run+[]string{"go", "sh"}[g.next(2)])
		}
	}
}

// TestLessonGen checks that the seeds of FuzzRender make the lessons they say, that Parse refuses exactly the
// ones marked refused, and that FuzzRender's oracle accepts the rendering of each of the others but not that
// rendering with one of the author's lines taken out.
func TestLessonGen(t *testing.T) {
	for _, seed := range renderSeeds {
		src, lines := newLessonGen(seed.recipe).lesson()
		if string(src) != seed.lesson {
			t.Errorf("recipe %v makes\n%q\nwant\n%q", seed.recipe, src, seed.lesson)
			continue
		}
		l, err := lesson.Parse("f.md", src)
		if seed.refused {
			if err == nil {
				t.Errorf("Parse accepts\n%s", src)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse refuses\n%s\n%v", src, err)
			continue
		}
		out, _, n := record(t, l, "hello\n", "0123456789ab")
		if n == 0 {
			t.Errorf("rendering makes no edit in\n%s", src)
		}
		segs := pattern(lines, l.EOL)
		if missing, ok := match(out, segs); !ok {
			t.Errorf("the oracle refuses the rendering (misses %q):\n%s", missing, out)
		}
		var tok []byte // the first line of the author's that the generator marked
		for _, ln := range lines {
			if !ln.owned && strings.Contains(ln.text, "§") {
				tok = []byte(ln.text + l.EOL)
				break
			}
		}
		if cut := bytes.Replace(out, tok, nil, 1); bytes.Equal(cut, out) {
			t.Errorf("no line %q in the rendering:\n%s", tok, out)
		} else if _, ok := match(cut, segs); ok {
			t.Errorf("the oracle accepts the rendering without the line %q:\n%s", tok, cut)
		}
	}
}
