package site

import "classnotes/runner/engine"

// CellOf returns what a page shows of how a cell went: its raw output and its badges, as the engine sees
// them (engine.Result.View).
func CellOf(r *engine.Result) *Cell {
	v := r.View()
	if v == nil {
		return nil
	}
	c := &Cell{Raw: v.Raw}
	for _, b := range v.Badges {
		c.Badges = append(c.Badges, Badge(b))
	}
	return c
}
