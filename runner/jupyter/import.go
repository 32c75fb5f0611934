package jupyter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"classnotes/runner/output"
	"classnotes/runner/splice"
)

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
	Language string   // the notebook's language, for the fences of its code cells
	Dropped  []string // outputs that are not text (images, HTML), one line each naming its cell
}

// Import turns a notebook into a lesson skeleton: Markdown cells verbatim; code cells as In [N] cells when the
// kernel is Go, otherwise as fenced blocks in the notebook's language with their outputs as text blocks marked
// to be ported. name names the notebook in errors, which list every bad cell.
func Import(name string, data []byte) (*Skeleton, error) {
	var nb Notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("%s: not JSON: %v (at byte %d)", name, err, syn.Offset)
		}
		return nil, fmt.Errorf("%s: not a notebook: %v", name, err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("%s: nbformat %d: only nbformat 4 notebooks can be imported (jupyter nbconvert --to notebook upgrades older ones)", name, nb.NBFormat)
	}
	sk := &Skeleton{Language: language(nb.Metadata)}
	sk.Go = sk.Language == "go"
	im := &importer{sk: sk, used: map[int]bool{}}
	for _, c := range nb.Cells {
		if c != nil && c.ExecutionCount != nil && *c.ExecutionCount > 0 {
			im.used[*c.ExecutionCount] = false
		}
	}
	var errs []error
	for i, c := range nb.Cells {
		if err := im.cell(i, c); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, &CellError{Cell: i, Err: err}))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sk.Lesson = bytes.TrimRight(im.out.Bytes(), "\n")
	sk.Lesson = append(sk.Lesson, '\n')
	return sk, nil
}

type importer struct {
	sk   *Skeleton
	out  bytes.Buffer
	used map[int]bool // execution counts of the notebook: true once given to a cell
	next int
}

// language returns the notebook's language, lower case; "" when it does not say.
func language(meta map[string]any) string {
	info, _ := meta["language_info"].(map[string]any)
	kernel, _ := meta["kernelspec"].(map[string]any)
	field := func(m map[string]any, name string) string { s, _ := m[name].(string); return s }
	switch {
	case field(info, "name") != "":
		return strings.ToLower(field(info, "name"))
	case field(info, "language") != "":
		return strings.ToLower(field(info, "language"))
	}
	// A kernel named "gonb" (GoNB) or with a short name starting with "go" ("go", "go1") runs Go.
	if name := field(kernel, "name"); name == "gonb" || strings.HasPrefix(name, "go") && len(name) <= 4 {
		return "go"
	}
	return strings.ToLower(field(kernel, "language"))
}

func (im *importer) cell(i int, c *Cell) error {
	if c == nil {
		return errors.New("null cell")
	}
	if len(c.Attachments) > 0 && string(c.Attachments) != "{}" && string(c.Attachments) != "null" {
		return errors.New("has attachments (images pasted into the cell); save them as files and link them instead")
	}
	switch c.CellType {
	case "markdown":
		im.block(string(c.Source))
	case "raw":
		im.fence("", string(c.Source))
	case "code":
		return im.code(i, c)
	case "":
		return errors.New("no cell_type")
	default:
		return fmt.Errorf("unknown cell_type %q (expected markdown, code or raw)", c.CellType)
	}
	return nil
}

func (im *importer) block(s string) {
	s = strings.Trim(s, "\n")
	if strings.TrimSpace(s) == "" {
		return
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

func (im *importer) code(i int, c *Cell) error {
	text, dropped, err := outputsText(c.Outputs)
	if err != nil {
		return err
	}
	for _, d := range dropped {
		im.sk.Dropped = append(im.sk.Dropped, fmt.Sprintf("cell %d: %s", i, d))
	}
	src := string(c.Source)
	if !im.sk.Go {
		if strings.TrimSpace(src) == "" && text == "" {
			return nil
		}
		im.fence(im.sk.Language, src)
		if text != "" || len(dropped) > 0 {
			im.block(fmt.Sprintf("To be ported — what the %s cell above printed:", langName(im.sk.Language)))
			if text != "" {
				im.fence("text", text)
			}
		}
		im.droppedNote(dropped)
		return nil
	}
	n := im.number(c)
	meta, _ := c.Metadata["classnotes"].(map[string]any)
	info := "go"
	if attrs, _ := meta["attrs"].(string); attrs != "" {
		info += " " + attrs
	}
	im.block(fmt.Sprintf("In [%d]:", n))
	im.fence(info, goProgram(src, meta))
	if len(c.Outputs) > 0 {
		im.block(fmt.Sprintf("Out [%d]:", n))
		im.fence("text", text)
	}
	im.droppedNote(dropped)
	return nil
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
func (im *importer) number(c *Cell) int {
	if c.ExecutionCount != nil {
		n := *c.ExecutionCount
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
	if clause, ok := meta["package_clause"].(string); ok {
		at, _ := meta["package_at"].(float64)
		if i := int(at); i >= 0 && i <= len(src) && float64(i) == at {
			return src[:i] + clause + src[i:]
		}
		return clause + src
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
// of each output that is not text.
func outputsText(outs []*Output) (string, []string, error) {
	var b strings.Builder
	var dropped []string
	for k, o := range outs {
		if o == nil {
			return "", nil, fmt.Errorf("output %d: null", k)
		}
		switch o.OutputType {
		case "stream":
			if o.Text != nil {
				b.WriteString(string(*o.Text))
			}
		case "error":
			for _, line := range o.Traceback {
				b.WriteString(strings.TrimSuffix(line, "\n") + "\n")
			}
			if len(o.Traceback) == 0 {
				b.WriteString(o.EName + ": " + o.EValue + "\n")
			}
		case "display_data", "execute_result":
			if t, ok := o.Data["text/plain"]; ok {
				b.WriteString(string(t))
				if !strings.HasSuffix(string(t), "\n") {
					b.WriteByte('\n')
				}
			}
			var kinds []string
			for mime := range o.Data {
				if mime != "text/plain" {
					kinds = append(kinds, mime)
				}
			}
			sort.Strings(kinds)
			for _, m := range kinds {
				dropped = append(dropped, fmt.Sprintf("output %d is %s", k, m))
			}
		default:
			return "", nil, fmt.Errorf("output %d: unknown output_type %q (expected stream, display_data, execute_result or error)", k, o.OutputType)
		}
	}
	return output.Text([]byte(b.String()), 0, ""), dropped, nil
}
