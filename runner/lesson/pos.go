package lesson

import (
	"bytes"
	"fmt"
	"sort"
)

// Pos is a position in a lesson: line and column, both counted from 1. Columns count bytes.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// lineTable maps byte offsets to positions.
type lineTable struct {
	starts []int // byte offset of the first byte of each line
	size   int
	bom    int // length of the byte-order mark that starts the source, 0 when there is none
}

func newLineTable(src []byte) *lineTable {
	t := &lineTable{starts: []int{0}, size: len(src), bom: bomLen(src)}
	for i, b := range src {
		if b == '\n' {
			t.starts = append(t.starts, i+1)
		}
	}
	return t
}

// pos returns the position of byte offset off. A byte-order mark is not counted in columns: editors do not
// show it.
func (t *lineTable) pos(off int) Pos {
	line := t.line(off)
	start := t.starts[line]
	if line == 0 {
		start = min(t.bom, off)
	}
	return Pos{Line: line + 1, Col: off - start + 1}
}

// line returns the 0-based index of the line holding byte offset off.
func (t *lineTable) line(off int) int {
	return sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > off }) - 1
}

// lineStart returns the offset of the first byte of the 0-based line i, or the source size past the last line.
func (t *lineTable) lineStart(i int) int {
	if i >= len(t.starts) {
		return t.size
	}
	return t.starts[i]
}

// textStart returns the offset of the first byte of the 0-based line i after the byte-order mark, if any.
func (t *lineTable) textStart(i int) int {
	if i == 0 {
		return t.bom
	}
	return t.lineStart(i)
}

// lineEnd returns the offset of the end of the 0-based line i, before its line ending.
func (t *lineTable) lineEnd(src []byte, i int) int {
	if i >= len(t.starts) {
		return t.size
	}
	end := t.lineStart(i + 1)
	if end > t.starts[i] && src[end-1] == '\n' {
		end--
		if end > t.starts[i] && src[end-1] == '\r' {
			end--
		}
	}
	return end
}

// lines returns the number of lines; a final line ending does not start another line.
func (t *lineTable) lines() int {
	if n := len(t.starts); t.starts[n-1] == t.size {
		return n - 1
	}
	return len(t.starts)
}

// bom is the UTF-8 encoding of U+FEFF, which some editors write at the start of a file.
const bom = "\ufeff"

// bomLen returns the length of the byte-order mark that starts src, or 0.
func bomLen(src []byte) int {
	if bytes.HasPrefix(src, []byte(bom)) {
		return len(bom)
	}
	return 0
}
