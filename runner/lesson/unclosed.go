package lesson

import (
	"bytes"
	"fmt"
	"regexp"
)

// Why the rule in doc.go ("What the runner owns") is what it is. A swallowing fence ends at a line that can
// close it. In an author's text that line is either the closing line of a block whose opener has an info
// string, and that opener is then in the body (the first check), or the opening line of a bare block. Then the
// bare block's closing line is left to open a fence, which in turn ends at the next such line, and so on: the
// chain stops at a fence that runs to the end of the file or at one whose body holds an opener with an info
// string, a cell's for instance, and both are reported. So the first check, on every top-level fence, refuses
// every such lesson (fences of mixed lengths aside), though not always at the fence that was left open. It never
// fires on what the runner writes into an Out block, and on Go code only in a comment or raw string. The second
// check (a marker, then any fence) reports earlier and more clearly when the swallowed cell's fence is of the
// other character or shorter. It is kept to src= bodies: Go code holds it only in a raw string, but a program's
// output may well hold it, and the runner must read back every output it records. A marker alone is never
// enough: a program may print "In [3]:".

// looseMarker matches a line that reads as a cell marker, well-formed or not: In or Out, brackets holding
// nothing (Jupyter's "In [ ]:") or one word that starts with a digit after an optional sign, and a colon, with
// or without spaces between them. Other text in brackets ("In [the figure]:", "In [Fig. 2]:") is prose. A line
// standing alone in the Markdown is matched more loosely still (nearMarker, in hidden.go).
var looseMarker = regexp.MustCompile(`^(In|Out)[ \t]*\[[ \t]*((?:[-+]?[0-9][^\]\s]*)?)[ \t]*\][ \t]*:$`)

// swallowed reports the first lesson structure in the body of fence f, as "a ```go fence at line 12" or
// "In [2]: at line 9". A cell marker followed by a fence of any kind counts only when cells is true.
func (p *parser) swallowed(f Fence, cells bool) (string, bool) {
	line, what := swallows(f.Marker, p.src[f.Body:f.BodyEnd], cells)
	if line == 0 {
		return "", false
	}
	return fmt.Sprintf("%s at line %d", what, p.lines.line(f.Body)+line), true
}

// Swallows reports whether body, as the body of a src= cell's fence opened with marker, holds lesson structure
// that makes Parse report the fence as seemingly unclosed. It returns the line of body, counted from 1, where
// that structure starts and what it is ("a ```go fence", "In [2]:"), or 0 when there is none. Whoever writes
// such a body must refuse to: Parse would not read the lesson back.
func Swallows(marker string, body []byte) (line int, what string) {
	return swallows(marker, body, true)
}

// swallows implements Swallows. A fence opener that could not have closed the fence counts always; a cell
// marker followed, after blank lines, by any fence opener or by the end of the body counts when cells is true.
// Either way, when the opener follows a marker, the marker is named: it is where the swallowed cell starts.
func swallows(marker string, body []byte, cells bool) (int, string) {
	var seen string // the marker seen last, while only blank lines follow it
	seenLine := 0
	for i, line := range bytes.SplitAfter(body, []byte("\n")) {
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.Trim(line, " \t")) == 0 {
			continue
		}
		run, info, isOpener := fenceOpener(line)
		foreign := isOpener && run[0] == marker[0] && len(run) >= len(marker) && info != ""
		if isOpener && seen != "" && (cells || foreign) {
			return seenLine, seen
		}
		if foreign {
			return i + 1, "a " + run + firstWord(info) + " fence"
		}
		seen = ""
		if t := bytes.TrimRight(line, " \t"); indent(t) <= 3 && looseMarker.Match(t[indent(t):]) {
			seen, seenLine = string(t[indent(t):]), i+1
		}
	}
	if cells && seen != "" { // the marker's own fence, without an info string, closed this one
		return seenLine, seen
	}
	return 0, ""
}

// fenceOpener reports whether line, without its line ending, could open a fenced code block at the top level of
// a document, and returns its run of fence characters and its info string, trimmed.
func fenceOpener(line []byte) (run string, info string, ok bool) {
	n := indent(line)
	if n > 3 {
		return "", "", false
	}
	line = line[n:]
	k := fenceRun(line)
	if k < 3 {
		return "", "", false
	}
	rest := bytes.Trim(line[k:], " \t")
	if line[0] == '`' && bytes.IndexByte(rest, '`') >= 0 {
		return "", "", false // a backtick fence's info string holds no backtick: this is inline code
	}
	return string(line[:k]), string(rest), true
}

// indent returns the number of spaces that start line.
func indent(line []byte) int { return len(line) - len(bytes.TrimLeft(line, " ")) }
