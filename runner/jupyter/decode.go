package jupyter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Import reads a notebook field by field rather than into structs, so that every error names the field, and
// the cell and output, that is wrong, and says what was there: `cell 3: execution_count: expected an integer
// or null, got "x"`. A field that holds content (cells, source, a stream's text) must be there and must not be
// null; an optional one (metadata, outputs, execution_count) may be missing or null.

// object is a JSON object, its fields not yet read.
type object map[string]json.RawMessage

// asObject reads raw as a JSON object.
func asObject(raw json.RawMessage) (object, error) {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil || o == nil {
		return nil, expected("an object", raw)
	}
	return o, nil
}

// expected returns the error for a value that is not what was expected.
func expected(what string, raw json.RawMessage) error {
	return fmt.Errorf("expected %s, got %s", what, shown(raw))
}

// shown returns a JSON value as an error shows it: compact, on one line (JSON strings hold no line break), at
// most 40 characters.
func shown(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "invalid JSON"
	}
	s := b.String()
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	runes := []rune(s)
	return string(runes[:39]) + "…"
}

// quoted returns s as an error shows a value: quoted, on one line, at most 40 characters.
func quoted(s string) string {
	b, _ := marshal(s) // without HTML escapes: "<" stays "<"
	return shown(b)
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// text reads the required field key as notebook text: a string, or a list of strings to be joined.
func (o object) text(key string) (string, error) {
	raw, ok := o[key]
	if !ok {
		return "", fmt.Errorf("%s: missing", key)
	}
	s, err := multiline(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return s, nil
}

// multiline reads a string or a list of strings, joined.
func multiline(raw json.RawMessage) (string, error) {
	var s string
	if !isNull(raw) && json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var list []*string
	if !isNull(raw) && json.Unmarshal(raw, &list) == nil {
		var b strings.Builder
		for _, line := range list {
			if line == nil {
				return "", expected("a string or a list of strings", raw)
			}
			b.WriteString(*line)
		}
		return b.String(), nil
	}
	return "", expected("a string or a list of strings", raw)
}

// str reads the optional string field key; "" when it is missing.
func (o object) str(key string) (string, error) {
	raw, ok := o[key]
	if !ok {
		return "", nil
	}
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%s: %w", key, expected("a string", raw))
	}
	return s, nil
}

var integer = regexp.MustCompile(`^-?[0-9]+$`)

// count reads the optional integer field key: nil when it is missing or null.
func (o object) count(key string) (*int, error) {
	raw, ok := o[key]
	if !ok || isNull(raw) {
		return nil, nil
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
	if err != nil || !integer.Match(bytes.TrimSpace(raw)) {
		return nil, fmt.Errorf("%s: %w", key, expected("an integer or null", raw))
	}
	return &n, nil
}

// meta reads the optional object field key as metadata: nil when it is missing or null.
func (o object) meta(key string) (map[string]any, error) {
	raw, ok := o[key]
	if !ok || isNull(raw) {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", key, expected("an object", raw))
	}
	return m, nil
}

// list reads the optional list field key: nil when it is missing or null.
func (o object) list(key string) ([]json.RawMessage, error) {
	raw, ok := o[key]
	if !ok || isNull(raw) {
		return nil, nil
	}
	var l []json.RawMessage
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", key, expected("a list", raw))
	}
	return l, nil
}

// notebook is what import reads of a notebook's top level.
type notebook struct {
	meta  map[string]any
	cells []json.RawMessage
}

// readNotebook reads the top level of an nbformat 4 notebook; its cells are read one by one later.
func readNotebook(data []byte) (*notebook, error) {
	var top object
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("not JSON: %v (at byte %d)", err, syn.Offset)
		}
		if !json.Valid(data) {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		return nil, fmt.Errorf("not a notebook: %w", expected("a JSON object", data))
	}
	raw, ok := top["nbformat"]
	if !ok {
		return nil, errors.New("nbformat: missing: only nbformat 4 notebooks can be imported")
	}
	version, err := top.count("nbformat")
	switch {
	case err != nil || version == nil:
		return nil, fmt.Errorf("nbformat: %w", expected("an integer", raw))
	case *version < 4:
		return nil, fmt.Errorf("nbformat %d: only nbformat 4 notebooks can be imported (jupyter nbconvert --to notebook upgrades older ones)", *version)
	case *version > 4:
		return nil, fmt.Errorf("nbformat %d: only nbformat 4 notebooks can be imported; this one is of a later version", *version)
	}
	nb := &notebook{}
	if nb.meta, err = top.meta("metadata"); err != nil {
		return nil, err
	}
	raw, ok = top["cells"]
	if !ok {
		return nil, errors.New("cells: missing")
	}
	if isNull(raw) || json.Unmarshal(raw, &nb.cells) != nil {
		return nil, fmt.Errorf("cells: %w", expected("a list of cells", raw))
	}
	return nb, nil
}

// cell is what import reads of a notebook cell.
type cell struct {
	kind    string // cell_type
	source  string
	meta    map[string]any
	count   *int     // execution_count of a code cell, nil when null
	outputs bool     // a code cell with at least one output
	text    string   // its outputs as the text a lesson records
	dropped []string // its outputs that are neither text nor images: "output 1 is text/html"
	images  []image  // its outputs that are images
	attach  []image  // a Markdown cell's attachments that are images
}

// readCell reads one cell.
func readCell(raw json.RawMessage) (*cell, error) {
	o, err := asObject(raw)
	if err != nil {
		return nil, err
	}
	c := &cell{}
	if _, ok := o["cell_type"]; !ok {
		return nil, errors.New("no cell_type")
	}
	if c.kind, err = o.str("cell_type"); err != nil {
		return nil, err
	}
	switch c.kind {
	case "markdown", "code", "raw":
	default:
		return nil, fmt.Errorf("unknown cell_type %q (expected markdown, code or raw)", c.kind)
	}
	if c.meta, err = o.meta("metadata"); err != nil {
		return nil, err
	}
	if c.attach, c.dropped, err = readAttachments(o); err != nil {
		return nil, err
	}
	if len(c.attach) > 0 && c.kind != "markdown" {
		return nil, errors.New("attachments: only a Markdown cell shows attachments")
	}
	if c.source, err = o.text("source"); err != nil {
		return nil, err
	}
	if c.kind != "code" {
		return c, nil
	}
	if c.count, err = o.count("execution_count"); err != nil {
		return nil, err
	}
	outs, err := o.list("outputs")
	if err != nil {
		return nil, err
	}
	c.outputs = len(outs) > 0
	c.text, c.dropped, c.images, err = outputsText(outs)
	return c, err
}
