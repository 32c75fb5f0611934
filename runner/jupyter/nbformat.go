package jupyter

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Notebook is an nbformat 4 notebook, as much of it as export writes. (Import reads a notebook field by field,
// see decode.go, to name the field and the cell of every error.)
type Notebook struct {
	Cells         []*Cell        `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

// Cell is a notebook cell of any type; the fields of other types are empty.
type Cell struct {
	CellType       string          `json:"cell_type"`
	ExecutionCount *int            `json:"execution_count,omitempty"`
	ID             string          `json:"id,omitempty"`
	Metadata       map[string]any  `json:"metadata"`
	Outputs        []*Output       `json:"outputs,omitempty"`
	Source         Multiline       `json:"source"`
	Attachments    json.RawMessage `json:"attachments,omitempty"`

	// code is set on export: a code cell always has outputs and execution_count, even empty or null.
	code bool
}

// Output is one output of a code cell.
type Output struct {
	Data           map[string]json.RawMessage `json:"data,omitempty"`  // display_data, execute_result: by MIME type, text or JSON
	EName          string                     `json:"ename,omitempty"` // error
	EValue         string                     `json:"evalue,omitempty"`
	ExecutionCount *int                       `json:"execution_count,omitempty"`
	Metadata       map[string]any             `json:"metadata,omitempty"`
	Name           string                     `json:"name,omitempty"` // stream: stdout or stderr
	OutputType     string                     `json:"output_type"`
	Text           *Multiline                 `json:"text,omitempty"` // stream
	Traceback      []string                   `json:"traceback,omitempty"`
}

// Multiline is notebook text: a string, or a list of strings to be joined, as nbformat allows.
type Multiline string

// MarshalJSON writes the text as a list of lines, each with its line ending, as Jupyter itself does: diffs of
// committed notebooks then show lines.
func (m Multiline) MarshalJSON() ([]byte, error) {
	lines := []string{}
	s := string(m)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return marshal(lines)
}

// UnmarshalJSON reads a string or a list of strings; null leaves m as it is, as encoding/json does.
func (m *Multiline) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	s, err := multiline(b)
	*m = Multiline(s)
	return err
}

// MarshalJSON writes a code cell with its execution_count (null when none) and outputs (empty when none), which
// nbformat requires, and other cells without them.
func (c *Cell) MarshalJSON() ([]byte, error) {
	type plain Cell
	if !c.code {
		return marshal((*plain)(c))
	}
	return marshal(struct {
		CellType       string         `json:"cell_type"`
		ExecutionCount *int           `json:"execution_count"`
		ID             string         `json:"id"`
		Metadata       map[string]any `json:"metadata"`
		Outputs        []*Output      `json:"outputs"`
		Source         Multiline      `json:"source"`
	}{c.CellType, c.ExecutionCount, c.ID, c.Metadata, nonNil(c.Outputs), c.Source})
}

func nonNil(o []*Output) []*Output {
	if o == nil {
		return []*Output{}
	}
	return o
}

// marshal is json.Marshal without HTML escaping, so that "<" in a program stays "<" in the file.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Encode returns the notebook as Jupyter writes it: keys sorted within metadata, one-space indent, a final newline.
func (nb *Notebook) Encode() ([]byte, error) {
	b, err := marshal(nb)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", " "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
