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

// The program GoNB builds from a cell: its code, the remembered declarations it uses, its init_ functions
// called from one init, flag.Parse and its arguments; then its imports (gonbimports.go).

// gonbProgram is what import makes of a GoNB cell.
type gonbProgram struct {
	src  string // the program, gofmt'd when it parses
	main bool   // it has func main: an In [N] cell
}

// program makes the program GoNB would build from cell i: its code with init_ functions renamed, the
// remembered declarations it uses and the imports it needs. A cell that does not parse is kept as GoNB's
// composition, with a warning.
func (s *gonbState) program(im *importer, i int, gc *gonbCell) *gonbProgram {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", gc.code, parser.ParseComments)
	if err != nil {
		line, msg := parseError(err, gc)
		im.warnf(i, line, "does not parse as Go (%s); kept as it is", msg)
		return &gonbProgram{src: gc.code, main: gc.mainAt > 0 || mainFunc.MatchString(gc.code)}
	}
	code := gc.code
	if mains := mainFuncs(f); len(mains) > 1 {
		code = lastMainOnly(im, i, gc, fset, mains)
		f, _ = parser.ParseFile(token.NewFileSet(), "cell.go", code, parser.ParseComments)
	}
	own, inits, hasMain := cellDecls(f)
	carried, carriedInits := s.carried(s.needed(identifiers(f), own))
	code += carried + initFunc(append(inits, carriedInits...))
	prog := &gonbProgram{main: hasMain || gc.mainAt > 0}
	if gc.mainAt > 0 {
		code = withFlagParse(code)
	}
	if len(gc.args) > 0 && prog.main {
		code += withArgs(gc.args)
	}
	prog.src = s.fixImports(im, i, gc, code)
	return prog
}

// parseError returns the cell's line of a parse error (0 when it has none) and its message, on one line.
func parseError(err error, gc *gonbCell) (int, string) {
	var el scanner.ErrorList
	if !errors.As(err, &el) || len(el) == 0 {
		return 0, oneLine(err)
	}
	line := 0
	if el[0].Pos.Line > 0 && el[0].Pos.Line <= len(gc.lines) {
		line = gc.lines[el[0].Pos.Line-1]
	}
	return line, oneLine(errors.New(el[0].Msg))
}

// mainFuncs returns the cell's func main declarations: its own and the one %%, %main or %exec starts.
func mainFuncs(f *ast.File) []*ast.FuncDecl {
	var mains []*ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			mains = append(mains, fd)
		}
	}
	return mains
}

// lastMainOnly returns the cell's code without its func main declarations but the last, each left out with a
// warning: GoNB keeps the last declaration of a name in a cell (that of %% when there is one, for its body runs
// to the end of the cell). Each is replaced by as many line feeds, so that the cell's lines stay where they are.
func lastMainOnly(im *importer, i int, gc *gonbCell, fset *token.FileSet, mains []*ast.FuncDecl) string {
	cellLine := func(p token.Pos) int { return gc.lines[fset.Position(p).Line-1] }
	var edits []edit
	for _, fd := range mains[:len(mains)-1] {
		im.warnf(i, cellLine(fd.Pos()), "func main: GoNB runs the cell's last func main (line %d); this one is left out", cellLine(mains[len(mains)-1].Pos()))
		start, end := fset.Position(withDoc(fd.Pos(), fd.Doc)).Offset, fset.Position(fd.End()).Offset
		edits = append(edits, edit{start, end, strings.Repeat("\n", strings.Count(gc.code[start:end], "\n"))})
	}
	return applyEdits(gc.code, edits)
}

// cellDecls returns what a cell declares itself: the names of its declarations ("T~m" for method m of type
// T), those of its func init_NAME, and whether it has func main.
func cellDecls(f *ast.File) (own map[string]bool, inits []string, main bool) {
	own = map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "main" {
				main = true
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
	return own, inits, main
}

// initFunc returns the func init that calls a program's init_ functions, "" when it has none. GoNB renames
// them init and writes them in the order of their names, so they run in that order.
func initFunc(inits []string) string {
	if len(inits) == 0 {
		return ""
	}
	slices.Sort(inits)
	return "\n// GoNB runs every func init_NAME before main, in the order of their names.\nfunc init() {\n\t" + strings.Join(inits, "()\n\t") + "()\n}\n"
}

// withFlagParse starts the func main of %% with flag.Parse(), as GoNB does, when the program uses package flag.
func withFlagParse(code string) string {
	if !strings.Contains(code, "flag.") {
		return code
	}
	return strings.Replace(code, "func main() {\n", "func main() { flag.Parse()\n", 1) // on the same line: warnings keep their lines
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
