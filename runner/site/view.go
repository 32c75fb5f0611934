package site

import "classnotes/runner/view"

// Cell is what a page shows of a cell's run: the view model of package view, drawn as it is. Its raw output,
// when there is one, is drawn in colour in place of the recorded text; its badges say how the run went.
type Cell = view.Cell

// Badge is a short label on a cell: its text and its kind, one of "ok", "fail", "info". Its JSON form,
// {"text":…,"kind":…}, is what a served page reads.
type Badge = view.Badge
