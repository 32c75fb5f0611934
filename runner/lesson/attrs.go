package lesson

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
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

	Src        string        // src=: path of the program, relative to the lesson; empty for an inline cell
	Timeout    time.Duration // timeout=: 0 when not given
	Background bool          // background: started and left running while the cells after it run
	Ready      *Probe        // ready=: when a background cell is ready for the next cell; nil when not given
	Needs      []int         // needs=: the numbers of the background cells this cell needs; nil when not given
	Compare    string        // compare=: exact (default), ignore or unordered
	Expect     string        // expect=: "error" when the cell is meant to fail; "" otherwise
	Net        bool          // net: the cell needs the internet
	Platform   bool          // platform: the output differs from one OS or architecture to another
	Exercise   bool          // exercise: the program has solution regions that the student's handout replaces
	Hide       bool          // hide: an exercise whose expected output the handout keeps only as a digest
}

// Compare modes.
const (
	CompareExact     = "exact"
	CompareIgnore    = "ignore"
	CompareUnordered = "unordered"
)

// Probe says how to tell that a background cell is ready.
type Probe struct {
	Kind    string         // "tcp", "udp" or "out"
	Addr    netip.AddrPort // for tcp and udp: the address the server binds
	Pattern *regexp.Regexp // for out: matched against what the server has printed so far, ^ and $ at line ends
}

func (p *Probe) String() string {
	if p.Kind == "out" {
		return "out:" + strings.TrimPrefix(p.Pattern.String(), "(?m)")
	}
	return p.Kind + ":" + p.Addr.String()
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
	"compare": {value: true, set: func(a *Attrs, v string) error {
		switch v {
		case CompareExact, CompareIgnore, CompareUnordered:
			a.Compare = v
			return nil
		}
		return fmt.Errorf("compare=%s: want exact, ignore or unordered", v)
	}},
	"expect": {value: true, set: func(a *Attrs, v string) error {
		if v != "error" {
			return fmt.Errorf("expect=%s: the only expectation is expect=error", v)
		}
		a.Expect = v
		return nil
	}},
	"net":        {set: func(a *Attrs, _ string) error { a.Net = true; return nil }},
	"platform":   {set: func(a *Attrs, _ string) error { a.Platform = true; return nil }},
	"exercise":   {set: func(a *Attrs, _ string) error { a.Exercise = true; return nil }},
	"hide":       {set: func(a *Attrs, _ string) error { a.Hide = true; return nil }},
	"background": {set: func(a *Attrs, _ string) error { a.Background = true; return nil }},
	"ready": {value: true, set: func(a *Attrs, v string) error {
		p, err := parseProbe(v)
		a.Ready = p
		return err
	}},
	"needs": {value: true, set: func(a *Attrs, v string) (err error) {
		a.Needs, err = parseNeeds(v)
		return err
	}},
}

// parseNeeds parses the value of needs=: cell numbers separated by commas, each named once. Whether they name
// background cells before this one only the whole lesson can tell (package plan checks it).
func parseNeeds(v string) ([]int, error) {
	var cells []int
	for _, word := range strings.Split(v, ",") {
		word = strings.TrimSpace(word)
		n, err := strconv.Atoi(word)
		if err != nil || n < 1 || strings.TrimLeft(word, "0123456789") != "" {
			return nil, fmt.Errorf("needs=%s: %q is not a cell number; want the numbers of background cells before this one, separated by commas, such as needs=2,6", v, word)
		}
		if slices.Contains(cells, n) {
			return nil, fmt.Errorf("needs=%s: In [%d] named twice", v, n)
		}
		cells = append(cells, n)
	}
	return cells, nil
}

// parseProbe parses the value of ready=: tcp:HOST:PORT, udp:HOST:PORT or out:REGEX. HOST is an IP address or
// localhost.
func parseProbe(v string) (*Probe, error) {
	kind, rest, _ := strings.Cut(v, ":")
	switch kind {
	case "tcp", "udp":
		host, port, err := net.SplitHostPort(rest)
		if err != nil {
			return nil, fmt.Errorf("ready=%s: want %s:HOST:PORT, such as %s:127.0.0.1:8080", v, kind, kind)
		}
		if host == "localhost" {
			host = "127.0.0.1"
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || ip.Zone() != "" {
			return nil, fmt.Errorf("ready=%s: %q is not an IP address (or localhost)", v, host)
		}
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("ready=%s: %q is not a port number from 1 to 65535", v, port)
		}
		return &Probe{Kind: kind, Addr: netip.AddrPortFrom(ip, uint16(n))}, nil
	case "out":
		re, err := regexp.Compile("(?m)" + rest)
		if err != nil {
			return nil, fmt.Errorf("ready=%s: %v", v, err)
		}
		if rest == "" {
			return nil, fmt.Errorf("ready=out: needs a regular expression")
		}
		return &Probe{Kind: kind, Pattern: re}, nil
	}
	return nil, fmt.Errorf("ready=%s: unknown probe %q (want tcp:HOST:PORT, udp:HOST:PORT or out:REGEX)", v, kind)
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
	if r, ok := a.Get("ready"); ok && !a.Background {
		p.errs.add(p.file, r.Pos, "ready= needs background: only a background cell is waited for")
	}
	if h, ok := a.Get("hide"); ok && !a.Exercise {
		p.errs.add(p.file, h.Pos, "hide needs exercise: only an exercise's expected output is hidden from the handout")
	}
	if e, ok := a.Get("exercise"); ok && a.Compare == CompareIgnore {
		p.errs.add(p.file, e.Pos, "exercise and compare=ignore: an exercise is checked by its output")
	}
	if e, ok := a.Get("exercise"); ok && a.Background {
		p.errs.add(p.file, e.Pos, "exercise and background: a server cell cannot be an exercise (its output depends on its clients)")
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
