// Package splice rewrites a lesson by splicing edits into its original bytes: the recorded output of each cell
// and the code of cells attached with src=. It never touches a byte outside those regions and never normalises
// line endings, tabs or spaces of the rest of the file.
package splice
