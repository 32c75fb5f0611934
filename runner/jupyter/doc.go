// Package jupyter converts between lessons and Jupyter notebooks (nbformat 4): it exports a parsed lesson, with
// its programs and recorded outputs, as a deterministic .ipynb for the GoNB kernel, and imports a notebook as a
// lesson skeleton to be ported. It owns the notebook format and its errors; it never runs a cell, reads the
// cache or writes a file — the caller hands it bytes and writes what it returns.
//
// # Importing a notebook
//
// A notebook to import is untrusted input. Import reads nbformat 4 only (an older notebook is refused with how
// to upgrade it, a later one as later), of at most MaxSize bytes, which the caller's reader enforces. A refusal
// names the notebook and, for a problem of one cell, the cell (counted from 0, as in the file's cells list) and
// the field, with what was there:
//
//	course.ipynb: cell 3: execution_count: expected an integer or null, got "x"
//
// every bad cell at once. Content that is missing or null (cells, source, a stream's text) is refused, never
// imported as empty. Images (PNG, JPEG, SVG outputs and Markdown attachments) are decoded and checked and
// returned as Skeleton.Files, under import's own names, for the caller to write beside the lesson (images.go);
// other outputs that are not text (HTML, JSON such as widget views, application/json or any +json type) are
// skipped and listed by cell in Skeleton.Dropped and in the skeleton.
//
// A notebook the runner exported comes back as the lesson it was. One written for GoNB becomes the programs
// GoNB builds from its cells (gonb.go and the gonb*.go files beside it: declarations carried, imports added as
// goimports would, commands turned into prose); what has no equivalent is a warning in Skeleton.Warnings,
// "cell 3: line 2: ...", and a line "To be ported — cell 3: line 2: ..." in the prose. Any other becomes a
// porting worksheet (port.go): each code cell under "To be ported — python cell [7] (notebook cell 12):".
//
// The skeleton always parses as a lesson, with at most one In [N] cell for each code cell of a Go notebook
// (exactly one for a notebook the runner exported) and none otherwise: nothing the notebook says becomes
// lesson structure unless import writes it. The notebook's language
// is used as a fence's info string only when it is one word ("python", "c++"); the attributes export keeps in
// a cell's metadata are checked by the lesson parser and written again, src= refused; code, raw cells and
// outputs go in fences longer than any run of backticks in them; and Markdown cells stay prose (see prose in
// prose.go: an open fence or HTML comment is closed at the end of its cell, as Jupyter renders it, and a line
// the lesson would read as a marker is written as code). FuzzImport checks all of this.
package jupyter
