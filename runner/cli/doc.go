// Package cli is the runner's command line: it parses each verb's flags, finds the lessons named on the command
// line, and drives them through the engine (package engine), showing progress, outputs, diffs and colours, and
// choosing exit codes. It knows nothing of how lessons are parsed or how programs are built and run: the
// engine does that, and reports to cli through events.
package cli
