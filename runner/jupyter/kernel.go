package jupyter

import "classnotes/runner/lesson"

// forKernel adapts the code cell of lesson cell c for GoNB when the notebook runs top to bottom (jupyter
// nbconvert --execute, or Run All): what a server cell, or a cell expected to fail, needs to run there. It may
// set the cell's metadata and tags; it never changes the cell's source, which import reads back.
func forKernel(c *lesson.Cell, cell *Cell) {}
