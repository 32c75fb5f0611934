package lesson

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is a problem in a lesson at a position.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

// Error returns "file:line:col: message" on one line: line breaks that a value brought into the message are
// shown as \n.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, oneLine.Replace(e.Msg))
}

var oneLine = strings.NewReplacer("\r", `\r`, "\n", `\n`)

// errorList collects the problems of one file.
type errorList []*Error

func (l *errorList) add(file string, p Pos, format string, args ...any) {
	*l = append(*l, &Error{File: file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// err returns the problems sorted by position and joined, or nil when there are none.
func (l errorList) err() error {
	if len(l) == 0 {
		return nil
	}
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// SortErrors joins errs, nil ones left out, with every positioned *Error among them (also inside joined errors)
// in position order, followed by the other errors.
func SortErrors(errs ...error) error {
	var positioned errorList
	var other []error
	var flatten func(err error)
	flatten = func(err error) {
		e, isPositioned := err.(*Error)
		switch {
		case err == nil:
		case isPositioned:
			positioned = append(positioned, e)
		default:
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				for _, inner := range j.Unwrap() {
					flatten(inner)
				}
				return
			}
			other = append(other, err)
		}
	}
	for _, err := range errs {
		flatten(err)
	}
	return errors.Join(append([]error{positioned.err()}, other...)...)
}
