// Package build compiles cell programs into executables with the go command, several at a time. A program that
// does not compile is a result, with the compiler's messages made to name the snippet's own files; the error
// return is only for the build infrastructure. It never runs the programs it builds, and never starts a process
// itself: every go command it needs runs through package run's supervisor (run.Command), like the programs, so
// a cancelled build is interrupted, then killed with the compiler and linker it started, and its work
// directory, under a GOTMPDIR in the runner's own temporary directory, goes with it.
//
// Every program is built with -trimpath (file names in panics do not depend on where the lesson lives),
// -buildvcs=false, and -ldflags=-s -w: no symbol table and no DWARF, which debuggers use and programs do not.
// Panics and runtime.Caller read the pclntab, which stays, so a cell prints exactly what its own program would;
// the link is about a quarter faster.
//
// The programs of one module are built by one go command: src= packages by their directories, inline cells
// as packages that an -overlay places in a directory of the module that does not exist on disk (nothing is
// written into the teacher's module), or, for lessons in no module, as packages of a temporary one. An inline
// cell in a batch must print what it prints built alone, as a file outside its module: the compiler is told
// to name its file ./main.go and to use the toolchain's language version, not the module's go line (which
// below 1.22 shares loop variables); cells that import runtime/debug (whose ReadBuildInfo names the main
// package and the build flags), an internal package (importable from inside the module only) or "C" are built
// alone, and so is every inline cell when GOFLAGS sets -gcflags or -overlay, which the batch's would replace.
// When a batch fails, the programs its messages name are built alone, for their own messages, and the rest
// together again.
package build
