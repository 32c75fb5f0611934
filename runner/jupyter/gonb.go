package jupyter

import (
	"fmt"
	"go/token"
	"strings"
)

//go:generate go run ./internal/mkstd

// A GoNB cell is not a program: GoNB (github.com/janpfeifer/gonb, v0.11) writes `package main` itself (a line of
// the cell starting with "package" is skipped), runs goimports on it (imports added, unused ones removed),
// remembers the declarations of every cell it ran and writes them into every later cell (a later declaration
// of the same name replaces the earlier one; a method is keyed by its type), turns a "%%" or "%main" line into
// the start of func main (its body up to the end of the cell, flag.Parse() first, the rest of the line as the
// program's arguments) and renames every func init_NAME to init, so that they run before main in the order of
// their names (import calls them from one func init instead). Other lines that start
// with % are commands to the kernel, lines that start with ! are shell commands, either maybe prefixed by
// //gonb: and continued by a trailing backslash; a cell whose first line is %%writefile, %%script, %%bash or
// %%sh is not Go at all. See internal/goexec/composer.go, parser.go and internal/specialcmd of GoNB.
//
// Import makes each GoNB cell the program GoNB would build: the cell's code, the declarations of earlier cells
// that it uses (copied, transitively, latest wins) and the imports goimports would add, from the imports of
// earlier cells and the standard library (stdpkgs.go: never the module cache, so that the same notebook
// imports the same way on every machine). A cell without main becomes a Go block in the prose, its
// declarations carried into the cells after it; what has no equivalent in a lesson becomes a line of the
// skeleton's prose starting "To be ported —" and a warning, both naming the cell and its line.
//
// The steps, one file each: gonbcell.go reads a cell as GoNB does, gonbdecls.go remembers the declarations of
// the cells run and chooses those a cell carries, gonbprogram.go composes the program, gonbimports.go adds
// and removes its imports as goimports does; this file turns the result into the lesson's Markdown.

// warnf records a problem of cell i at line (0: the whole cell): a warning on stderr and a line in the prose.
func (im *importer) warnf(i, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	im.sk.Warnings = append(im.sk.Warnings, fmt.Sprintf("cell %d: %s", i, msg))
	im.notes = append(im.notes, fmt.Sprintf("To be ported — cell %d: %s", i, msg))
}

// shownCommand returns a command as a warning shows it: one code span, at most 60 characters, control
// characters as "?".
func shownCommand(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		r = append(r[:59], '…')
	}
	for k, c := range r {
		if c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' || c == '\u2029' {
			r[k] = '?'
		}
	}
	return codeSpan(string(r))
}

// gonbCode imports a code cell of a GoNB notebook.
func (im *importer) gonbCode(i int, c *cell) error {
	gc := readGonbCell(c.source)
	if gc.special != "" {
		im.warnf(i, 1, "%s: GoNB runs this cell as %s, not Go; kept as a block", shownCommand(gc.special), strings.TrimPrefix(gc.special, "%%"))
		im.fence("", lineFeeds(c.source))
		im.outputsBlock(c, "what GoNB printed")
		im.flushNotes(i, c)
		return nil
	}
	im.commands(i, gc)
	prog := im.gonb.program(im, i, gc)
	if len(gc.args) > 0 && !prog.main && !gc.test {
		im.warnf(i, 0, "arguments (%%args) for a cell without main; left out")
	}
	switch {
	case prog.main && !gc.test:
		n := im.number(c)
		im.cells = append(im.cells, n)
		im.gonb.remember(gc, n, true)
		im.block(fmt.Sprintf("In [%d]:", n))
		im.fence("go", prog.src)
		if c.outputs {
			im.block(fmt.Sprintf("Out [%d]:", n))
			im.fence("text", c.text)
		}
	case strings.TrimSpace(goBody(gc.code)) != "":
		if gc.test {
			im.warnf(i, 0, "GoNB runs this cell with go test (%%test); the runner runs programs: move the tests into a _test.go file")
		}
		im.gonb.remember(gc, i, false)
		im.block("GoNB declarations (no main: not a cell of the lesson; the cells below that use them carry them):")
		im.fence("go", goBody(gc.code))
		im.outputsBlock(c, "what GoNB printed")
	default:
		im.outputsBlock(c, "what GoNB printed")
	}
	im.flushNotes(i, c)
	return nil
}

// goBody returns a program without its package clause.
func goBody(src string) string {
	if rest, ok := strings.CutPrefix(src, "package main\n"); ok {
		return strings.TrimLeft(rest, "\n")
	}
	return src
}

// outputsBlock writes a cell's text output, when it has one, under a line saying what it is.
func (im *importer) outputsBlock(c *cell, what string) {
	if c.text != "" {
		im.block("To be ported — " + what + ":")
		im.fence("text", c.text)
	}
}

// flushNotes writes the notes of the cell just imported: what was not imported and what is to be ported.
func (im *importer) flushNotes(i int, c *cell) {
	im.afterOutputs(i, c)
	for _, n := range im.notes {
		im.block(n)
	}
	im.notes = nil
}

// commands turns a cell's commands into prose and state where GoNB's effect has an equivalent, and into
// warnings where it has none.
func (im *importer) commands(i int, gc *gonbCell) {
	for _, p := range gc.pkg {
		if f := strings.Fields(p.text); len(f) != 2 || f[0] != "package" || f[1] != "main" {
			im.warnf(i, p.line, "%s: GoNB skips this line and builds package main; so does the lesson", shownCommand(p.text))
		}
	}
	var shell []string
	for _, cmd := range gc.commands {
		if cmd.text[0] == '!' {
			sh := strings.TrimSpace(cmd.text[1:])
			if strings.HasPrefix(sh, "*") {
				im.warnf(i, cmd.line, "%s runs in GoNB's build directory (its go.mod); in a course, run it in the course's module", shownCommand(cmd.text))
				sh = strings.TrimSpace(sh[1:])
			}
			shell = append(shell, sh)
			continue
		}
		fields := splitCommand(cmd.text[1:])
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "%", "main", "exec", "test":
			if fields[0] == "exec" && (len(fields) < 2 || !token.IsIdentifier(fields[1])) {
				im.warnf(i, cmd.line, "%s: expected the name of a function", shownCommand(cmd.text))
			}
		case "args":
		case "rm", "remove":
			for _, name := range fields[1:] {
				im.gonb.forget(name)
			}
		case "reset":
			if len(fields) == 1 {
				im.gonb.reset()
			}
		default:
			im.warnf(i, cmd.line, "%s: a GoNB command the lesson has no equivalent for; left out", shownCommand(cmd.text))
		}
	}
	if len(shell) > 0 {
		im.block("GoNB ran these shell commands (run them in a terminal):")
		im.fence("sh", strings.Join(shell, "\n"))
	}
}
