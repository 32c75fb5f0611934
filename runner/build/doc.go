// Package build compiles cell programs into executables with the go command, several at a time. A program that
// does not compile is a result, with the compiler's messages made to name the snippet's own files; the error
// return is only for the build infrastructure. It never runs the programs it builds.
//
// Every program is built with -trimpath (file names in panics do not depend on where the lesson lives),
// -buildvcs=false, and -ldflags=-s -w: no symbol table and no DWARF, which debuggers use and programs do not.
// Panics and runtime.Caller read the pclntab, which stays, so a cell prints exactly what its own program would;
// the link is about a quarter faster.
package build
