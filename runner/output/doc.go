// Package output turns what a cell printed into the text recorded under Out [N]: escape sequences removed,
// invalid UTF-8 made visible, line endings made plain, and a last line saying how the program ended. It never
// runs anything and never decides what a cell's outcome is.
package output
