package splice

import (
	"bytes"
	"fmt"
	"sort"
)

// Edit replaces src[Start:End] with Text.
type Edit struct {
	Start, End int
	Text       []byte
}

// Apply returns src with the edits applied. The edits must lie inside src and must not overlap; Apply sorts them.
// With no edits the result is a copy of src.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	edits = append([]Edit(nil), edits...)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	var out bytes.Buffer
	out.Grow(len(src))
	last := 0
	for _, e := range edits {
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("splice: edit [%d,%d) overlaps another or lies outside the source (size %d)", e.Start, e.End, len(src))
		}
		out.Write(src[last:e.Start])
		out.Write(e.Text)
		last = e.End
	}
	out.Write(src[last:])
	return out.Bytes(), nil
}
