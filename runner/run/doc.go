// Package run executes a built cell program in its own process group, captures what it prints, and reports how
// it ended. It kills the whole group when the program times out or finishes, so no child outlives its cell; it
// never builds programs and never formats what they print.
package run
