package site

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLeaf: site is a leaf renderer. Of the project's packages it reaches, by its own imports and theirs,
// none runs, caches or compares a lesson: it draws what the engine's view model says and knows neither the
// engine nor the cache.
func TestLeaf(t *testing.T) {
	const module = "classnotes/runner/"
	forbidden := []string{"engine", "cache", "build", "run", "plan", "ready", "compare", "splice", "serve", "cli"}
	reached := map[string]bool{}
	var visit func(pkg, dir string)
	visit = func(pkg, dir string) {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range f.Imports {
				path, err := strconv.Unquote(spec.Path.Value)
				if err != nil {
					t.Fatal(err)
				}
				rel, ok := strings.CutPrefix(path, module)
				if !ok || reached[rel] {
					continue
				}
				reached[rel] = true
				if slices.Contains(forbidden, strings.Split(rel, "/")[0]) {
					t.Errorf("%s imports %s: site must not reach it", pkg, path)
				}
				visit(path, filepath.Join("..", filepath.FromSlash(rel)))
			}
		}
	}
	visit(module+"site", ".")
	if !reached["view"] {
		t.Errorf("site does not import %sview, the view model it draws; reached %v", module, reached)
	}
}
