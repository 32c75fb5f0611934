package compare

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"classnotes/runner/lesson"
)

// Result is the comparison of a recorded output with a fresh one.
type Result struct {
	Match bool
	// Recorded and Fresh are the texts as compared: normalised, and sorted for compare=unordered.
	Recorded, Fresh string
	// Fired lists the lesson rules that changed either side.
	Fired []string
}

// Compare compares the recorded and fresh outputs of a cell under mode (exact when empty, or unordered).
func (n *Normalizer) Compare(recorded, fresh, mode string) *Result {
	rec, firedRec := n.Normalize(recorded)
	fr, firedFresh := n.Normalize(fresh)
	if mode == lesson.CompareUnordered {
		rec, fr = sortLines(rec), sortLines(fr)
	}
	return &Result{Match: rec == fr, Recorded: rec, Fresh: fr, Fired: union(firedRec, firedFresh)}
}

// Digest returns what a handout keeps of an exercise's expected output (want=): the SHA-256, in hex, of the
// text as Compare compares it under mode. Two outputs have the same digest exactly when Compare matches them.
func (n *Normalizer) Digest(text, mode string) string {
	t, _ := n.Normalize(text)
	if mode == lesson.CompareUnordered {
		t = sortLines(t)
	}
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(a, b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Diff returns a unified diff from the recorded text to the fresh one, with invisible characters made visible,
// followed by a line naming the rules that fired. It is empty when the texts match.
func (r *Result) Diff() string {
	if r.Match {
		return ""
	}
	d := string(diff.Diff("notes", []byte(Visible(r.Recorded)), "fresh", []byte(Visible(r.Fresh))))
	if len(r.Fired) > 0 {
		d += fmt.Sprintf("(normalised by: %s)\n", strings.Join(r.Fired, ", "))
	} else {
		d += "(no normalisation rule of the lesson changed either side)\n"
	}
	return d
}

// Visible makes characters that a reader cannot see visible: a tab as →, a carriage return as ␍, a trailing
// space as ·, and other control characters as their Unicode control pictures.
func Visible(text string) string {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		trimmed := strings.TrimRight(body, " ")
		var b strings.Builder
		for _, c := range trimmed {
			switch {
			case c == '\t':
				b.WriteString("→")
			case c == '\r':
				b.WriteString("␍")
			case c < 0x20:
				b.WriteRune(0x2400 + c)
			case c == 0x7f:
				b.WriteRune('␡')
			default:
				b.WriteRune(c)
			}
		}
		b.WriteString(strings.Repeat("·", len(body)-len(trimmed)))
		if strings.HasSuffix(l, "\n") {
			b.WriteString("\n")
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "")
}
