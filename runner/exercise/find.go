package exercise

import (
	"fmt"
	"strings"
)

// Find returns the solution regions of src, an exercise's program, in order, and every problem with its
// markers, sorted by position. When there are problems the regions are those that could be read, and src must
// not be made into a handout.
func Find(src []byte) ([]Region, []*Error) {
	var f finder
	for i, l := range splitLines(src) {
		f.line(i+1, l)
	}
	f.finish()
	sortErrors(f.errs)
	return f.regions, f.errs
}

// state is where a finder is in a program.
type state int

const (
	outside       state = iota
	inSolution          // after // BEGIN SOLUTION
	afterSolution       // on the line right after // END SOLUTION, where a starter block may begin
	inStarter           // after // BEGIN STARTER
)

// finder reads a program line by line.
type finder struct {
	state   state
	open    Region // the region being read, or whose starter block is being read
	openCol int    // the column of open's // BEGIN SOLUTION
	// starter is the line of the // BEGIN STARTER being read, starterCol its column; orphan is set when that
	// block follows no region.
	starter, starterCol int
	orphan              bool
	regions             []Region
	errs                []*Error
}

func (f *finder) errorf(n, col int, format string, args ...any) {
	f.errs = append(f.errs, &Error{Line: n, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// line reads line n.
func (f *finder) line(n int, l line) {
	k, col, miss := classify(l.text)
	if f.state == afterSolution {
		f.state = outside
		if k == beginStarter && !miss {
			f.state, f.starter, f.starterCol, f.orphan = inStarter, n, col, false
			return
		}
	}
	if miss {
		f.errorf(n, col, "not a marker: write %s alone on its line, exactly", markers[k])
		return
	}
	switch f.state {
	case outside:
		f.outside(n, col, k, l)
	case inSolution:
		f.inSolution(n, col, k)
	case inStarter:
		f.inStarter(n, col, k, l)
	}
}

func (f *finder) outside(n, col int, k kind, l line) {
	switch k {
	case beginSolution:
		f.state, f.openCol = inSolution, col
		f.open = Region{Begin: n, Indent: indent(l.text)}
	case endSolution:
		f.errorf(n, col, "%s without a %s before it", EndSolution, BeginSolution)
	case beginStarter:
		f.errorf(n, col, "%s must come right after a region's %s line, with no blank line between", BeginStarter, EndSolution)
		f.state, f.starter, f.starterCol, f.orphan = inStarter, n, col, true
	case endStarter:
		f.errorf(n, col, "%s without a %s before it", EndStarter, BeginStarter)
	}
}

func (f *finder) inSolution(n, col int, k kind) {
	switch k {
	case beginSolution:
		f.errorf(n, col, "%s inside the region that begins at line %d: regions do not nest; close that one with %s first", BeginSolution, f.open.Begin, EndSolution)
	case endSolution:
		f.open.End = n
		f.regions = append(f.regions, f.open)
		f.state = afterSolution
	case beginStarter:
		f.errorf(n, col, "%s inside the region that begins at line %d: a starter block comes right after the region's %s line", BeginStarter, f.open.Begin, EndSolution)
	case endStarter:
		f.errorf(n, col, "%s without a %s before it", EndStarter, BeginStarter)
	}
}

func (f *finder) inStarter(n, col int, k kind, l line) {
	switch k {
	case plain:
		if _, ok := uncomment(l.text); !ok {
			f.errorf(n, len(indent(l.text))+1, `a line of a starter block must be commented out: "// text", or "//" alone for an empty line`)
		}
	case endStarter:
		if !f.orphan {
			r := &f.regions[len(f.regions)-1]
			r.StarterBegin, r.StarterEnd = f.starter, n
		}
		f.state = outside
	default:
		f.errorf(n, col, "%s inside the starter block that begins at line %d: close that block with %s first", markers[k], f.starter, EndStarter)
	}
}

// finish reports a region or starter block still open at the end of the program, at its first line.
func (f *finder) finish() {
	switch f.state {
	case inSolution:
		f.errorf(f.open.Begin, f.openCol, "%s is not closed: add %s after the solution", BeginSolution, EndSolution)
	case inStarter:
		f.errorf(f.starter, f.starterCol, "%s is not closed: add %s after the starter", BeginStarter, EndStarter)
	}
}

// uncomment returns a starter block's line as the handout has it: "<indent>// text" becomes "<indent>text", and
// "<indent>//" an empty line. It reports false for a line written otherwise.
func uncomment(text string) (string, bool) {
	in := indent(text)
	rest := text[len(in):]
	switch {
	case rest == "//":
		return "", true
	case strings.HasPrefix(rest, "// "):
		return in + rest[len("// "):], true
	}
	return "", false
}
