// Package engine is the heart of classnotes: it loads a lesson, decides which of its cells run, builds and
// runs them (servers and their clients together), reports events as it goes, compares each fresh output with
// the notes and writes outputs back into the lesson. The command line and the classroom server are front ends
// over it.
//
// It knows nothing of flags, terminals, colours or HTTP, and it never writes a byte of a lesson outside the
// regions the runner owns (package splice guards them).
package engine
