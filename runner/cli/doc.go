// Package cli is the runner's command line: it parses each verb's flags, finds lessons, drives them through
// parse, plan, build, run and splice, and reports progress. It holds no knowledge of the lesson format or of how
// programs are built and run beyond calling the packages that own them.
package cli
