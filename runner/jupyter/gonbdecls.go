package jupyter

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

// The declarations GoNB remembers from the cells it ran, and those of them a later cell carries.

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

// reset forgets everything, as %reset does.
func (s *gonbState) reset() {
	s.units, s.byKey, s.imports = nil, map[string]*gonbUnit{}, map[string]gonbImport{}
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

// remember records the declarations of a cell GoNB ran, replacing earlier ones of the same names; func main
// and func init are the cell's alone.
func (s *gonbState) remember(gc *gonbCell, from int, main bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", gc.code, parser.ParseComments)
	if err != nil {
		return // GoNB remembers only the cells it could build
	}
	src := declSource{fset, gc.code}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			s.rememberImports(g)
			continue
		}
		for _, u := range src.units(d) {
			u.from, u.main = from, main
			s.add(u)
		}
	}
}

// rememberImports records the names an import declaration gives its packages; a blank or dot import has none.
func (s *gonbState) rememberImports(g *ast.GenDecl) {
	for _, sp := range g.Specs {
		imp := importOf(sp.(*ast.ImportSpec))
		if imp.name != "_" && imp.name != "." {
			s.imports[imp.name] = imp
		}
	}
}

// add records a declaration, replacing those it has a name of.
func (s *gonbState) add(u *gonbUnit) {
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

// declSource is the source of a cell's code, for the text of its declarations.
type declSource struct {
	fset *token.FileSet
	code string
}

func (src declSource) text(start, end token.Pos) string {
	return src.code[src.fset.Position(start).Offset:src.fset.Position(end).Offset]
}

// units returns what GoNB remembers of a declaration that is not an import: a function or method (not main
// or init), a const declaration or an unparenthesised declaration whole, each spec of another.
func (src declSource) units(d ast.Decl) []*gonbUnit {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil && (d.Name.Name == "main" || d.Name.Name == "init") {
			return nil
		}
		u := &gonbUnit{keys: []string{d.Name.Name}, text: src.text(withDoc(d.Pos(), d.Doc), d.End()), uses: identifiers(d)}
		if d.Recv != nil && len(d.Recv.List) > 0 {
			u.typ = recvType(d.Recv.List[0].Type)
			u.keys = []string{u.typ + "~" + d.Name.Name}
		} else {
			u.init = strings.HasPrefix(d.Name.Name, "init_")
		}
		return []*gonbUnit{u}
	case *ast.GenDecl:
		if d.Tok == token.CONST || !d.Lparen.IsValid() {
			var keys []string
			for _, sp := range d.Specs {
				keys = append(keys, specNames(sp)...)
			}
			return []*gonbUnit{{keys: keys, text: src.text(withDoc(d.Pos(), d.Doc), d.End()), uses: identifiers(d)}}
		}
		var units []*gonbUnit
		for _, sp := range d.Specs {
			text := d.Tok.String() + " " + src.text(withDoc(sp.Pos(), specDoc(sp)), sp.End())
			units = append(units, &gonbUnit{keys: specNames(sp), text: text, uses: identifiers(sp)})
		}
		return units
	}
	return nil
}

// withDoc returns where a declaration starts, its doc comment included.
func withDoc(pos token.Pos, doc *ast.CommentGroup) token.Pos {
	if doc != nil {
		return doc.Pos()
	}
	return pos
}

// needed returns the remembered declarations a program needs: those it names, those these name in turn, the
// methods of the types among them, and every init_ function; never one that has a name the program declares
// itself (own).
func (s *gonbState) needed(names, own map[string]bool) map[*gonbUnit]bool {
	need := map[*gonbUnit]bool{}
	var visit func(names map[string]bool)
	visit = func(names map[string]bool) {
		for _, u := range s.units {
			if u == nil || need[u] || slices.ContainsFunc(u.keys, func(k string) bool { return own[k] }) {
				continue // the cell's own declaration replaces it, as it will when GoNB remembers the cell
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
	visit(names)
	return need
}

// carried returns the text of the needed declarations, in the order they were declared, each cell's under a
// comment naming it, and the names of the init_ functions among them.
func (s *gonbState) carried(need map[*gonbUnit]bool) (string, []string) {
	var carried strings.Builder
	var inits []string
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
	return carried.String(), inits
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
