// Package plan decides what each cell of a parsed lesson builds and runs: the program (an src= package directory
// or the inline fence body), the Go module it builds in, its working directory and its timeout, and which servers
// a cell run on its own needs (Needs). It reads the file system to resolve and check paths, reporting problems
// at their place in the lesson; it never builds or runs anything.
package plan
