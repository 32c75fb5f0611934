// Package engine is the heart of classnotes: it loads a lesson, decides which of its cells run, builds and
// runs them (servers and their clients together), reports events as it goes, compares each fresh output with
// the notes and writes outputs back into the lesson. The command line and the classroom server are front ends
// over it.
//
// A front end learns from it everything about running a lesson, and repeats none of its rules: the lesson as
// loaded and as written back (Load, WriteBack), which servers a cell needs and which are down
// (Lesson.ServersDown), how a cell went and what a page shows of it (Result.Outcome, Result.View), how its
// output compares with the notes and in what words (Compare, Verdict), and the cap on live output
// (OutputCap).
//
// It knows nothing of flags, terminals, colours or HTTP, and it never writes a byte of a lesson outside the
// regions the runner owns (package splice guards them).
package engine
