package jupyter

import "classnotes/runner/lesson"

// The tags of a cell's metadata that nbclient reads when it runs a notebook top to bottom (jupyter nbconvert
// --execute, papermill). JupyterLab's Run All reads neither.
const (
	// tagSkip: the cell is not run. A server cell (background) runs until it is interrupted and holds the
	// kernel meanwhile: run, it would stop the run at nbclient's timeout and never let its clients run.
	tagSkip = "skip-execution"
	// tagRaises: an error the kernel reports for the cell does not stop the run. A cell with expect=error is
	// meant to fail; GoNB reports a program's non-zero exit as its output ("exit status 1" on stderr), but a
	// compile error as an error.
	tagRaises = "raises-exception"
)

// forKernel adapts the code cell of lesson cell c for GoNB when the notebook runs top to bottom (jupyter
// nbconvert --execute, or Run All): what a server cell, or a cell expected to fail, needs to run there. It may
// set the cell's metadata and tags; it never changes the cell's source, which import reads back.
func forKernel(c *lesson.Cell, cell *Cell) {
	var tags []string
	if c.Attrs.Background {
		tags = append(tags, tagSkip)
	}
	if c.Attrs.Expect == "error" {
		tags = append(tags, tagRaises)
	}
	if tags != nil {
		cell.Metadata["tags"] = tags
	}
}
