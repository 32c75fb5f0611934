// Package lesson parses a lesson file into its cells and recorded outputs, by byte offsets into the original
// source. It owns the lesson format and its positioned errors; it never reads other files, runs anything or
// changes a byte of the source.
//
// # File format
//
// A lesson is a CommonMark (GitHub-flavoured) Markdown file, UTF-8 encoded, with LF or CRLF line endings. It may
// start with front matter: a line "---", YAML, and a line "---" or "...". Front matter is never read as
// Markdown. Its keys:
//
//	title: Class 15 — Networking
//	normalize:
//	  - name: ipv4                 # optional; names the rule in diffs
//	    pattern: '\b\d+(\.\d+){3}\b' # Go regular expression
//	    replace: 'IPV4'             # $1 stands for the first group
//
// The normalize rules are applied in order, after the built-in ones (CRLF to LF, no spaces or tabs at line
// ends, no trailing blank lines), to the recorded and the fresh output alike when they are compared; never to
// what is written. Other keys are errors.
//
// A cell is a top-level paragraph consisting only of
//
//	In [N]:
//
// where N is a positive integer unique within the lesson, followed (blank lines allowed) by a fenced code block
// whose info string starts with the word "go". Inline cells carry their program in the fence body: a complete
// Go program in package main.
//
// Attributes follow "go" in the info string, separated by spaces, as key=value or as a bare key. A value may be
// double-quoted with Go string syntax (src="my dir/main.go"). Known attributes:
//
//	src=PATH          the cell's program is the Go file at PATH, relative to the lesson file; that file's package
//	                  directory is built and run, and the fence body is rewritten to show the file's contents.
//	                  PATH must end in .go and stay inside the module that holds the lesson (or inside the
//	                  lesson's directory when the lesson is not in a Go module).
//	timeout=DURATION  how long the cell may run, as a Go duration (1500ms, 2s, 1m); default 10s. For a
//	                  background cell, how long to wait for it to be ready.
//	background        the cell is a server: it is started and left running while the cells after it run, and
//	                  stopped when the lesson's last cell has finished (interrupt, then kill after 2s). Its
//	                  output is everything it printed until then, and how it ended ("signal: interrupt").
//	ready=PROBE       with background: the next cell starts only when the server is ready. PROBE is
//	                  tcp:HOST:PORT (a TCP socket listens there), udp:HOST:PORT (a UDP socket is bound there)
//	                  or out:REGEX (what the server printed so far matches the Go regular expression, in which
//	                  ^ and $ match at the start and end of each line). HOST is
//	                  an IP address or localhost. A server that is not ready in time, exits first, or whose
//	                  address is already in use before it starts stops the lesson: later cells are not run.
//
//	compare=MODE      how check compares the fresh output with the notes: exact (the default), unordered (as
//	                  sorted lines, for a concurrent server) or ignore (run it, never compare).
//	expect=error      the cell is meant to fail (non-zero exit, panic, compile error, timeout): a failure counts
//	                  as success, and a clean exit is reported as a failure.
//	net               the cell needs the internet. With --offline, render keeps its recorded output byte for
//	                  byte and check reports it as skipped.
//
// Unknown attributes and malformed values are errors.
//
// The output of cell N belongs to the runner. It is a top-level paragraph
//
//	Out [N]:
//
// followed by one fenced code block whose info string starts with "text", placed right after the code block of
// cell N. The runner inserts it when missing and replaces it when present; every other byte of the lesson is the
// author's. The info string also carries "fp=" and the first 12 hex digits of the cell's fingerprint (a SHA-256
// of its program, go.mod, go.sum, toolchain and running attributes): "```text fp=1a2b3c4d5e6f". GitHub does not
// show it; the runner uses it to tell, without running anything, which outputs are stale. The recorded text is the program's standard output and standard error merged in arrival order, with
// ANSI escape sequences removed and invalid UTF-8 shown as U+FFFD, followed by a last line saying how the program
// ended when that was not a clean exit ("exit status 3", "timed out after 10s"). A program that fails to compile
// records the compiler's messages.
//
// Markers inside lists, block quotes or other containers are prose, not cells. A ```go block without a marker is
// ordinary code shown in the lesson.
//
// # Errors
//
// Every problem is reported as "file:line:col: message", with line and column counted from 1 (columns in bytes),
// and all problems of a file are reported together, sorted by position.
package lesson
