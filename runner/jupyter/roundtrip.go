package jupyter

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"classnotes/runner/lesson"
	"classnotes/runner/output"
)

// A notebook is what a student or another tool sees of a lesson; the lesson is what the runner keeps. Export
// shows the lesson as Jupyter shows notebooks (LF line endings, no front matter, a title heading, links to
// notebooks, GoNB's programs without their package clause), and keeps in the metadata ("classnotes") what import
// needs to give the lesson back byte for byte:
//
//   - at the top: "roundtrip" (this format's version), the front matter and byte-order mark ("front_matter"),
//     "newline" when the lesson's lines end in CRLF, the links export pointed at notebooks ("links", notebook
//     name to lesson name), and the blank lines after the last cell ("tail");
//   - on each cell: "sha", the SHA-256 of the source as exported, which tells an edited cell from an unedited
//     one; the blank lines before and after a Markdown cell's text ("lead", "trail") and the heading export
//     added ("heading"); the lines of a code cell around its program and output ("head": the In [N] marker to
//     the code, "mid": the code's closing fence to the output, "tail": the output's closing fence), and the
//     blank lines before it ("lead").
//
// Export checks every cell: where its inverse would not give the lesson's bytes back (a lesson whose lines end
// in both LF and CRLF, a link written as a notebook's name, a program without a final line ending), it keeps
// the lesson's bytes themselves ("text", "code", "out", with "out_sha" for the output), which import uses while
// the cell is as exported, and only where they show as the cell does: nothing the notebook does not show gets
// into the lesson (see restore). Import of an unedited notebook gives the lesson back byte for byte; an edited cell
// comes back edited, and import says what it cannot keep (the change to a src= program goes in the lesson, not
// in the program's file). Export then imports the notebook it made and says, with a *LossyError, where the two
// differ, which should never happen.

// roundTripFormat is the version of what export keeps for import.
const roundTripFormat = 1

// keeper gathers, while export writes a notebook, what import needs to give the lesson back.
type keeper struct {
	source   []byte
	head     int               // length of the byte-order mark and front matter
	notebook map[string]any    // the notebook's metadata.classnotes
	links    map[string]string // notebook name to lesson name, for each link export changed
	gap      string            // blank lines since the last cell, kept with the next one
	cells    []keptCell
}

// keptCell is a cell of the notebook and the lesson's bytes it stands for.
type keptCell struct {
	cell      *Cell
	meta      map[string]any
	prose     string // a Markdown cell: its part of the lesson
	code, out string // a code cell: the bodies of its code and output fences
	hasOut    bool
}

func newKeeper(source []byte) *keeper {
	k := &keeper{source: source, head: lesson.Header(source), links: map[string]string{},
		notebook: map[string]any{"roundtrip": roundTripFormat}}
	if k.head > 0 {
		k.notebook["front_matter"] = string(source[:k.head])
	}
	if n := bytes.Count(source, []byte("\r\n")); n > 0 && n == bytes.Count(source, []byte("\n")) {
		k.notebook["newline"] = "\r\n"
	}
	return k
}

// blank keeps prose that made no cell, blank lines, for the next cell.
func (k *keeper) blank(p string) { k.gap += p }

// prose keeps what Markdown cell c stands for: the lesson's bytes p, whose text export showed with heading
// before it.
func (k *keeper) prose(c *Cell, p, heading string) {
	p, k.gap = k.gap+p, ""
	meta := map[string]any{"sha": sum(string(c.Source))}
	lead, trail := edges(p)
	setString(meta, "lead", lead)
	setString(meta, "trail", trail)
	setString(meta, "heading", heading)
	c.Metadata = map[string]any{"classnotes": meta}
	k.cells = append(k.cells, keptCell{cell: c, meta: meta, prose: p})
}

// code keeps what code cell cell stands for: lesson cell c, the lesson's bytes from start to end.
func (k *keeper) code(cell *Cell, c *lesson.Cell, start, end int) {
	meta := cell.Metadata["classnotes"].(map[string]any)
	src := k.source
	setString(meta, "lead", k.gap)
	k.gap = ""
	meta["sha"] = sum(string(cell.Source))
	meta["head"] = string(src[start:c.Code.Body])
	kc := keptCell{cell: cell, meta: meta, code: string(c.Code.Text(src))}
	if c.Out != nil {
		meta["mid"] = string(src[c.Code.BodyEnd:c.Out.Fence.Body])
		meta["tail"] = string(src[c.Out.Fence.BodyEnd:end])
		kc.out, kc.hasOut = string(c.Out.Fence.Text(src)), true
	} else {
		meta["tail"] = string(src[c.Code.BodyEnd:end])
	}
	k.cells = append(k.cells, kc)
}

// end completes the notebook's metadata, then keeps the lesson's own bytes for every cell whose inverse would
// not give them back. It runs once every cell is written: the links kept are the whole notebook's.
func (k *keeper) end() {
	setString(k.notebook, "tail", k.gap)
	if len(k.links) > 0 {
		k.notebook["links"] = k.links
	}
	nb, _ := keptOf(k.notebook) // well-formed: export wrote it
	for _, kc := range k.cells {
		shown := string(kc.cell.Source)
		if kc.cell.CellType == "markdown" {
			if restoreProse(shown, kc.meta, nb) != kc.prose {
				kc.meta["text"] = kc.prose
			}
			continue
		}
		if restoreCode(shown, kc.meta, nb, false) != kc.code {
			kc.meta["code"] = kc.code
		}
		if kc.hasOut {
			text := outputText1(kc.cell)
			if restoreOut(text, nb) != kc.out {
				kc.meta["out"] = kc.out
				kc.meta["out_sha"] = sum(text)
			}
		}
	}
}

// outputText1 returns a code cell's output as import reads it.
func outputText1(c *Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		if o.Text != nil {
			b.WriteString(string(*o.Text))
		}
	}
	return output.Text([]byte(b.String()), 0, "")
}

// LossyError says that a notebook would not import back as its lesson: a bug of export.
type LossyError struct {
	Path string // the lesson
	Line int    // the first line of the lesson that differs
	Err  error  // why import refused the notebook, if it did
}

func (e *LossyError) Error() string {
	why := ""
	if e.Err != nil {
		why = fmt.Sprintf(" (import: %v)", e.Err)
	}
	return fmt.Sprintf("%s:%d: the notebook does not import back as the lesson from this line on%s; a bug of export, the notebook is written all the same", e.Path, e.Line, why)
}

// check imports the notebook nb and compares the lesson it gives with the lesson exported.
func (k *keeper) check(lessonPath string, nb []byte) error {
	sk, err := Import("exported.ipynb", nb)
	if err == nil && bytes.Equal(sk.Lesson, k.source) {
		return nil
	}
	var got []byte
	if sk != nil {
		got = sk.Lesson
	}
	i := 0
	for i < len(got) && i < len(k.source) && got[i] == k.source[i] {
		i++
	}
	return &LossyError{Path: lessonPath, Line: 1 + bytes.Count(k.source[:i], []byte("\n")), Err: err}
}

// edges returns the blank lines at the start of p and the spaces and line endings at its end, which export
// leaves out of a Markdown cell.
func edges(p string) (lead, trail string) {
	rest := p
	for {
		i := strings.IndexByte(rest, '\n')
		if i < 0 || strings.TrimSpace(rest[:i]) != "" {
			break
		}
		rest = rest[i+1:]
	}
	lead = p[:len(p)-len(rest)]
	return lead, rest[len(strings.TrimRight(rest, " \t\r\n")):]
}

func setString(m map[string]any, key, s string) {
	if s != "" {
		m[key] = s
	}
}

// sum is the short SHA-256 that tells whether a cell is as export wrote it.
func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}

// keptNotebook is what export kept at the top of a notebook.
type keptNotebook struct {
	frontMatter, tail string
	crlf              bool
	links             map[string]string // notebook name to lesson name
}

// keptOf reads what export kept at the top of a notebook from its metadata.classnotes; nil when the notebook
// was not exported with it.
func keptOf(meta map[string]any) (*keptNotebook, error) {
	if meta == nil {
		return nil, nil
	}
	if _, ok := meta["roundtrip"]; !ok {
		return nil, nil
	}
	if v, ok := metaInt(meta["roundtrip"]); !ok || v != roundTripFormat {
		return nil, fmt.Errorf("metadata: classnotes: roundtrip: expected %d (this runner's format), got %s", roundTripFormat, quoted(fmt.Sprint(meta["roundtrip"])))
	}
	nb := &keptNotebook{links: map[string]string{}}
	var err error
	if nb.frontMatter, err = metaString(meta, "front_matter"); err != nil {
		return nil, err
	}
	if lesson.Header([]byte(nb.frontMatter)) != len(nb.frontMatter) {
		return nil, fmt.Errorf("metadata: classnotes: front_matter: expected front matter, got %s", quoted(nb.frontMatter))
	}
	if nb.tail, err = metaString(meta, "tail"); err != nil {
		return nil, err
	}
	nl, err := metaString(meta, "newline")
	if err != nil {
		return nil, err
	}
	nb.crlf = nl == "\r\n"
	switch links := meta["links"].(type) {
	case nil:
	case map[string]any:
		for nbName, v := range links {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("metadata: classnotes: links: %s: expected a string", quoted(nbName))
			}
			nb.links[nbName] = s
		}
	case map[string]string:
		nb.links = links
	default:
		return nil, fmt.Errorf("metadata: classnotes: links: expected an object")
	}
	if strings.TrimSpace(nb.tail) != "" {
		return nil, fmt.Errorf("metadata: classnotes: tail: expected blank lines, got %s", quoted(nb.tail))
	}
	return nb, nil
}

// metaString reads the optional string key of m: "" when it is missing.
func metaString(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("metadata: classnotes: %s: expected a string", key)
	}
	return s, nil
}

// notebookLink finds Markdown link destinations ending in .ipynb, as relink writes them.
var notebookLink = regexp.MustCompile(`(\]\(\s*<?)([^()\s<>]*?\.ipynb)(#[^()\s<>]*)?([\s>)])`)

// unrelink points the links export made to notebooks back at their lessons.
func unrelink(md string, links map[string]string) string {
	if len(links) == 0 {
		return md
	}
	return notebookLink.ReplaceAllStringFunc(md, func(m string) string {
		g := notebookLink.FindStringSubmatch(m)
		name, ok := links[path.Base(g[2])]
		if !ok || absoluteURL.MatchString(g[2]) {
			return m
		}
		return g[1] + path.Join(path.Dir(g[2]), name) + g[3] + g[4]
	})
}

// newline gives s the lesson's line endings.
func newline(s string, crlf bool) string {
	if !crlf {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// restoreProse returns the lesson's bytes of a Markdown cell that shows shown.
func restoreProse(shown string, meta map[string]any, nb *keptNotebook) string {
	lead, _ := meta["lead"].(string)
	trail, _ := meta["trail"].(string)
	heading, _ := meta["heading"].(string)
	core := strings.TrimPrefix(unrelink(shown, nb.links), heading)
	return lead + newline(core, nb.crlf) + trail
}

// restoreCode returns the body of a code cell's fence in the lesson, from the program the cell shows: the
// package clause export left out put back where it was, or, in a program edited since, before its first line
// that is not a comment.
func restoreCode(shown string, meta map[string]any, nb *keptNotebook, edited bool) string {
	if shown != "" && !strings.HasSuffix(shown, "\n") {
		shown += "\n"
	}
	if clause, ok := meta["package_clause"].(string); ok && isClause(clause) {
		at, ok := metaInt(meta["package_at"])
		if first := clauseOffset(shown); edited || !ok && meta["package_at"] != nil || at < 0 || at > first || at > 0 && shown[at-1] != '\n' {
			at = first
		}
		shown = shown[:at] + clause + shown[at:]
	}
	return newline(shown, nb.crlf)
}

// isClause reports whether s is a package clause as export leaves it out: package main, with the blank lines
// after it.
func isClause(s string) bool {
	line, rest, _ := strings.Cut(s, "\n")
	return packageLine.MatchString(strings.TrimSpace(line)) && strings.TrimSpace(rest) == ""
}

// clauseOffset returns the offset of the first line of src that is neither blank nor a line comment: where a
// package clause goes after a program's doc comment or build constraints.
func clauseOffset(src string) int {
	at := 0
	for _, ln := range strings.SplitAfter(src, "\n") {
		if t := strings.TrimSpace(ln); t != "" && !strings.HasPrefix(t, "//") {
			break
		}
		at += len(ln)
	}
	return min(at, len(src))
}

// showCode returns what a code cell shows of a program: as export writes it, without its package clause.
func showCode(code string) string {
	_, _, rest := splitPackage(strings.ReplaceAll(code, "\r\n", "\n"))
	return trimFinalNewline(rest)
}

// showProse returns what a Markdown cell shows of the lesson's bytes p, as export writes it: blank lines at
// its edges left out, LF line endings, heading before it and links to lessons pointed at their notebooks (links:
// notebook name to lesson name).
func showProse(p, heading string, links map[string]string) string {
	md := trimBlankLines(strings.ReplaceAll(p, "\r\n", "\n"))
	if heading != "" {
		md = heading + strings.TrimLeft(md, " ")
	}
	toNotebook := map[string]string{}
	for nb, l := range links {
		toNotebook[l] = nb
	}
	return relink(md, toNotebook, map[string]string{})
}

// restoreOut returns the body of an output's fence in the lesson, from the output's text.
func restoreOut(text string, nb *keptNotebook) string { return newline(text, nb.crlf) }

// insertClause puts back the package clause export left out of src, where it was; ok is false when the
// metadata has none.
func insertClause(src string, meta map[string]any) (string, bool) {
	clause, ok := meta["package_clause"].(string)
	if !ok {
		return src, false
	}
	if i, ok := metaInt(meta["package_at"]); ok && i >= 0 && i <= len(src) {
		return src[:i] + clause + src[i:], true
	}
	return clause + src, true
}

// metaInt reads an integer of metadata: an int as export writes it, a float64 as encoding/json reads it.
func metaInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		if i := int(n); float64(i) == n {
			return i, true
		}
	}
	return 0, false
}

// editedCell is a code cell edited since export: its index in the notebook and its number.
type editedCell struct{ cell, number int }

// keptMeta returns what export kept on cell c of a notebook it exported.
func (c *cell) keptMeta(nb *keptNotebook) (map[string]any, bool) {
	if c == nil || nb == nil {
		return nil, false
	}
	m, ok := c.meta["classnotes"].(map[string]any)
	return m, ok && m["sha"] != nil
}

// restore writes cell c of a notebook the runner exported as the lesson's bytes it stands for; done is false
// for a cell to import as any other (one added since export, a copy of a code cell, one whose type changed).
//
// Only what the notebook shows goes into the lesson, as export showed it: the lesson's own bytes that export
// kept ("text", "code", "out") are used only when they show as the cell does, and the parts around a cell only
// when they are blank lines, its markers and its fence lines; anything else in the metadata is refused, the
// cell named, so that a notebook cannot carry a program, prose or output that Jupyter does not show.
func (im *importer) restore(i int, c *cell) (done bool, err error) {
	m, ok := c.keptMeta(im.kept)
	if !ok {
		if c.kind == "code" && im.kept != nil {
			im.sk.Warnings = append(im.sk.Warnings, fmt.Sprintf("cell %d: a code cell without the runner's metadata (added in Jupyter, or its metadata cleared): imported as a new cell, without the attributes (background, src=, ...) it may have had", i))
		}
		return false, nil
	}
	strs := map[string]string{}
	for _, key := range []string{"sha", "lead", "trail", "heading", "text", "head", "mid", "tail", "code", "out", "out_sha"} {
		if strs[key], err = metaString(m, key); err != nil {
			return false, err
		}
	}
	if _, code := m["head"]; code != (c.kind == "code") {
		im.sk.Warnings = append(im.sk.Warnings, fmt.Sprintf("cell %d: its type was changed since export: imported as a new %s cell", i, c.kind))
		return false, nil
	}
	if b := im.out.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' && string(b) != "\ufeff" {
		return false, errors.New("metadata: classnotes: follows a part of the lesson whose last line does not end (changed by hand?)")
	}
	for _, key := range []string{"lead", "trail"} {
		if strings.TrimSpace(strs[key]) != "" {
			return false, fmt.Errorf("metadata: classnotes: %s: expected blank lines, got %s (changed by hand?)", key, quoted(strs[key]))
		}
	}
	edited := strs["sha"] != sum(c.source)
	if c.kind == "markdown" {
		return true, im.restoreMarkdown(c, m, strs, edited)
	}
	return im.restoreCell(i, c, m, strs, edited)
}

// restoreMarkdown writes a Markdown cell of a notebook the runner exported.
func (im *importer) restoreMarkdown(c *cell, m map[string]any, strs map[string]string, edited bool) error {
	text := restoreProse(c.source, m, im.kept)
	if _, ok := m["text"]; ok && !edited {
		if showProse(strs["text"], strs["heading"], im.kept.links) != c.source {
			return errors.New("metadata: classnotes: text: is not what the cell shows (changed by hand?)")
		}
		text = strs["text"]
	}
	if edited {
		// Edited: made prose as any Markdown cell is, with the links, heading and blank lines the lesson had.
		source := strings.ReplaceAll(c.source, "\r\n", "\n")
		md, err := prose(strings.TrimPrefix(unrelink(source, im.kept.links), strs["heading"]))
		if err != nil {
			return err
		}
		text = ""
		if md = strings.Trim(md, "\n"); strings.TrimSpace(md) != "" {
			// A blank line after it, whatever its last block: the next cell's marker must be a paragraph.
			trail, nl := strs["trail"], newline("\n", im.kept.crlf)
			for !strings.HasSuffix(strings.ReplaceAll(trail, "\r\n", "\n"), "\n\n") {
				trail += nl
			}
			text = strs["lead"] + newline(md, im.kept.crlf) + trail
		}
	}
	if l, err := lesson.Parse("cell.md", []byte(text+sentinel)); err != nil || len(l.Cells) != 1 {
		return errors.New("metadata: classnotes: does not make prose that leaves the next cell alone (changed by hand?)")
	}
	im.out.WriteString(text)
	im.prose = im.prose || text != ""
	return nil
}

// restoreCell writes a code cell of a notebook the runner exported: its marker, program, output and fences.
func (im *importer) restoreCell(i int, c *cell, m map[string]any, strs map[string]string, edited bool) (bool, error) {
	n, ok := metaInt(m["cell"])
	if !ok || strs["head"] == "" || im.used[n] {
		return false, nil
	}
	if pc, ok := m["package_clause"]; ok {
		if s, _ := pc.(string); !isClause(s) {
			return false, fmt.Errorf("metadata: classnotes: package_clause: expected package main and blank lines, got %s (changed by hand?)", quoted(fmt.Sprint(pc)))
		}
	}
	source := c.source
	if edited { // CRLF from the notebook's editor; an unedited cell is as export showed it
		source = strings.ReplaceAll(source, "\r\n", "\n")
	}
	body := restoreCode(source, m, im.kept, edited)
	_, kept := m["code"]
	copyDiffers := kept && !edited && showCode(strs["code"]) != source
	if kept && !edited {
		body = strs["code"]
	}
	region := strs["lead"] + strs["head"] + body
	var warnings []string
	switch mid := strs["mid"]; {
	case mid == "":
		region += strs["tail"]
		if c.outputs {
			warnings = append(warnings, fmt.Sprintf("cell %d: In [%d]: its output in the notebook is not imported: the lesson records none for this cell", i, n))
		}
	case !c.outputs:
		closing, _, _ := strings.Cut(mid, "\n")
		region += closing + mid[len(closing):len(closing)+min(1, len(mid)-len(closing))]
		warnings = append(warnings, fmt.Sprintf("cell %d: In [%d]: no output in the notebook, so the lesson has no Out [%d]: runner render records it", i, n, n))
	default:
		out := restoreOut(c.text, im.kept)
		if _, ok := m["out"]; ok && strs["out_sha"] == sum(c.text) {
			if output.Text([]byte(strings.ReplaceAll(strs["out"], "\r\n", "\n")), 0, "") != c.text {
				return false, errors.New("metadata: classnotes: out: is not the output the cell shows (changed by hand?)")
			}
			out = strs["out"]
		}
		region += mid + out + strs["tail"]
	}
	// The cell's part of the lesson must be that cell and no other, whatever the metadata says, and hold
	// nothing but its markers, fences and blank lines around what the notebook shows.
	next := sentinel // a cell after it, numbered otherwise
	if n == 1 {
		next = strings.Replace(sentinel, "In [1]:", "In [2]:", 1)
	}
	l, err := lesson.Parse("cell.md", []byte(region+next))
	if err != nil || len(l.Cells) != 2 || l.Cells[0].Number != n || !frames(strs["head"], strs["mid"], strs["tail"]) {
		what := "is not the lesson's cell In [%d] (metadata changed by hand?)"
		if edited && err != nil {
			what = "with the program or output edited in the notebook, is not the lesson's cell In [%d] any more (a line of it closes its fence?)"
		}
		return false, fmt.Errorf("metadata: classnotes: "+what, n)
	}
	if copyDiffers {
		src := l.Cells[0].Attrs.Src
		if src == "" { // the program that runs is the lesson's: it must be the one the notebook shows
			return false, errors.New("metadata: classnotes: code: is not the program the cell shows (changed by hand?)")
		}
		warnings = append(warnings, fmt.Sprintf("cell %d: In [%d]: the lesson's copy of %s, kept in the notebook's metadata, is not the program the notebook shows (the file's when it was exported): runner render writes the file's program into the lesson", i, n, src))
	}
	im.used[n] = true
	im.cells = append(im.cells, n)
	if edited {
		im.edited = append(im.edited, editedCell{i, n})
	}
	im.sk.Warnings = append(im.sk.Warnings, warnings...)
	for _, d := range c.dropped {
		im.sk.Warnings = append(im.sk.Warnings, fmt.Sprintf("cell %d: In [%d]: %s: not imported (the lesson records text)", i, n, d))
	}
	for _, img := range c.images {
		im.sk.Warnings = append(im.sk.Warnings, fmt.Sprintf("cell %d: In [%d]: output %d is an image: not imported (the lesson records text)", i, n, img.out))
	}
	im.out.WriteString(region)
	im.prose = false
	return true, nil
}

// frames reports whether the parts of a code cell around its program and output are only what a cell has
// there: head, its marker line, blank lines and the code's opening fence line; mid, the code's closing fence
// line, blank lines, the Out marker line, blank lines and the output's opening fence line; tail, the output's
// closing fence line. (The lesson parser has checked what those lines are.)
func frames(head, mid, tail string) bool {
	inner := func(s string, markers int) bool { // the lines between the first and the last: blank but for markers
		lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
		if len(lines) < 2 {
			return markers == 0 && s != ""
		}
		for _, ln := range lines[1 : len(lines)-1] {
			if strings.TrimSpace(ln) != "" {
				markers--
			}
		}
		return markers == 0
	}
	return inner(head, 0) && (mid == "" || inner(mid, 1)) && strings.Count(strings.TrimSuffix(tail, "\n"), "\n") == 0
}
