// Package lesson parses a lesson file into its cells and recorded outputs, by byte offsets into the original
// source. It owns the lesson format and its positioned errors; it never reads other files, runs anything or
// changes a byte of the source.
//
// # File format
//
// A lesson is a CommonMark (GitHub-flavoured) Markdown file, UTF-8 encoded, with LF or CRLF line endings, whose
// name ends in .md. A directory searched for lessons yields none of its hidden files nor of its editors' lock,
// backup and temporary files (EditorFile), whatever their names end in. A UTF-8 byte-order mark at its start is
// read as if it were absent, and kept: offsets count it, columns do not.
// It may start with front matter: a line "---", YAML, and a line "---" or "...". Front matter is never read as
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
// what is written. Other keys (a Jekyll or Hugo site's layout:, date:, tags:) are kept, as every byte of the
// lesson is, and ignored; the runner checks only its own, title and normalize.
//
// A cell is a top-level paragraph consisting only of
//
//	In [N]:
//
// where N is a positive integer unique within the lesson, followed (blank lines allowed) by a fenced code block
// whose info string starts with the word "go". A paragraph that reads as a marker but is written otherwise
// ("In [ 1]:", "In[1]:", "In [1] :", "In [-1]:", "In [1a]:", Jupyter's "In [ ]:", "in [1]:", "IN [1]:",
// "In [1]" without its colon, "**In [1]:**", "In \[1\]:", a no-break space for a space) is an error, not
// prose; brackets holding text that does not start with a digit ("In [the figure]:") are prose. Inline cells
// carry their program in the fence body: a complete Go program in package main.
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
//	needs=N,...       the servers this cell needs: the numbers of background cells before it, separated by
//	                  commas (needs=6, needs=2,6). A cell run on its own (runner run, Run on the classroom
//	                  page) gets only the servers it needs: run starts them first, the page offers to start
//	                  those that are down; and each server started gets the servers it needs in turn. Without
//	                  needs=, a cell that is not background needs the nearest background cell before it of
//	                  each probe kind (tcp, udp, out, and no ready= at all, a kind of its own), and a background
//	                  cell needs none. render and check run every cell in order; needs= changes nothing there.
//
//	compare=MODE      how check compares the fresh output with the notes: exact (the default), unordered (as
//	                  sorted lines, for a concurrent server) or ignore (run it, never compare).
//	expect=error      the cell is meant to fail (non-zero exit, panic, compile error, timeout): a failure counts
//	                  as success, and a clean exit is reported as a failure.
//	net               the cell needs the internet. With --offline, render keeps its recorded output byte for
//	                  byte and check reports it as skipped.
//	platform          the output differs from one OS or architecture to another (a path, an error message the
//	                  OS words): its fingerprint covers GOOS and GOARCH, so a render on another platform
//	                  makes it stale. No other cell's fingerprint does.
//	exercise          the cell is an exercise: its program (inline, or every Go file of its src= package) has
//	                  solution regions, "// BEGIN SOLUTION" ... "// END SOLUTION" lines, each optionally
//	                  followed by a "// BEGIN STARTER" ... "// END STARTER" block of commented-out lines. The
//	                  students' copy (runner handout) has each region replaced by its starter: the block's lines
//	                  uncommented, or panic("exercise: write this part"). check builds and runs each starter
//	                  too: it must compile and must not already print the recorded output. A marker outside
//	                  an exercise is an error. Not with background or compare=ignore.
//	hide              an exercise whose expected output the handout keeps only as a digest.
//
// Unknown attributes and malformed values are errors.
//
// The output of cell N is a top-level paragraph
//
//	Out [N]:
//
// followed by one fenced code block whose info string starts with "text", placed right after the code block of
// cell N. The info string also carries "fp=" and the first 12 hex digits of the cell's fingerprint (a SHA-256
// of its program, the packages of its module it imports, the versions of the modules it imports, its go.mod's
// go, toolchain and godebug lines, the Go release such as go1.26, and its running attributes; the same on every
// OS unless the cell is marked platform): "```text fp=1a2b3c4d5e6f". GitHub does not show it; the runner uses it
// to tell, without running anything, which outputs are stale. In a students' handout, an exercise's block
// carries "want=" and the SHA-256 of the expected output as normalised for comparison instead: "```text
// want=…". The block holds the expected output (or a line saying it is hidden); check compares a fresh output
// with the digest, and the runner never replaces the block. The recorded text is the program's standard output and standard error merged in arrival order, with
// ANSI escape sequences removed and invalid UTF-8 shown as U+FFFD, followed by a last line saying how the program
// ended when that was not a clean exit ("exit status 3", "timed out after 10s"). A program that fails to compile
// records the compiler's messages.
//
// A ```go block without a marker is ordinary code shown in the lesson.
//
// # Markers the reader cannot see
//
// A cell that silently is not one is never run, and check passes on notes nobody checked. So a line that reads
// as a marker anywhere Parse reads no marker is an error, never prose, at the line's first character:
//
//   - in a list item or a block quote ("- In [1]:", "> Out [1]:"): markers stand alone at the left margin;
//   - in an indented code block (four spaces or a tab in): a marker is indented by at most three spaces;
//   - in a paragraph of several lines ("Look at" on the line before it, with no blank line between) or a
//     heading underlined with === or ---: a marker is a paragraph of its own;
//   - in an HTML block: a <div> or <details> without a blank line before the marker, or an HTML comment. A
//     cell commented out with <!-- --> is an error too: to keep it out of the lesson, delete it (version
//     control remembers it), or keep only its code, in a fence without a marker.
//
// "Reads as a marker" means: a line standing alone (a paragraph or list item of one line, a line of an HTML or
// indented code block) that matches any of the malformed forms above; a line of a longer paragraph only when
// it starts with In or Out, capitalised, and ends with the colon, emphasis aside, so that hard-wrapped prose
// ending a line with "in [1]" stays prose. A marker with more words on its line ("In [1]: prints the host name"), in a code span
// (`In [1]:`), in a fenced block or in an ATX heading ("## In [1]:") is text, and the way to write one. A line
// is read as a reader of the rendered lesson sees it: emphasis, backslash escapes, inline HTML tags and comments
// ("<span>In [1]:</span>", "In [1]: <!-- note -->") and invisible characters (zero-width, byte-order mark) are
// left out, and any space character (no-break, en space) counts as a space.
//
// An HTML block whose end is missing (a "<!--" without "-->", a "<pre>" without "</pre>", "<?" without "?>")
// runs to the end of the file and hides everything after it, cells included; at the top level it is an error
// whatever it hides, reported at its first line with the first marker it hides:
//
//	class15.md:7:1: unclosed HTML comment: no "-->" after "<!--", so it runs to the end of the file and hides "In [2]:" at line 9
//
// These are errors, not warnings, so that check fails on them with or without any flag.
//
// # What the runner owns
//
// The runner rewrites three kinds of region and no other byte: the body of a src= cell's code block (between its
// fence lines), the Out [N]: block of cell N (from the marker's line through the closing fence line), and, for a
// cell without one, the place right after its code block, where it inserts the Out block. The body of an inline
// cell is the author's.
//
// A fence the author forgot to close does not always run to the end of the file: CommonMark closes it at the
// next line of the same character, at least as long and with no info string, and that is usually the closing
// line of a later cell. Everything in between, headings, prose and cells, would become the body of the fence,
// and rewriting it would delete the author's text. So Parse reports a top-level fence as seemingly unclosed, and
// returns neither the cell nor the Out block it belongs to, when its body holds
//
//   - a fence opener of the same character, at least as long, with an info string ("```go" or "```sh" inside a
//     ``` block): it cannot close the fence, and its own closing line would have. Checked in every top-level
//     fence. The runner never writes one into an Out block, whose fence is longer than any backtick run in the
//     output; a Go program holds one only in a comment or raw string, and a longer fence (````go) holds it.
//   - for a src= cell only: a line that reads as a marker (In [N]: or Out [N]:, even malformed, up to three
//     spaces before it) followed, after blank lines only, by any fence opener or by the end of the body (the
//     cell's own bare fence closed this one); that is a cell, whatever its fence, and no Go file holds it. Not in an Out block: a program may print a marker and a fence, and the runner must be able to
//     read back what it writes. A marker alone, or headings and HTML, are never suspicious: a program may
//     print them.
//
// A src= program that would make its fence look unclosed must not be written (see Swallows). What these checks
// cannot see: a fence closed by a stray fence line, or by a closing line longer than its own opening line, with
// only prose in between; such a lesson reads exactly like a right one.
//
// # Errors
//
// Every problem is reported as "file:line:col: message", with line and column counted from 1 (columns in bytes),
// and all problems of a file are reported together, sorted by position. A lesson with problems must not be
// rewritten. A fence that seems unclosed is reported at its opening line, naming the first line that gives it
// away:
//
//	class15.md:5:1: In [1]: this fence seems unclosed: its body runs into In [2]: at line 11
//	class15.md:9:1: Out [1]: this fence seems unclosed: its body runs into a ```go fence at line 16
//	class15.md:3:1: this ``` fence seems unclosed: its body runs into a ```sh fence at line 7
package lesson
