package lesson

import (
	"bytes"
	"regexp"
	"strconv"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// FrontMatter is what a lesson's front matter says to the runner.
type FrontMatter struct {
	Title     string
	Normalize []*Rule // applied in order, to recorded and fresh outputs alike, when comparing them
}

// Rule is one normalisation rule: every match of Pattern is replaced by Replace, in which $1 stands for the
// first group.
type Rule struct {
	Name    string // optional, to name the rule in diffs; the pattern otherwise
	Pattern *regexp.Regexp
	Replace string
	Pos     Pos // of the rule in the lesson
}

// Label returns how the rule is named in messages.
func (r *Rule) Label() string {
	if r.Name != "" {
		return r.Name
	}
	return strconv.Quote(r.Pattern.String())
}

// frontMatterKeys are the runner's own top-level keys of front matter, and how each is read. Other keys are
// kept in the source, as every byte is, and ignored: a lesson inside a Jekyll or Hugo site has theirs
// (layout:, date:, tags:).
var frontMatterKeys = map[string]func(p *parser, fm *FrontMatter, v *yaml.Node){
	"title":     (*parser).readTitle,
	"normalize": (*parser).readNormalize,
}

// frontMatter parses the YAML between the --- lines, which ends at byte offset end of the source.
func (p *parser) frontMatter(end int) *FrontMatter {
	fm := &FrontMatter{}
	if end == 0 {
		return fm
	}
	body := p.src[bytes.IndexByte(p.src, '\n')+1 : p.lines.lineStart(p.lines.line(end-1))]
	var doc yaml.Node
	if err := yaml.Unmarshal(body, &doc); err != nil {
		p.errs.add(p.file, p.yamlErrorPos(err), "front matter: %v", err)
		return fm
	}
	if len(doc.Content) == 0 {
		return fm
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		p.errs.add(p.file, p.nodePos(top), "front matter: want keys such as title: and normalize:")
		return fm
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if read, ok := frontMatterKeys[k.Value]; ok {
			read(p, fm, v)
		}
	}
	return fm
}

func (p *parser) readTitle(fm *FrontMatter, v *yaml.Node) {
	if v.Kind != yaml.ScalarNode {
		p.errs.add(p.file, p.nodePos(v), "front matter: title: want text")
		return
	}
	fm.Title = v.Value
}

func (p *parser) readNormalize(fm *FrontMatter, v *yaml.Node) {
	if v.Kind != yaml.SequenceNode {
		p.errs.add(p.file, p.nodePos(v), "front matter: normalize: want a list of {pattern: REGEX, replace: TEXT}")
		return
	}
	for _, item := range v.Content {
		if r := p.readRule(item); r != nil {
			fm.Normalize = append(fm.Normalize, r)
		}
	}
}

// readRule reads one {pattern, replace, name} rule.
func (p *parser) readRule(n *yaml.Node) *Rule {
	pos := p.nodePos(n)
	if n.Kind != yaml.MappingNode {
		p.errs.add(p.file, pos, "front matter: normalize: each rule is {pattern: REGEX, replace: TEXT}")
		return nil
	}
	r := &Rule{Pos: pos}
	var pattern *yaml.Node
	hasReplace := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			p.errs.add(p.file, p.nodePos(v), "front matter: normalize: %s: want text", k.Value)
			return nil
		}
		switch k.Value {
		case "pattern":
			pattern = v
		case "replace":
			r.Replace, hasReplace = v.Value, true
		case "name":
			r.Name = v.Value
		default:
			p.errs.add(p.file, p.nodePos(k), "front matter: normalize: unknown key %q in a rule (known: name, pattern, replace)", k.Value)
			return nil
		}
	}
	if pattern == nil || !hasReplace {
		p.errs.add(p.file, pos, "front matter: normalize: a rule needs both pattern: and replace:")
		return nil
	}
	re, err := regexp.Compile(pattern.Value)
	if err != nil {
		p.errs.add(p.file, p.nodePos(pattern), "front matter: normalize: rule %q: %v", pattern.Value, err)
		return nil
	}
	r.Pattern = re
	return r
}

// nodePos returns the position in the lesson of a node of the front matter, which starts on the lesson's
// second line. YAML counts columns in characters; lessons count them in bytes.
func (p *parser) nodePos(n *yaml.Node) Pos {
	line := min(n.Line, p.frontMatterLastLine()) // the 0-based index of the node's line in the lesson
	text := p.src[p.lines.lineStart(line):p.lines.lineEnd(p.src, line)]
	off := 0
	for range n.Column - 1 {
		if off >= len(text) {
			break
		}
		_, size := utf8.DecodeRune(text[off:])
		off += size
	}
	return Pos{Line: line + 1, Col: off + 1}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+):`)

// yamlErrorPos returns the position of a YAML syntax error: its line, or the front matter's first line.
func (p *parser) yamlErrorPos(err error) Pos {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Pos{Line: min(n, p.frontMatterLastLine()) + 1, Col: 1}
	}
	return Pos{Line: 2, Col: 1}
}

// frontMatterLastLine returns the 0-based index of the front matter's closing line. YAML also breaks lines at a
// lone CR, which the lesson does not, so the line numbers it gives may run past it: positions are kept inside.
func (p *parser) frontMatterLastLine() int {
	return p.lines.line(max(0, frontMatterEnd(p.src)-1))
}
