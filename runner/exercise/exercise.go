package exercise

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The marker lines, each alone on its line (spaces and tabs around it allowed).
const (
	BeginSolution = "// BEGIN SOLUTION"
	EndSolution   = "// END SOLUTION"
	BeginStarter  = "// BEGIN STARTER"
	EndStarter    = "// END STARTER"
)

// DefaultStarter is the line that replaces a region without a starter block in the handout.
const DefaultStarter = `panic("exercise: write this part")`

// Error is a problem with the markers of a program, at a position of the source given: line and column counted
// from 1, columns in bytes.
type Error struct {
	Line, Col int
	Msg       string
}

// Error returns "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Region is a solution region of a program: the lines of its markers, counted from 1.
type Region struct {
	Begin, End int // the // BEGIN SOLUTION and // END SOLUTION lines
	// StarterBegin and StarterEnd are the // BEGIN STARTER and // END STARTER lines of the region's starter
	// block, 0 when the region has none.
	StarterBegin, StarterEnd int
	Indent                   string // the spaces and tabs before // BEGIN SOLUTION
}

// kind says which marker a line is.
type kind int

const (
	plain kind = iota
	beginSolution
	endSolution
	beginStarter
	endStarter
)

var markers = [...]string{
	beginSolution: BeginSolution,
	endSolution:   EndSolution,
	beginStarter:  BeginStarter,
	endStarter:    EndStarter,
}

// squashed holds each marker's words, upper case and run together, as lookalike compares them.
var squashed = [...]string{
	beginSolution: "BEGINSOLUTION",
	endSolution:   "ENDSOLUTION",
	beginStarter:  "BEGINSTARTER",
	endStarter:    "ENDSTARTER",
}

// line is one line of a source.
type line struct {
	text string // without its ending
	end  string // "\n", "\r\n", or "" for a last line without one
}

// splitLines cuts src after each "\n". A source that ends with "\n" has no empty line after it.
func splitLines(src []byte) []line {
	var lines []line
	s := string(src)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, line{text: s})
			break
		}
		l := line{text: s[:i], end: "\n"}
		if strings.HasSuffix(l.text, "\r") {
			l.text, l.end = l.text[:i-1], "\r\n"
		}
		lines = append(lines, l)
		s = s[i+1:]
	}
	return lines
}

// indent returns the spaces and tabs that start text.
func indent(text string) string {
	return text[:len(text)-len(strings.TrimLeft(text, " \t"))]
}

// classify returns the marker that text (a line without its ending) is, with the column of its first byte. A
// line that is no marker but looks like one (lookalike) is returned as the marker it looks like, with miss set
// and the column where the lookalike comment starts.
func classify(text string) (k kind, col int, miss bool) {
	in := indent(text)
	trimmed := strings.TrimRight(text[len(in):], " \t")
	for k := beginSolution; k <= endStarter; k++ {
		if trimmed == markers[k] {
			return k, len(in) + 1, false
		}
	}
	if k, col := lookalike(text, len(in)); k != plain {
		return k, col, true
	}
	return plain, 0, false
}

// word is a run of ASCII letters in a line, and where it starts.
type word struct {
	start int
	text  string
}

// lookalike reports the marker that a comment of text resembles, and the column where that comment starts: a
// comment is what follows any // or /* of the line (or a # that starts it, nbgrader's Python form), and it
// resembles a marker when its first two words, in upper case and run together, start with the marker's words
// (BEGIN SOLUTION, //BEGIN SOLUTION, // begin solution, // Begin_Solution, // BEGIN SOLUTIONS, /* END STARTER */,
// x++ // END SOLUTION). Such a line is a typo that would otherwise ship a solution in the handout.
func lookalike(text string, indentLen int) (kind, int) {
	var words []word
	for i := 0; i < len(text); {
		if !isLetter(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isLetter(text[j]) {
			j++
		}
		words = append(words, word{i, strings.ToUpper(text[i:j])})
		i = j
	}
	w := 0
	for i := indentLen; i < len(text); i++ {
		var open int
		switch {
		case strings.HasPrefix(text[i:], "//"), strings.HasPrefix(text[i:], "/*"):
			open = 2
		case i == indentLen && text[i] == '#':
			open = 1
		default:
			continue
		}
		for w < len(words) && words[w].start < i+open {
			w++
		}
		if w == len(words) {
			break
		}
		s := words[w].text
		if w+1 < len(words) {
			s += words[w+1].text
		}
		for k := beginSolution; k <= endStarter; k++ {
			if strings.HasPrefix(s, squashed[k]) {
				return k, i + 1
			}
		}
	}
	return plain, 0
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

const (
	markerOutside    = "a solution marker outside an exercise cell: mark the cell exercise, or remove the marker"
	lookalikeOutside = "looks like a solution marker, outside an exercise cell: " +
		"mark the cell exercise and write %s, or reword the comment"
)

// Markers returns one error for each marker line of src, and for each line that looks like one, for a program
// that is not an exercise: there a marker would ship its solution in the handout, since only exercises are
// changed.
func Markers(src []byte) []*Error {
	var errs []*Error
	for i, l := range splitLines(src) {
		k, col, miss := classify(l.text)
		switch {
		case k == plain:
		case miss:
			errs = append(errs, &Error{i + 1, col, fmt.Sprintf(lookalikeOutside, markers[k])})
		default:
			errs = append(errs, &Error{i + 1, col, markerOutside})
		}
	}
	return errs
}

// sortErrors sorts errs by position; errors at one position keep their order.
func sortErrors(errs []*Error) {
	slices.SortStableFunc(errs, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}
