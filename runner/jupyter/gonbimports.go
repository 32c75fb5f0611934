package jupyter

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The imports goimports adds to a GoNB cell, and the imports it removes.

type edit struct {
	start, end int
	text       string
}

// applyEdits applies sorted, non-overlapping edits to s.
func applyEdits(s string, edits []edit) string {
	// An insertion sorts before a removal that starts where it is.
	sort.SliceStable(edits, func(a, b int) bool {
		if edits[a].start != edits[b].start {
			return edits[a].start < edits[b].start
		}
		return edits[a].end < edits[b].end
	})
	var b strings.Builder
	prev := 0
	for _, e := range edits {
		if e.start < prev {
			continue // inside what an edit before it removed
		}
		b.WriteString(s[prev:e.start])
		b.WriteString(e.text)
		prev = e.end
	}
	b.WriteString(s[prev:])
	return b.String()
}

// importOf returns an import's path and the name the code uses for it.
func importOf(sp *ast.ImportSpec) gonbImport {
	p, _ := strconv.Unquote(sp.Path.Value)
	if sp.Name != nil {
		return gonbImport{name: sp.Name.Name, path: p}
	}
	return gonbImport{name: packageName(p), path: p}
}

// packageName returns the name of the package at an import path: the standard library's own, or the name
// goimports assumes (the last element, a /vN version suffix skipped, "go-" and ".go"/"-go" removed).
func packageName(p string) string {
	for name, pkgs := range stdPackages {
		for _, sp := range pkgs {
			if sp.path == p {
				return name
			}
		}
	}
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" && path.Dir(p) != "." {
		base = path.Base(path.Dir(p))
	}
	base = strings.TrimPrefix(base, "go-")
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".go"), "-go")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}); i >= 0 {
		base = base[:i]
	}
	return base
}

// stdPackage is a package of the standard library.
type stdPackage struct {
	path    string
	exports string // its exported names, space-separated, when another package has its name
}

// stdImport returns the standard package the name and its selectors refer to, as goimports chooses it: the
// one package of that name, or the first (crypto/rand before math/rand/v2 and math/rand, as goimports tries
// them; otherwise the shortest path) that exports every selector.
func stdImport(name string, sels map[string]bool) (string, bool) {
	pkgs := stdPackages[name]
	if len(pkgs) == 1 {
		return pkgs[0].path, true
	}
	order := slices.Clone(pkgs)
	rank := map[string]int{"crypto/rand": -3, "math/rand/v2": -2, "math/rand": -1}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := rank[order[a].path], rank[order[b].path]
		if ra != rb {
			return ra < rb
		}
		if len(order[a].path) != len(order[b].path) {
			return len(order[a].path) < len(order[b].path)
		}
		return order[a].path < order[b].path
	})
	for _, p := range order {
		exp := map[string]bool{}
		for _, e := range strings.Fields(p.exports) {
			exp[e] = true
		}
		all := true
		for s := range sels {
			all = all && exp[s]
		}
		if all {
			return p.path, true
		}
	}
	return "", false
}

// fixImports does what goimports does for GoNB: it adds the imports that the code's package names need, from
// the imports of the cell and of the cells before it and then the standard library, and removes the imports
// the code does not use. A package name it cannot find is a warning.
func (s *gonbState) fixImports(im *importer, i int, gc *gonbCell, code string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", code, parser.ParseComments)
	if err != nil {
		return code
	}
	refs := packageRefs(f)
	edits, have := unusedImports(fset, f, code, refs)
	add := s.missingImports(im, i, gc, fset, refs, have)
	if block := firstImportBlock(f); block != nil && len(add) > 0 && !dropped(block, fset, edits) {
		// Into the cell's own import block, which gofmt then sorts.
		at := fset.Position(block.Lparen).Offset + 1
		edits = append(edits, edit{at, at, "\n" + strings.TrimSuffix(importSpecs(add), "\n")})
		add = nil
	}
	code = addImports(applyEdits(code, edits), add)
	if b, err := format.Source([]byte(code)); err == nil {
		return string(b)
	}
	return code
}

// packageRef is how the code uses a name that may be a package's.
type packageRef struct {
	sels  map[string]bool // the selectors after it
	first token.Pos
}

// packageRefs returns the names the code selects from (x in x.Sel) that it does not declare: its packages.
func packageRefs(f *ast.File) map[string]*packageRef {
	declared := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				declared[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				for _, n := range specNames(sp) {
					declared[n] = true
				}
			}
		}
	}
	refs := map[string]*packageRef{}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok || x.Obj != nil || declared[x.Name] {
			return true
		}
		if refs[x.Name] == nil {
			refs[x.Name] = &packageRef{sels: map[string]bool{}, first: x.Pos()}
		}
		refs[x.Name].sels[sel.Sel.Name] = true
		return true
	})
	return refs
}

// unusedImports returns the edits that remove the imports the code does not use (a declaration whole when
// none of its imports is used; blank and dot imports are used) and the names of the imports it keeps.
func unusedImports(fset *token.FileSet, f *ast.File, code string, refs map[string]*packageRef) ([]edit, map[string]bool) {
	var edits []edit
	have := map[string]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		var keep int
		var drop []edit
		for _, sp := range g.Specs {
			imp := importOf(sp.(*ast.ImportSpec))
			if imp.name == "_" || imp.name == "." || refs[imp.name] != nil {
				have[imp.name] = true
				keep++
				continue
			}
			drop = append(drop, wholeLine(code, edit{fset.Position(sp.Pos()).Offset, fset.Position(sp.End()).Offset, ""}))
		}
		if keep == 0 {
			start := withDoc(g.Pos(), g.Doc)
			edits = append(edits, edit{fset.Position(start).Offset, fset.Position(g.End()).Offset, ""})
		} else {
			edits = append(edits, drop...)
		}
	}
	return edits, have
}

// wholeLine extends a removal to its line when nothing else is on it, so that, as with goimports, no blank
// line is left to split the import block into groups that gofmt sorts apart.
func wholeLine(code string, e edit) edit {
	start := strings.LastIndexByte(code[:e.start], '\n') + 1
	end := strings.IndexByte(code[e.end:], '\n')
	if end < 0 || strings.TrimLeft(code[start:e.start], " \t") != "" || strings.TrimLeft(code[e.end:e.end+end], " \t") != "" {
		return e
	}
	return edit{start, e.end + end + 1, ""}
}

// missingImports returns the imports of the package names the code uses and does not import, in the order of
// their names: an earlier cell's import of the name, else the standard package goimports would choose. A name
// it finds neither for is a warning on the cell's line that first uses it.
func (s *gonbState) missingImports(im *importer, i int, gc *gonbCell, fset *token.FileSet, refs map[string]*packageRef, have map[string]bool) []gonbImport {
	var add []gonbImport
	for _, name := range slices.Sorted(maps.Keys(refs)) {
		if have[name] {
			continue
		}
		if imp, ok := s.imports[name]; ok {
			add = append(add, imp)
		} else if p, ok := stdImport(name, refs[name].sels); ok {
			add = append(add, gonbImport{name: name, path: p})
		} else if !universe[name] {
			l := fset.Position(refs[name].first).Line
			if l < 1 || l > len(gc.lines) || gc.lines[l-1] == 0 {
				continue // in a declaration carried from an earlier cell, which had the warning
			}
			im.warnf(i, gc.lines[l-1], "%s: not declared and not a standard package; GoNB's goimports may have found it in its module cache: add its import", shownCommand(name))
		}
	}
	return add
}

// firstImportBlock returns the file's first import declaration when it has parentheses.
func firstImportBlock(f *ast.File) *ast.GenDecl {
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			if g.Lparen.IsValid() {
				return g
			}
			return nil
		}
	}
	return nil
}

// dropped reports whether an edit removes the declaration's opening parenthesis.
func dropped(g *ast.GenDecl, fset *token.FileSet, edits []edit) bool {
	at := fset.Position(g.Lparen).Offset
	for _, e := range edits {
		if e.start <= at && at < e.end {
			return true
		}
	}
	return false
}

// importSpecs returns import specs, one a line.
func importSpecs(imps []gonbImport) string {
	var b strings.Builder
	for _, imp := range imps {
		if imp.name != "" && imp.name != packageName(imp.path) {
			fmt.Fprintf(&b, "\t%s %q\n", imp.name, imp.path)
		} else {
			fmt.Fprintf(&b, "\t%q\n", imp.path)
		}
	}
	return b.String()
}

// universe are the predeclared names that a selector may follow (a method value of a builtin type is not
// one, but a name the cell declares locally and the parser could not resolve may be).
var universe = map[string]bool{"error": true}

// addImports adds an import declaration after the package clause.
func addImports(code string, imps []gonbImport) string {
	if len(imps) == 0 {
		return code
	}
	decl := "import (\n" + importSpecs(imps) + ")\n"
	if len(imps) == 1 {
		decl = "import " + strings.TrimSpace(importSpecs(imps)) + "\n"
	}
	head, rest, _ := strings.Cut(code, "\n")
	return head + "\n\n" + decl + rest
}
