package jupyter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"classnotes/runner/lesson"
	"classnotes/runner/output"
	"classnotes/runner/splice"
)

// MaxSize is the largest notebook, in bytes, that import is meant for: 64 MiB. A course notebook is prose, code
// and text outputs, well under a few MiB even with its images; one of tens of MiB is mostly embedded images and
// widget state, which import drops anyway. Import holds the notebook and its decoded JSON in memory, a few times
// its size, so whoever reads the file reads at most MaxSize bytes and refuses a larger one instead of calling
// Import with it.
const MaxSize = 64 << 20

// MaxLesson is the largest lesson import writes: 32 MiB. A lesson is at most a notebook's text, but a GoNB
// notebook's cells each get the declarations of earlier cells that they use, which grows with the square of
// the cells: 2,500 cells that each call the one before make a lesson of hundreds of MiB from 700 KB.
const MaxLesson = 32 << 20

var maxLesson = MaxLesson // a test's smaller one

// CellError is a problem with one cell of a notebook.
type CellError struct {
	Cell int // index in the notebook's cells, from 0
	Err  error
}

func (e *CellError) Error() string { return fmt.Sprintf("cell %d: %v", e.Cell, e.Err) }
func (e *CellError) Unwrap() error { return e.Err }

// Skeleton is a lesson made from a notebook.
type Skeleton struct {
	Lesson   []byte   // the Markdown
	Go       bool     // the notebook's kernel is Go: its code cells are In [N] cells
	Language string   // the notebook's language, one word (see language), for the fences of its code cells
	Dropped  []string // outputs that are not text (images, HTML, JSON such as widget views), one line each naming its cell
	Warnings []string // what could not be kept or carried over, one line each naming its cell (and line: "cell 3: line 2: ...")
	Files    []File   // the images, to be written beside the lesson; their names are import's own
}

// Import turns a notebook into a lesson skeleton: Markdown cells as they are, but never as lesson structure
// (see prose); code cells as In [N] cells when the kernel is Go, otherwise as fenced blocks in the notebook's
// language with their outputs as text blocks marked to be ported. name names the notebook in errors, which
// list every bad cell. The skeleton always parses as a lesson, with one cell for each code cell of a Go
// notebook and none otherwise. data is at most MaxSize bytes.
func Import(name string, data []byte) (*Skeleton, error) {
	return ImportFiles(name, data, strings.TrimSuffix(path.Base(filepath.ToSlash(name)), ".ipynb")+".files")
}

// ImportFiles is Import with the images of the notebook saved as Skeleton.Files in dir, relative to the
// lesson; Import names it after the notebook: NOTEBOOK.files.
func ImportFiles(name string, data []byte, dir string) (*Skeleton, error) {
	nb, err := readNotebook(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sk := &Skeleton{Language: language(nb.meta)}
	sk.Go = sk.Language == "go"
	top, _ := nb.meta["classnotes"].(map[string]any)
	kept, err := keptOf(top)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if kept != nil { // exported by the runner: a lesson, whatever the kernel says now
		sk.Language, sk.Go = "go", true
	}
	cells := make([]*cell, len(nb.cells))
	errs := make([]error, len(nb.cells))
	for i, raw := range nb.cells {
		cells[i], errs[i] = readCell(raw)
	}
	im := &importer{sk: sk, used: map[int]bool{}, kept: kept, gonb: newGonbState(), exported: kept != nil || exported(nb.meta), filesDir: dir}
	for _, c := range cells {
		if c != nil && c.count != nil && *c.count > 0 {
			im.used[*c.count] = false
		}
		if m, ok := c.keptMeta(kept); ok {
			if n, ok := metaInt(m["cell"]); ok && n > 0 {
				im.used[n] = false
			}
		}
	}
	if kept != nil {
		im.out.WriteString(kept.frontMatter)
	}
	var all []error
	for i, c := range cells {
		start := im.out.Len()
		if errs[i] == nil {
			errs[i] = im.cell(i, c)
		}
		im.parts = append(im.parts, [2]int{start, im.out.Len()})
		if errs[i] == nil && im.out.Len() > maxLesson {
			errs[i] = fmt.Errorf("the lesson would be larger than %d KiB from this cell on (declarations carried into every cell?); import stops here", maxLesson>>10)
			all = append(all, fmt.Errorf("%s: %w", name, &CellError{Cell: i, Err: errs[i]}))
			break
		}
		if errs[i] != nil {
			all = append(all, fmt.Errorf("%s: %w", name, &CellError{Cell: i, Err: errs[i]}))
		}
	}
	if len(all) > 0 {
		return nil, errors.Join(all...)
	}
	shift := 0 // where im.out starts in the skeleton
	if kept != nil {
		im.out.WriteString(kept.tail)
		sk.Lesson = im.out.Bytes()
	} else {
		if strings.TrimSpace(im.out.String()) == "" {
			return nil, fmt.Errorf("%s: no cell has anything to import", name)
		}
		if !im.exported {
			if t := title(nb.meta, cells); t != "" {
				sk.Lesson = []byte("---\ntitle: " + t + "\n---\n\n")
			}
		}
		shift = len(sk.Lesson)
		sk.Lesson = append(sk.Lesson, bytes.TrimRight(im.out.Bytes(), "\n")...)
		sk.Lesson = append(sk.Lesson, '\n')
	}
	l, err := im.readBack(sk.Lesson, shift)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, e := range im.edited {
		if src := l.Cell(e.number).Attrs.Src; src != "" {
			sk.Warnings = append(sk.Warnings, fmt.Sprintf("cell %d: In [%d]: the program was edited in the notebook: the lesson's copy has the change, %s does not; copy the change into that file, or runner render writes the file's program back into the lesson", e.cell, e.number, src))
		}
	}
	return sk, nil
}

type importer struct {
	sk    *Skeleton
	out   bytes.Buffer
	used  map[int]bool // execution counts of the notebook: true once given to a cell
	next  int
	cells []int // the In [N] cells written, in order
	prose bool  // the last block written is a Markdown cell's

	kept   *keptNotebook // what export kept, for a notebook the runner exported with it; nil for others
	edited []editedCell  // the code cells of such a notebook that were edited since

	exported bool       // the runner exported the notebook: its cells are programs, their attributes in metadata
	gonb     *gonbState // what GoNB remembers, for a notebook the runner did not export
	notes    []string   // the "To be ported" lines of the cell being imported
	parts    [][2]int   // for each cell, where its part of the lesson starts and ends in out
	filesDir string     // where the images go, relative to the lesson
}

// exported reports whether the runner exported the notebook: its metadata says so. (A cell with the runner's
// metadata, pasted into another notebook, does not make it one.)
func exported(meta map[string]any) bool {
	_, ok := meta["classnotes"]
	return ok
}

// readBack parses the skeleton as a lesson, which must have exactly the cells written. Each cell's part was
// checked on its own; this is the guarantee for the whole, and the guard against metadata.classnotes that was
// not written by export. A problem is reported as the problem of the cell whose part of the lesson it is in
// (im.out starts shift bytes into md): a part that passed its own check can still fail after the one before it.
func (im *importer) readBack(md []byte, shift int) (*lesson.Lesson, error) {
	culprit := "a bug of import"
	if im.kept != nil {
		culprit = "metadata.classnotes was changed, or a bug of import"
	}
	l, err := lesson.Parse("skeleton.md", md)
	if err != nil {
		msg := fmt.Errorf("the skeleton does not parse as a lesson (%s): %s", culprit, problems(err, true))
		if i, ok := im.cellAt(md, shift, err); ok {
			return nil, &CellError{Cell: i, Err: msg}
		}
		return nil, msg
	}
	var got []int
	for _, c := range l.Cells {
		got = append(got, c.Number)
	}
	if !slices.Equal(got, im.cells) {
		return nil, fmt.Errorf("the skeleton has the cells %v, not %v (%s)", got, im.cells, culprit)
	}
	return l, nil
}

// cellAt returns the cell whose part of the lesson md holds the first problem of err, a lesson's parse error.
func (im *importer) cellAt(md []byte, shift int, err error) (int, bool) {
	var le *lesson.Error
	if !errors.As(err, &le) || le.Pos.Line < 1 {
		return 0, false
	}
	at := 0 // the offset of the problem's line
	for range le.Pos.Line - 1 {
		k := bytes.IndexByte(md[at:], '\n')
		if k < 0 {
			return 0, false
		}
		at += k + 1
	}
	for i, p := range im.parts {
		if p[0]+shift <= at && at < p[1]+shift {
			return i, true
		}
	}
	return 0, false
}

// languageWord is what a notebook's language must be to become a fence's info string.
var languageWord = regexp.MustCompile(`^[a-z0-9][a-z0-9+#._-]{0,39}$`)

// language returns the notebook's language, lower case: one word of letters, digits and + # . _ - ("python",
// "c++"), as the info string of a fence holds it; "" when the notebook does not say, or says something else.
func language(meta map[string]any) string {
	info, _ := meta["language_info"].(map[string]any)
	kernel, _ := meta["kernelspec"].(map[string]any)
	field := func(m map[string]any, name string) string { s, _ := m[name].(string); return s }
	var lang string
	switch {
	case field(info, "name") != "":
		lang = field(info, "name")
	case field(info, "language") != "":
		lang = field(info, "language")
	default:
		// A kernel named "gonb" (GoNB) or with a short name starting with "go" ("go", "go1") runs Go.
		if name := field(kernel, "name"); name == "gonb" || strings.HasPrefix(name, "go") && len(name) <= 4 {
			return "go"
		}
		lang = field(kernel, "language")
	}
	lang = strings.ToLower(lang)
	if !languageWord.MatchString(lang) {
		return ""
	}
	return lang
}

func (im *importer) cell(i int, c *cell) error {
	if done, err := im.restore(i, c); done || err != nil {
		return err
	}
	switch c.kind {
	case "markdown":
		md, err := prose(im.attachmentLinks(i, c.source, c.attach))
		if err != nil {
			return err
		}
		// A Markdown cell that starts indented would continue a list or an indented code block that the cell
		// before it ends with: Jupyter renders each cell alone, and prose checked it alone. An empty HTML
		// comment at the margin ends them and shows nothing.
		if im.prose && strings.TrimLeft(md, "\n") != "" && strings.ContainsAny(strings.TrimLeft(md, "\n")[:1], " \t") {
			im.block("<!-- -->")
		}
		im.block(md)
		im.prose = strings.TrimSpace(md) != "" || im.prose
		return nil
	case "raw":
		im.fence("", lineFeeds(c.source))
	case "code":
		if err := im.code(i, c); err != nil {
			return err
		}
	}
	im.prose = false
	return nil
}

func (im *importer) block(s string) {
	s = strings.Trim(s, "\n")
	if strings.TrimSpace(s) == "" {
		return
	}
	if b := im.out.Bytes(); len(b) > 0 && !bytes.HasSuffix(b, []byte("\n\n")) { // after a part restored as it was
		im.out.WriteString("\n\n"[bytes.Count(b[len(b)-1:], []byte("\n")):])
	}
	im.out.WriteString(s)
	im.out.WriteString("\n\n")
}

func (im *importer) fence(info, body string) {
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	f := splice.Fence(body)
	im.block(f + info + "\n" + body + f)
}

func (im *importer) code(i int, c *cell) error {
	for _, d := range c.dropped {
		im.sk.Dropped = append(im.sk.Dropped, fmt.Sprintf("cell %d: %s", i, d))
	}
	src := strings.ReplaceAll(c.source, "\r\n", "\n")
	if !im.sk.Go {
		return im.portCode(i, c, src)
	}
	if !im.exported || im.kept != nil { // a cell added to a notebook the runner exported is GoNB's too
		return im.gonbCode(i, c)
	}
	meta, _ := c.meta["classnotes"].(map[string]any)
	info := "go"
	attrs, err := cellAttrs(meta)
	if err != nil {
		return fmt.Errorf("metadata: classnotes: attrs: %w", err)
	}
	if attrs != "" {
		info += " " + attrs
	}
	n := im.number(c)
	im.cells = append(im.cells, n)
	im.block(fmt.Sprintf("In [%d]:", n))
	im.fence(info, goProgram(src, meta))
	if c.outputs {
		im.block(fmt.Sprintf("Out [%d]:", n))
		im.fence("text", c.text)
	}
	im.afterOutputs(i, c)
	return nil
}

// cellAttrs returns the attributes export kept in a cell's metadata, as an info string holds them: checked as a
// lesson checks them, and written as export writes them. src= is refused: the notebook holds the program.
func cellAttrs(meta map[string]any) (string, error) {
	s, _ := meta["attrs"].(string)
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("more than one line: %s", quoted(s))
	}
	l, err := lesson.Parse("attrs", []byte("In [1]:\n\n~~~go "+s+"\n~~~\n"))
	switch {
	case err != nil:
		return "", errors.New(problems(err, false))
	case len(l.Cells) != 1:
		return "", fmt.Errorf("not attributes: %s", quoted(s))
	case l.Cells[0].Attrs.Src != "":
		return "", fmt.Errorf("src=%s: the notebook holds the program, not a file", l.Cells[0].Attrs.Src)
	}
	return attrText(l.Cells[0].Attrs), nil
}

// afterOutputs writes, after a code cell's outputs, the images among them and what was not imported.
func (im *importer) afterOutputs(i int, c *cell) {
	for _, img := range c.images {
		im.block(im.saveImage(fmt.Sprintf("cell-%d-output-%d", i, img.out), img, fmt.Sprintf("cell %d, output %d", i, img.out)))
	}
	im.droppedNote(c.dropped)
}

func (im *importer) droppedNote(dropped []string) {
	if len(dropped) > 0 {
		im.block("Not imported (not text): " + strings.Join(dropped, "; ") + ".")
	}
}

func langName(l string) string {
	if l == "" {
		return "code"
	}
	return l
}

// number returns the cell's In [N] number: its execution count when positive and not taken, else the next free one.
func (im *importer) number(c *cell) int {
	if c.count != nil {
		n := *c.count
		if taken, ok := im.used[n]; ok && !taken {
			im.used[n] = true
			return n
		}
	}
	for {
		im.next++
		if _, ok := im.used[im.next]; !ok {
			im.used[im.next] = true
			return im.next
		}
	}
}

// goProgram makes a GoNB cell a complete program again: the package clause export left out (or package main),
// and a "%%" line turned into func main.
func goProgram(src string, meta map[string]any) string {
	if src != "" && !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	if withClause, ok := insertClause(src, meta); ok {
		return withClause
	}
	if i := strings.Index("\n"+src, "\n%%"); i >= 0 {
		rest := src[i:]
		j := strings.IndexByte(rest, '\n')
		src = src[:i] + "func main() {\n" + rest[j+1:] + "}\n"
	}
	if clause, _, _ := splitPackage(src); clause == "" {
		src = "package main\n\n" + src
	}
	return src
}

// outputsText returns a code cell's outputs as the text a lesson records (colours removed), and a description
// of each output that is not text, such as "output 1 is image/png".
func outputsText(outs []json.RawMessage) (string, []string, []image, error) {
	var b strings.Builder
	var dropped []string
	var images []image
	for k, raw := range outs {
		d, err := outputText(&b, raw)
		if err != nil {
			return "", nil, nil, fmt.Errorf("output %d: %w", k, err)
		}
		var saved bool
		for _, mime := range d {
			if _, ok := imageTypes[mime]; ok && !saved {
				o, _ := asObject(raw)
				data, _ := asObject(o["data"])
				img, err := decodeImage(mime, data[mime])
				if err != nil {
					return "", nil, nil, fmt.Errorf("output %d: data: %s: %w", k, mime, err)
				}
				images = append(images, image{mime: mime, data: img, out: k})
				saved = true // one file per output: the first image type in sorted order
				continue
			}
			if _, ok := imageTypes[mime]; !ok {
				dropped = append(dropped, fmt.Sprintf("output %d is %s", k, mimeName(mime)))
			}
		}
	}
	return output.Text([]byte(b.String()), 0, ""), dropped, images, nil
}

// outputText writes the text of one output to b and returns the MIME types of its data that are not text.
func outputText(b *strings.Builder, raw json.RawMessage) ([]string, error) {
	o, err := asObject(raw)
	if err != nil {
		return nil, err
	}
	if _, ok := o["output_type"]; !ok {
		return nil, errors.New("no output_type")
	}
	typ, err := o.str("output_type")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "stream":
		text, err := o.text("text")
		b.WriteString(text)
		return nil, err
	case "error":
		return nil, errorText(b, o)
	case "display_data", "execute_result":
		return dataText(b, o)
	}
	return nil, fmt.Errorf("unknown output_type %q (expected stream, display_data, execute_result or error)", typ)
}

// errorText writes an error output: its traceback, or its name and value when it has none.
func errorText(b *strings.Builder, o object) error {
	tb, err := o.list("traceback")
	if err != nil {
		return err
	}
	for k, raw := range tb {
		var line string
		if isNull(raw) || json.Unmarshal(raw, &line) != nil {
			return fmt.Errorf("traceback: line %d: %w", k, expected("a string", raw))
		}
		b.WriteString(strings.TrimSuffix(line, "\n") + "\n")
	}
	if len(tb) > 0 {
		return nil
	}
	name, err := o.str("ename")
	if err != nil {
		return err
	}
	value, err := o.str("evalue")
	b.WriteString(name + ": " + value + "\n")
	return err
}

// dataText writes the text/plain form of a display_data or execute_result output, and returns its other MIME
// types, sorted: images, HTML, JSON objects (widget views, application/json) are not imported.
func dataText(b *strings.Builder, o object) ([]string, error) {
	raw, ok := o["data"]
	if !ok || isNull(raw) {
		return nil, nil
	}
	data, err := asObject(raw)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	var others []string
	for mime := range data {
		if mime != "text/plain" {
			others = append(others, mime)
		}
	}
	sort.Strings(others)
	if _, ok := data["text/plain"]; !ok {
		return others, nil
	}
	t, err := data.text("text/plain")
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	b.WriteString(t)
	if !strings.HasSuffix(t, "\n") {
		b.WriteByte('\n')
	}
	return others, nil
}

// mimeType is a well-formed MIME type (RFC 6838 names).
var mimeType = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$`)

// mimeName returns a MIME type as the skeleton's prose and the runner's messages show it: as it is when it is
// well-formed, otherwise quoted, shortened, with only letters, digits and ./+- kept, so that a notebook's key
// cannot bring line breaks, Markdown or escape sequences into either.
func mimeName(mime string) string {
	if mimeType.MatchString(mime) {
		return mime
	}
	var b strings.Builder
	for i, r := range []rune(mime) {
		if i == 40 {
			b.WriteString("…")
			break
		}
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./+-", r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return strconv.Quote(b.String()) + " (not a MIME type)"
}
