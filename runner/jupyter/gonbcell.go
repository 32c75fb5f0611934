package jupyter

import (
	"fmt"
	"go/token"
	"strings"
)

// A GoNB cell read as GoNB reads it: its commands apart, its Go lines composed into a file of package main.

// gonbCommand is a line of a cell that is not Go: a % command or a ! shell line, continuations joined.
type gonbCommand struct {
	line int    // from 1
	text string // without //gonb: and without the continuation backslashes
}

// gonbCell is a GoNB cell read as GoNB reads it.
type gonbCell struct {
	commands []gonbCommand
	code     string        // the Go program GoNB composes from the cell's own lines (package main first)
	lines    []int         // for each line of code, the cell's line (from 1); 0 for lines import wrote
	mainAt   int           // the line of %%, %main or %exec; 0 when none
	args     []string      // the program's arguments (%% ARGS, %args ARGS)
	test     bool          // %test: GoNB runs the cell with go test
	special  string        // the first line's cell command (%%writefile, %%script, %%bash, %%sh); "" for a Go cell
	pkg      []gonbCommand // the cell's package clauses, which GoNB skips
}

var cellCommands = map[string]bool{"%%writefile": true, "%%script": true, "%%bash": true, "%%sh": true}

// readGonbCell splits a cell into its commands and its Go code, as GoNB's specialcmd.Parse and
// createGoFileFromLines do.
func readGonbCell(src string) *gonbCell {
	lines := strings.Split(strings.TrimSuffix(lineFeeds(src), "\n"), "\n")
	if first := strings.Fields(strings.TrimPrefix(lines[0], "//gonb:")); len(first) > 0 && cellCommands[first[0]] {
		return &gonbCell{special: first[0]}
	}
	r := &cellReader{gonbCell: &gonbCell{}, src: lines}
	r.write(0, "package main")
	r.write(0, "")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimPrefix(lines[i], "//gonb:")
		switch {
		case len(line) > 1 && (line[0] == '%' || line[0] == '!'):
			i = r.command(i, line)
		case strings.HasPrefix(lines[i], "package"):
			i = r.packageClause(i)
		default:
			r.write(i+1, lines[i])
		}
	}
	if r.closeMain {
		r.write(0, "}")
	}
	r.code = r.b.String()
	return r.gonbCell
}

// cellReader composes a cell's code line by line.
type cellReader struct {
	*gonbCell
	src       []string // the cell's lines
	b         strings.Builder
	closeMain bool // the code ends in the body of the func main that %% or %main opened
}

// write adds a line to the code; line is the cell's line it comes from, 0 for a line import wrote.
func (r *cellReader) write(line int, text string) {
	r.b.WriteString(text + "\n")
	r.lines = append(r.lines, line)
}

// command reads the command that starts at the cell's line i (line is its text without //gonb:) and its
// continuation lines; it returns the index of its last line.
func (r *cellReader) command(i int, line string) int {
	start := i
	text := line
	for strings.HasSuffix(text, `\`) && i+1 < len(r.src) {
		i++
		text = text[:len(text)-1] + " " + strings.TrimPrefix(r.src[i], "//gonb:")
	}
	r.commands = append(r.commands, gonbCommand{line: start + 1, text: text})
	fields := splitCommand(text[1:])
	switch {
	case text[0] == '!' || len(fields) == 0:
	case fields[0] == "%" || fields[0] == "main":
		if r.mainAt == 0 {
			r.mainAt = start + 1
			r.args = fields[1:]
			r.write(start+1, "func main() {")
			r.closeMain = true
		}
	case fields[0] == "exec" && len(fields) > 1 && token.IsIdentifier(fields[1]):
		if r.mainAt == 0 {
			r.mainAt = start + 1
			r.args = fields[2:]
			r.write(start+1, "func main() {")
			r.write(start+1, fmt.Sprintf("%s()", fields[1]))
			r.write(start+1, "}")
		}
	case fields[0] == "args":
		r.args = fields[1:]
	case fields[0] == "test":
		r.test = true
	}
	return i
}

// packageClause skips the package clause at the cell's line i, which GoNB writes itself, and the blank lines
// after it when it is the cell's first line of code; it returns the index of the last line skipped.
func (r *cellReader) packageClause(i int) int {
	r.pkg = append(r.pkg, gonbCommand{line: i + 1, text: r.src[i]})
	for r.b.Len() == len("package main\n\n") && i+1 < len(r.src) && strings.TrimSpace(r.src[i+1]) == "" {
		i++
	}
	return i
}

// splitCommand splits a command into words as GoNB's splitCmd does: at spaces outside double quotes, with \n,
// \t and \" inside them.
func splitCommand(cmd string) []string {
	var parts []string
	var part strings.Builder
	started, quoted := false, false
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case !quoted && (c == ' ' || c == '\t' || c == '\n'):
			if started {
				parts = append(parts, part.String())
			}
			part.Reset()
			started = false
			continue
		case c == '"':
			quoted = !quoted
			started = true
			continue
		case c == '\\' && quoted && i+1 < len(cmd):
			i++
			c = map[byte]byte{'n': '\n', 't': '\t'}[cmd[i]]
			if c == 0 {
				c = cmd[i]
			}
		}
		part.WriteByte(c)
		started = true
	}
	if started {
		parts = append(parts, part.String())
	}
	return parts
}
