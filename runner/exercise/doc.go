// Package exercise reads the solution markers of an exercise's program and makes the student's copy of it (the
// handout), in which every solution region is replaced by its starter. It owns the marker format and its
// positioned errors; it never reads files, runs or compiles anything, and changes no byte outside the regions
// and their starter blocks.
//
// # Format
//
// A program (one Go source file) of an exercise contains solution regions. A region is the lines from a line
// "// BEGIN SOLUTION" to the next line "// END SOLUTION" (nbgrader's words); it may be empty. (That an exercise
// has at least one region, over all its files, is the caller's to check.) A marker line is a line whose text,
// without its line ending and trimmed of spaces and tabs, is exactly one of
//
//	// BEGIN SOLUTION
//	// END SOLUTION
//	// BEGIN STARTER
//	// END STARTER
//
// Markers are read line by line, not as Go: a marker inside a raw string literal is still a marker.
//
// The line right after a region's "// END SOLUTION" may begin the region's starter block, which ends at the
// next "// END STARTER". No blank line may come between "// END SOLUTION" and "// BEGIN STARTER": a starter
// block anywhere else is an error. Every line of a starter block is commented out in the teacher's copy, so
// that the teacher's program builds with the solution alone: "<indent>// text", or "<indent>//" alone for an
// empty line (the indent is spaces and tabs; "//text", "//" followed by anything but a space, and a blank line
// are errors). A starter block may be empty.
//
// In the handout each region, with its starter block if it has one, is replaced by its starter:
//
//   - with a starter block, its lines uncommented: "<indent>// text" becomes "<indent>text" (only the first "// "
//     goes, the rest of the line stays as written) and "<indent>//" becomes an empty line; an empty block leaves
//     nothing;
//   - without one, the single line panic("exercise: write this part") (DefaultStarter), indented as the
//     "// BEGIN SOLUTION" line is.
//
// The marker lines disappear. Every other byte is kept: tabs, trailing spaces, and each line's own ending (LF
// or CRLF; a lone CR is not a line ending). The default starter takes the line ending of its "// BEGIN
// SOLUTION" line. When the replaced lines end the source without a line ending, so does their replacement
// (whose last line, if empty, is then no line at all). A source without markers is its own handout, byte for
// byte.
//
// For example, the teacher's
//
//	func add(a, b int) int {
//		// BEGIN SOLUTION
//		return a + b
//		// END SOLUTION
//		// BEGIN STARTER
//		// // Return the sum of a and b.
//		// return 0
//		// END STARTER
//	}
//
// is, in the handout,
//
//	func add(a, b int) int {
//		// Return the sum of a and b.
//		return 0
//	}
//
// # Errors
//
// Find reports every problem of a program at once, sorted by position (line and column counted from 1,
// columns in bytes): an "// END SOLUTION" without a region open; a "// BEGIN SOLUTION" inside a region (regions
// do not nest); a region or a starter block not closed at the end; a "// BEGIN STARTER" that is not on the line
// right after a region's "// END SOLUTION" (after a blank line, say, or inside a region); a marker inside a
// starter block; an uncommented line in a starter block; an "// END STARTER" without its "// BEGIN STARTER".
// A line that looks like a marker but is not exactly one is an error too ("not a marker"), since it would ship
// the solution it was meant to hide: a comment (after //, /*, or a # that starts the line) whose first two
// words, in upper case and run together, start with BEGINSOLUTION, ENDSOLUTION, BEGINSTARTER or ENDSTARTER,
// such as "//BEGIN SOLUTION", "// begin solution", "// BEGIN SOLUTION: part 1", "### BEGIN SOLUTION", or
// "x++ // END SOLUTION" (a marker is alone on its line).
//
// A program that is not an exercise has no regions: Markers reports each of its marker lines, and each line
// that looks like one, since nothing would remove the solution from the handout.
package exercise
