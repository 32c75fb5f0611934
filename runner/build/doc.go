// Package build compiles cell programs into executables with the go command, several at a time. A program that
// does not compile is a result, with the compiler's messages made to name the snippet's own files; the error
// return is only for the build infrastructure. It never runs the programs it builds.
package build
