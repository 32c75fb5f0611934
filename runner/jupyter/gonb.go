package jupyter

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"slices"
	"strconv"
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

// gonbState is what GoNB remembers between cells.
type gonbState struct {
	units   []*gonbUnit           // declarations, in the order they were declared; nil where replaced
	byKey   map[string]*gonbUnit  // by name ("T~m" for method m of type T)
	imports map[string]gonbImport // by the name the code uses
}

// gonbUnit is a declaration GoNB remembers: a function, a method, one spec of a var or type declaration, or a
// whole const declaration (its iota counts across specs).
type gonbUnit struct {
	keys []string
	text string          // the declaration's source, doc comment included, as the cell wrote it
	from int             // the In [N] or, for a cell without main, the notebook's cell index
	main bool            // from is a cell number, not a cell index
	uses map[string]bool // every identifier it names: the declarations it may need
	init bool            // a func init_NAME, written as init into every later cell
	typ  string          // the receiver type of a method
}

type gonbImport struct{ name, path string }

func newGonbState() *gonbState {
	return &gonbState{byKey: map[string]*gonbUnit{}, imports: map[string]gonbImport{}}
}

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
	c := &gonbCell{}
	lines := strings.Split(strings.TrimSuffix(lineFeeds(src), "\n"), "\n")
	if first := strings.Fields(strings.TrimPrefix(lines[0], "//gonb:")); len(first) > 0 && cellCommands[first[0]] {
		c.special = first[0]
		return c
	}
	var code strings.Builder
	code.WriteString("package main\n\n")
	c.lines = []int{0, 0}
	closeMain := false
	for i := 0; i < len(lines); i++ {
		line := strings.TrimPrefix(lines[i], "//gonb:")
		if len(line) > 1 && (line[0] == '%' || line[0] == '!') {
			start := i
			text := line
			for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
				i++
				text = text[:len(text)-1] + " " + strings.TrimPrefix(lines[i], "//gonb:")
			}
			c.commands = append(c.commands, gonbCommand{line: start + 1, text: text})
			fields := splitCommand(text[1:])
			switch {
			case text[0] == '!' || len(fields) == 0:
			case fields[0] == "%" || fields[0] == "main":
				if c.mainAt == 0 {
					c.mainAt = start + 1
					c.args = fields[1:]
					code.WriteString("func main() {\n")
					c.lines = append(c.lines, start+1)
					closeMain = true
				}
			case fields[0] == "exec" && len(fields) > 1 && token.IsIdentifier(fields[1]):
				if c.mainAt == 0 {
					c.mainAt = start + 1
					c.args = fields[2:]
					fmt.Fprintf(&code, "func main() {\n%s()\n}\n", fields[1])
					c.lines = append(c.lines, start+1, start+1)
					c.lines = append(c.lines, start+1)
				}
			case fields[0] == "args":
				c.args = fields[1:]
			case fields[0] == "test":
				c.test = true
			}
			continue
		}
		if strings.HasPrefix(lines[i], "package") {
			c.pkg = append(c.pkg, gonbCommand{line: i + 1, text: lines[i]})
			for code.Len() == len("package main\n\n") && i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "" {
				i++ // the blank lines after the cell's first line, its package clause
			}
			continue // GoNB writes package main itself
		}
		code.WriteString(lines[i] + "\n")
		c.lines = append(c.lines, i+1)
	}
	if closeMain {
		code.WriteString("}\n")
		c.lines = append(c.lines, 0)
	}
	c.code = code.String()
	return c
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

// gonbProgram is what import makes of a GoNB cell.
type gonbProgram struct {
	src  string // the program, gofmt'd when it parses
	main bool   // it has func main: an In [N] cell
}

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
				im.gonb.units, im.gonb.byKey, im.gonb.imports = nil, map[string]*gonbUnit{}, map[string]gonbImport{}
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

// forget removes a remembered declaration, as %rm does.
func (s *gonbState) forget(key string) {
	if u, ok := s.byKey[key]; ok {
		s.drop(u)
	}
	delete(s.imports, key)
}

func (s *gonbState) drop(u *gonbUnit) {
	for _, k := range u.keys {
		if s.byKey[k] == u {
			delete(s.byKey, k)
		}
	}
	for j, v := range s.units {
		if v == u {
			s.units[j] = nil
		}
	}
}

// program makes the program GoNB would build from cell i: its code with init_ functions renamed, the
// remembered declarations it uses and the imports it needs. A cell that does not parse is kept as GoNB's
// composition, with a warning.
func (s *gonbState) program(im *importer, i int, gc *gonbCell) *gonbProgram {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", gc.code, parser.ParseComments)
	if err != nil {
		line := 0
		msg := oneLine(err)
		var el scanner.ErrorList
		if errors.As(err, &el) && len(el) > 0 {
			msg = oneLine(errors.New(el[0].Msg))
			if el[0].Pos.Line > 0 && el[0].Pos.Line <= len(gc.lines) {
				line = gc.lines[el[0].Pos.Line-1]
			}
		}
		im.warnf(i, line, "does not parse as Go (%s); kept as it is", msg)
		return &gonbProgram{src: gc.code, main: gc.mainAt > 0 || mainFunc.MatchString(gc.code)}
	}
	prog := &gonbProgram{}
	own := map[string]bool{}
	var inits []string // the func init_NAME the program has
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "main" {
				prog.main = true
				continue
			}
			if d.Recv != nil && len(d.Recv.List) > 0 {
				own[recvType(d.Recv.List[0].Type)+"~"+d.Name.Name] = true
			} else {
				own[d.Name.Name] = true
			}
			if d.Recv == nil && strings.HasPrefix(d.Name.Name, "init_") {
				inits = append(inits, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				for _, n := range specNames(sp) {
					own[n] = true
				}
			}
		}
	}
	code := gc.code
	// The remembered declarations the cell names, and those they name, latest first wins; init_ functions always.
	need := map[*gonbUnit]bool{}
	var visit func(names map[string]bool)
	visit = func(names map[string]bool) {
		for _, u := range s.units {
			if u == nil || need[u] {
				continue
			}
			use := u.init || u.typ != "" && names[u.typ] && !own[u.typ]
			for _, k := range u.keys {
				if names[k] && !own[k] {
					use = true
				}
			}
			if use {
				need[u] = true
				visit(u.uses)
			}
		}
	}
	visit(identifiers(f))
	var carried strings.Builder
	from := -1
	for _, u := range s.units {
		if u == nil || !need[u] {
			continue
		}
		if u.from != from || carried.Len() == 0 {
			where := fmt.Sprintf("In [%d]", u.from)
			if !u.main {
				where = fmt.Sprintf("the declarations of cell %d", u.from)
			}
			fmt.Fprintf(&carried, "\n// From %s: GoNB keeps the declarations of the cells it ran.\n", where)
			from = u.from
		}
		if u.init {
			inits = append(inits, u.keys[0])
		}
		carried.WriteString(u.text + "\n")
	}
	code += carried.String()
	if len(inits) > 0 {
		// GoNB renames them init and writes them in the order of their names, so they run in that order.
		slices.Sort(inits)
		code += "\n// GoNB runs every func init_NAME before main, in the order of their names.\nfunc init() {\n\t" + strings.Join(inits, "()\n\t") + "()\n}\n"
	}
	if gc.mainAt > 0 {
		prog.main = true
		if strings.Contains(code, "flag.") { // GoNB's main starts with flag.Parse()
			code = strings.Replace(code, "func main() {\n", "func main() { flag.Parse()\n", 1) // on the same line: warnings keep their lines
		}
	}
	if len(gc.args) > 0 && prog.main {
		code += withArgs(gc.args)
	}
	prog.src = s.fixImports(im, i, gc, code)
	return prog
}

// mainFunc matches the start of a func main, in a cell that does not parse.
var mainFunc = regexp.MustCompile(`(?m)^func\s+main\s*\(`)

// withArgs returns an init function that gives a program the arguments GoNB ran it with.
func withArgs(args []string) string {
	var q []string
	for _, a := range args {
		q = append(q, strconv.Quote(a))
	}
	return fmt.Sprintf("\n// GoNB ran this cell with the arguments %s.\nfunc init() { os.Args = append(os.Args[:1], %s) }\n",
		strings.Join(q, " "), strings.Join(q, ", "))
}

// oneLine returns an error as one line, at most 100 characters.
func oneLine(err error) string {
	s := strings.SplitN(err.Error(), "\n", 2)[0]
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// specNames returns the names a spec declares; for an import, none.
func specNames(sp ast.Spec) []string {
	var names []string
	switch sp := sp.(type) {
	case *ast.ValueSpec:
		for _, n := range sp.Names {
			names = append(names, n.Name)
		}
	case *ast.TypeSpec:
		names = append(names, sp.Name.Name)
	}
	return names
}

// identifiers returns every identifier n names.
func identifiers(n ast.Node) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
	return names
}

// remember records the declarations of a cell GoNB ran, replacing earlier ones of the same names; func main
// and func init are the cell's alone.
func (s *gonbState) remember(gc *gonbCell, from int, main bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", gc.code, parser.ParseComments)
	if err != nil {
		return // GoNB remembers only the cells it could build
	}
	text := func(start, end token.Pos) string {
		return gc.code[fset.Position(start).Offset:fset.Position(end).Offset]
	}
	add := func(u *gonbUnit, node ast.Node) {
		u.from, u.main = from, main
		u.uses = identifiers(node)
		for _, k := range u.keys {
			if old, ok := s.byKey[k]; ok {
				s.drop(old)
			}
		}
		for _, k := range u.keys {
			s.byKey[k] = u
		}
		s.units = append(s.units, u)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && (d.Name.Name == "main" || d.Name.Name == "init") {
				continue
			}
			start := d.Pos()
			if d.Doc != nil {
				start = d.Doc.Pos()
			}
			u := &gonbUnit{keys: []string{d.Name.Name}, text: text(start, d.End())}
			if d.Recv != nil && len(d.Recv.List) > 0 {
				u.typ = recvType(d.Recv.List[0].Type)
				u.keys = []string{u.typ + "~" + d.Name.Name}
			} else {
				u.init = strings.HasPrefix(d.Name.Name, "init_")
			}
			add(u, d)
		case *ast.GenDecl:
			switch {
			case d.Tok == token.IMPORT:
				for _, sp := range d.Specs {
					imp := importOf(sp.(*ast.ImportSpec))
					if imp.name != "_" && imp.name != "." {
						s.imports[imp.name] = imp
					}
				}
			case d.Tok == token.CONST || !d.Lparen.IsValid():
				start := d.Pos()
				if d.Doc != nil {
					start = d.Doc.Pos()
				}
				var keys []string
				for _, sp := range d.Specs {
					keys = append(keys, specNames(sp)...)
				}
				add(&gonbUnit{keys: keys, text: text(start, d.End())}, d)
			default:
				for _, sp := range d.Specs {
					start := sp.Pos()
					if doc := specDoc(sp); doc != nil {
						start = doc.Pos()
					}
					add(&gonbUnit{keys: specNames(sp), text: d.Tok.String() + " " + text(start, sp.End())}, sp)
				}
			}
		}
	}
}

func specDoc(sp ast.Spec) *ast.CommentGroup {
	switch sp := sp.(type) {
	case *ast.ValueSpec:
		return sp.Doc
	case *ast.TypeSpec:
		return sp.Doc
	}
	return nil
}

// recvType returns the name of a method's receiver type.
func recvType(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}
