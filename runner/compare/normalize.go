package compare

import (
	"sort"
	"strings"

	"classnotes/runner/lesson"
)

// Normalizer normalises outputs before they are compared: the built-in rules (CRLF to LF, no trailing spaces
// or tabs at line ends, no trailing blank lines) and then a lesson's own rules, in order.
type Normalizer struct {
	Rules []*lesson.Rule
}

// Normalize returns text normalised, and the labels of the lesson rules that changed it.
func (n *Normalizer) Normalize(text string) (string, []string) {
	text = builtin(text)
	var fired []string
	for _, r := range n.Rules {
		out := r.Pattern.ReplaceAllString(text, r.Replace)
		if out != text {
			fired = append(fired, r.Label())
			text = builtin(out)
		}
	}
	return text, fired
}

// builtin applies the built-in rules.
func builtin(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// sortLines returns text with its lines sorted.
func sortLines(text string) string {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}
