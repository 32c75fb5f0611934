// Package run executes a built cell program in its own process group, captures what it prints, and reports how
// it ended. When the program ends, it ends every process the program left behind, those that escaped the group
// included, and it keeps the runner's temporary directories where a later runner can remove them if this one
// dies; it never builds programs and never formats what they print.
package run
