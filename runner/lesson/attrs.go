package lesson

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attr is one attribute of a cell as written in its info string.
type Attr struct {
	Key   string
	Value string // unquoted; empty for a bare key
	Bare  bool   // the attribute was written without "="
	Pos   Pos    // position of the key
}

// Attrs are the attributes of a cell.
type Attrs struct {
	List []Attr // in the order written

	Src     string        // src=: path of the program, relative to the lesson; empty for an inline cell
	Timeout time.Duration // timeout=: 0 when not given
}

// Get returns the attribute named key and reports whether it was given.
func (a *Attrs) Get(key string) (Attr, bool) {
	for _, at := range a.List {
		if at.Key == key {
			return at, true
		}
	}
	return Attr{}, false
}

// attribute describes one known attribute: whether it takes a value, and how to store it.
type attribute struct {
	value bool // key=value (true) or bare key (false)
	set   func(a *Attrs, v string) error
}

// attributes is the table of known attributes. Adding an attribute is one entry here and a field in Attrs.
var attributes = map[string]attribute{
	"src": {value: true, set: func(a *Attrs, v string) error {
		if !strings.HasSuffix(v, ".go") {
			return fmt.Errorf("src=%s: not a .go file", v)
		}
		a.Src = v
		return nil
	}},
	"timeout": {value: true, set: func(a *Attrs, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("timeout=%s: want a positive Go duration such as 5s or 1500ms", v)
		}
		a.Timeout = d
		return nil
	}},
}

// infoToken is one space-separated word of an info string.
type infoToken struct {
	text string
	off  int // byte offset in the source
}

// splitInfo splits an info string at spaces and tabs outside double quotes.
func splitInfo(info string, off int) ([]infoToken, error) {
	var toks []infoToken
	start, quoted := -1, false
	for i := 0; i < len(info); i++ {
		c := info[i]
		switch {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
			if start < 0 {
				start = i
			}
		case !quoted && (c == ' ' || c == '\t'):
			if start >= 0 {
				toks = append(toks, infoToken{info[start:i], off + start})
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if quoted {
		return toks, fmt.Errorf("unterminated quoted value")
	}
	if start >= 0 {
		toks = append(toks, infoToken{info[start:], off + start})
	}
	return toks, nil
}

// parseAttrs parses the attributes after the first word of a cell's info string. Problems are added to errs.
func (p *parser) parseAttrs(info string, off int) Attrs {
	var a Attrs
	toks, err := splitInfo(info, off)
	if err != nil {
		p.errs.add(p.file, p.lines.pos(off), "%v in %q", err, info)
		return a
	}
	seen := map[string]bool{}
	for _, tok := range toks[1:] {
		pos := p.lines.pos(tok.off)
		key, raw, hasValue := strings.Cut(tok.text, "=")
		spec, ok := attributes[key]
		switch {
		case !ok:
			p.errs.add(p.file, pos, "unknown attribute %q (known: %s)", key, knownAttributes())
			continue
		case seen[key]:
			p.errs.add(p.file, pos, "attribute %s given twice", key)
			continue
		case spec.value && !hasValue:
			p.errs.add(p.file, pos, "attribute %s needs a value: %s=...", key, key)
			continue
		case !spec.value && hasValue:
			p.errs.add(p.file, pos, "attribute %s takes no value", key)
			continue
		}
		seen[key] = true
		v := raw
		if strings.HasPrefix(raw, `"`) {
			if v, err = strconv.Unquote(raw); err != nil {
				p.errs.add(p.file, pos, "attribute %s: malformed quoted value %s", key, raw)
				continue
			}
		}
		if spec.value && v == "" {
			p.errs.add(p.file, pos, "attribute %s: empty value", key)
			continue
		}
		if err := spec.set(&a, v); err != nil {
			p.errs.add(p.file, pos, "%v", err)
			continue
		}
		a.List = append(a.List, Attr{Key: key, Value: v, Bare: !hasValue, Pos: pos})
	}
	return a
}

func knownAttributes() string {
	keys := make([]string, 0, len(attributes))
	for k := range attributes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}
