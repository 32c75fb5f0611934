package plan

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// courseWithPackages makes a course module whose cells import its own packages and a required module, with a
// module cache of its own; it returns the course's root and the module cache.
//
//	In [1] imports greet, which imports internal/words; In [2] (src=) imports words only; In [3] imports
//	example.org/dep, which imports example.org/other/x; In [4] imports nothing but fmt.
func courseWithPackages(t *testing.T) (root, modCache string) {
	t.Helper()
	root, modCache = t.TempDir(), t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire (\n\texample.org/dep v1.0.0\n\texample.org/other v1.0.0\n\texample.org/unused v1.0.0\n)\n")
	write(t, filepath.Join(root, "greet", "greet.go"), "package greet\n\nimport \"example.com/course/internal/words\"\n\nfunc Hello() string { return words.Hi }\n")
	write(t, filepath.Join(root, "internal", "words", "words.go"), "package words\n\nconst Hi = \"hi\"\n")
	write(t, filepath.Join(root, "snippets", "w", "main.go"), "package main\n\nimport \"example.com/course/internal/words\"\n\nfunc main() { println(words.Hi) }\n")
	write(t, filepath.Join(modCache, "example.org", "dep@v1.0.0", "dep.go"), "package dep\n\nimport _ \"example.org/other/x\"\n")
	write(t, filepath.Join(modCache, "example.org", "dep@v1.1.0", "dep.go"), "package dep\n\nimport _ \"example.org/other/x\"\n")
	write(t, filepath.Join(modCache, "example.org", "other@v1.0.0", "x", "x.go"), "package x\n")
	write(t, filepath.Join(modCache, "example.org", "other@v1.1.0", "x", "x.go"), "package x\n")
	return root, modCache
}

const packagesLesson = "In [1]:\n\n```go\npackage main\n\nimport \"example.com/course/greet\"\n\nfunc main() { println(greet.Hello()) }\n```\n\n" +
	"In [2]:\n\n```go src=../snippets/w/main.go\n```\n\n" +
	"In [3]:\n\n```go\npackage main\n\nimport _ \"example.org/dep\"\n\nfunc main() {}\n```\n\n" +
	"In [4]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println() }\n```\n"

// TestFingerprintDependencies: a change to a package of the course makes stale exactly the cells that import it,
// directly or not; a bump of a required module, the cells whose imports reach it; a requirement no cell
// imports, none.
func TestFingerprintDependencies(t *testing.T) {
	root, modCache := courseWithPackages(t)
	opt := Options{Toolchain: Toolchain{GoVersion: "go1.26.8", GOOS: "linux", GOARCH: "amd64"}, ModCache: modCache}
	fps := func() []string {
		t.Helper()
		var fps []string
		for _, p := range mustPlan(t, root, packagesLesson, opt).Programs {
			fps = append(fps, p.Fingerprint, p.BuildKey)
		}
		return fps
	}
	base := fps()
	edit := func(file, old, new string) func() {
		path := filepath.Join(root, file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s has no %q", file, old)
		}
		write(t, path, strings.Replace(string(data), old, new, 1))
		return func() { write(t, path, string(data)) }
	}
	for _, c := range []struct {
		name  string
		edit  func() func()
		stale []int // the cells whose fingerprint and build key change
	}{
		{"greet", func() func() { return edit("greet/greet.go", "words.Hi }", "words.Hi + \"!\" }") }, []int{1}},
		{"internal/words, imported by greet and by the src= package", func() func() { return edit("internal/words/words.go", `"hi"`, `"hello"`) }, []int{1, 2}},
		{"a new file in greet", func() func() {
			path := filepath.Join(root, "greet", "more.go")
			write(t, path, "package greet\n")
			return func() { os.Remove(path) }
		}, []int{1}},
		{"a file of greet that is a symbolic link", func() func() {
			target := filepath.Join(root, "shared.go")
			write(t, target, "package greet\n")
			link := filepath.Join(root, "greet", "shared.go")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			return func() { os.Remove(link); os.Remove(target) }
		}, []int{1}},
		{"a test file of greet", func() func() {
			path := filepath.Join(root, "greet", "greet_test.go")
			write(t, path, "package greet\n")
			return func() { os.Remove(path) }
		}, nil},
		{"a requirement no cell imports", func() func() { return edit("go.mod", "example.org/unused v1.0.0", "example.org/unused v1.2.0") }, nil},
		{"a comment in go.mod", func() func() { return edit("go.mod", "go 1.26\n", "// the course\ngo 1.26\n") }, nil},
		{"go.sum", func() func() {
			path := filepath.Join(root, "go.sum")
			write(t, path, "example.org/unused v1.2.0 h1:x=\n")
			return func() { os.Remove(path) }
		}, nil},
		{"the module a cell imports", func() func() { return edit("go.mod", "example.org/dep v1.0.0", "example.org/dep v1.1.0") }, []int{3}},
		{"a module that module imports", func() func() { return edit("go.mod", "example.org/other v1.0.0", "example.org/other v1.1.0") }, []int{3}},
		{"a replacement of that module by another version", func() func() {
			return edit("go.mod", "go 1.26\n", "go 1.26\n\nreplace example.org/other => example.org/other v1.1.0\n")
		}, []int{3}},
	} {
		undo := c.edit()
		got := fps()
		undo()
		var stale []int
		for i := 0; i < len(got); i += 2 {
			fpChanged, keyChanged := got[i] != base[i], got[i+1] != base[i+1]
			if fpChanged != keyChanged {
				t.Errorf("%s: In [%d]: fingerprint changed %v, build key %v", c.name, i/2+1, fpChanged, keyChanged)
			}
			if fpChanged {
				stale = append(stale, i/2+1)
			}
		}
		if !reflect.DeepEqual(stale, c.stale) {
			t.Errorf("%s: cells changed %v, want %v", c.name, stale, c.stale)
		}
	}
	if !reflect.DeepEqual(fps(), base) {
		t.Fatal("undoing the edits did not give the first fingerprints back")
	}
}

// TestFingerprintReplacedByDirectory: a module replaced by a directory, or used by a go.work, is covered by its
// files, as the course's own packages are.
func TestFingerprintReplacedByDirectory(t *testing.T) {
	for _, how := range []string{"replace", "go.work"} {
		t.Run(how, func(t *testing.T) {
			root, modCache := courseWithPackages(t)
			local := filepath.Join(root, "..", filepath.Base(root)+"-dep")
			write(t, filepath.Join(local, "go.mod"), "module example.org/dep\n\ngo 1.26\n")
			write(t, filepath.Join(local, "dep.go"), "package dep\n")
			t.Cleanup(func() { os.RemoveAll(local) })
			if how == "replace" {
				data, _ := os.ReadFile(filepath.Join(root, "go.mod"))
				write(t, filepath.Join(root, "go.mod"), string(data)+"\nreplace example.org/dep => ../"+filepath.Base(local)+"\n")
			} else {
				write(t, filepath.Join(root, "go.work"), "go 1.26\n\nuse (\n\t.\n\t../"+filepath.Base(local)+"\n)\n")
			}
			opt := Options{ModCache: modCache}
			before := mustPlan(t, root, packagesLesson, opt).Programs[2].Fingerprint
			write(t, filepath.Join(local, "dep.go"), "package dep\n\nconst X = 1\n")
			if after := mustPlan(t, root, packagesLesson, opt).Programs[2].Fingerprint; after == before {
				t.Errorf("a change to the directory that stands for example.org/dep left In [3]'s fingerprint alone")
			}
		})
	}
}

// TestFingerprintMissingModule: a module whose source is not in the module cache is named, with the module that
// requires it, rather than fingerprinted from less than the build depends on.
func TestFingerprintMissingModule(t *testing.T) {
	root, modCache := courseWithPackages(t)
	if err := os.RemoveAll(filepath.Join(modCache, "example.org", "other@v1.0.0")); err != nil {
		t.Fatal(err)
	}
	_, err := makePlan(t, root, packagesLesson, Options{ModCache: modCache})
	var missing *MissingModulesError
	if !errors.As(err, &missing) {
		t.Fatalf("err = %v, want a MissingModulesError", err)
	}
	if want := map[string][]string{root: {"example.org/other@v1.0.0"}}; !reflect.DeepEqual(missing.Modules, want) {
		t.Errorf("missing %v, want %v", missing.Modules, want)
	}
	if !strings.Contains(err.Error(), "go mod download") {
		t.Errorf("the error does not say how to fetch them: %v", err)
	}
	// Cells that import no required module are planned without the cache.
	if _, err := makePlan(t, root, strings.SplitN(packagesLesson, "In [3]", 2)[0], Options{}); err != nil {
		t.Errorf("cells that import no module: %v", err)
	}
}

// fingerprintOf plans a one-cell lesson in root whose cell imports imp, and returns the cell's fingerprint.
func fingerprintOf(t *testing.T, root, imp string, opt Options) string {
	t.Helper()
	src := "In [1]:\n\n```go\npackage main\n\nimport _ \"" + imp + "\"\n\nfunc main() {}\n```\n"
	return mustPlan(t, root, src, opt).Programs[0].Fingerprint
}

// TestFingerprintModuleLayouts: the places the go command takes a package from, each followed by the fingerprint
// (review of issue 22): a directory named by an absolute path in a replace; a go.work's replace, relative to the
// go.work; a module nested in the course and required by version (built from the module cache, not from the
// directory); a requirement bump in another module of the workspace.
func TestFingerprintModuleLayouts(t *testing.T) {
	t.Run("replace by an absolute path", func(t *testing.T) {
		root, lib := t.TempDir(), t.TempDir()
		write(t, filepath.Join(lib, "go.mod"), "module example.org/lib\n\ngo 1.26\n")
		write(t, filepath.Join(lib, "lib.go"), "package lib\n")
		write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire example.org/lib v1.0.0\n\nreplace example.org/lib => "+lib+"\n")
		before := fingerprintOf(t, root, "example.org/lib", Options{})
		write(t, filepath.Join(lib, "lib.go"), "package lib\n\nconst X = 1\n")
		if fingerprintOf(t, root, "example.org/lib", Options{}) == before {
			t.Error("an edit of the directory an absolute replace names left the fingerprint alone")
		}
	})
	t.Run("go.work replace, relative to the go.work", func(t *testing.T) {
		top := t.TempDir()
		root := filepath.Join(top, "course")
		write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire example.org/lib v1.0.0\n")
		write(t, filepath.Join(top, "go.work"), "go 1.26\n\nuse ./course\n\nreplace example.org/lib => ./lib\n")
		write(t, filepath.Join(top, "lib", "go.mod"), "module example.org/lib\n\ngo 1.26\n")
		write(t, filepath.Join(top, "lib", "lib.go"), "package lib\n")
		before := fingerprintOf(t, root, "example.org/lib", Options{})
		write(t, filepath.Join(top, "lib", "lib.go"), "package lib\n\nconst X = 1\n")
		if fingerprintOf(t, root, "example.org/lib", Options{}) == before {
			t.Error("an edit of the directory a go.work replace names left the fingerprint alone")
		}
	})
	t.Run("a nested module required by version", func(t *testing.T) {
		root, modCache := t.TempDir(), t.TempDir()
		write(t, filepath.Join(root, "go.mod"), "module example.org\n\ngo 1.26\n\nrequire example.org/lib v1.0.0\n")
		write(t, filepath.Join(root, "lib", "go.mod"), "module example.org/lib\n\ngo 1.26\n")
		write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n")
		for _, v := range []string{"v1.0.0", "v1.1.0"} {
			write(t, filepath.Join(modCache, "example.org", "lib@"+v, "lib.go"), "package lib\n")
		}
		opt := Options{ModCache: modCache}
		before := fingerprintOf(t, root, "example.org/lib", opt)
		write(t, filepath.Join(root, "go.mod"), "module example.org\n\ngo 1.26\n\nrequire example.org/lib v1.1.0\n")
		if fingerprintOf(t, root, "example.org/lib", opt) == before {
			t.Error("a version bump of a nested module built from the module cache left the fingerprint alone")
		}
	})
	t.Run("a requirement of another module of the workspace", func(t *testing.T) {
		top, modCache := t.TempDir(), t.TempDir()
		root := filepath.Join(top, "course")
		write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire example.org/dep v1.0.0\n")
		write(t, filepath.Join(top, "tools", "go.mod"), "module example.com/tools\n\ngo 1.26\n\nrequire example.org/dep v1.0.0\n")
		write(t, filepath.Join(top, "go.work"), "go 1.26\n\nuse (\n\t./course\n\t./tools\n)\n")
		for _, v := range []string{"v1.0.0", "v1.2.0"} {
			write(t, filepath.Join(modCache, "example.org", "dep@"+v, "dep.go"), "package dep\n")
		}
		opt := Options{ModCache: modCache}
		before := fingerprintOf(t, root, "example.org/dep", opt)
		write(t, filepath.Join(top, "tools", "go.mod"), "module example.com/tools\n\ngo 1.26\n\nrequire example.org/dep v1.2.0\n")
		if fingerprintOf(t, root, "example.org/dep", opt) == before {
			t.Error("the workspace selects example.org/dep v1.2.0, and the fingerprint did not change")
		}
	})
}

// TestFingerprintPackageFiles: of an imported package's directory, the files the build reads count (Go and cgo
// sources, what go:embed names, "_" and "." files included when named), and no other (a README, which a
// checkout on Windows may have with other line ends).
func TestFingerprintPackageFiles(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n")
	pkg := filepath.Join(root, "data")
	write(t, filepath.Join(pkg, "data.go"), "package data\n\nimport \"embed\"\n\n//go:embed _msg.txt \"static/a b.txt\" all:tree\nvar files embed.FS\n")
	write(t, filepath.Join(pkg, "_msg.txt"), "hello\n")
	write(t, filepath.Join(pkg, "static", "a b.txt"), "a\n")
	write(t, filepath.Join(pkg, "tree", "_hidden.txt"), "h\n")
	write(t, filepath.Join(pkg, "tree", "other", "go.mod"), "module example.com/other\n") // another module: not embedded
	write(t, filepath.Join(pkg, "tree", "other", "x.txt"), "x\n")
	write(t, filepath.Join(pkg, "README.md"), "about data\n")
	write(t, filepath.Join(pkg, "static", "other.txt"), "not embedded\n")
	write(t, filepath.Join(pkg, "helper.c"), "int x;\n")
	base := fingerprintOf(t, root, "example.com/course/data", Options{})
	for _, c := range []struct {
		file    string
		changes bool
	}{
		{"_msg.txt", true},
		{"static/a b.txt", true},
		{"tree/_hidden.txt", true},
		{"helper.c", true},
		{"README.md", false},
		{"static/other.txt", false},
		{"tree/other/x.txt", false},
	} {
		path := filepath.Join(pkg, filepath.FromSlash(c.file))
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		write(t, path, string(old)+"more\n")
		if changed := fingerprintOf(t, root, "example.com/course/data", Options{}) != base; changed != c.changes {
			t.Errorf("an edit of %s changed the fingerprint: %v, want %v", c.file, changed, c.changes)
		}
		write(t, path, string(old))
	}
}

// TestFingerprintVendor: a module with a vendor directory builds from it (go 1.14 on) unless GOFLAGS says
// -mod=mod or a go.work applies; the fingerprint reads the packages from where the build does, and needs no
// module cache when that is the vendor directory.
func TestFingerprintVendor(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/course\n\ngo 1.26\n\nrequire example.org/dep v1.0.0\n")
	write(t, filepath.Join(root, "vendor", "modules.txt"), "# example.org/dep v1.0.0\n## explicit\nexample.org/dep\n")
	write(t, filepath.Join(root, "vendor", "example.org", "dep", "dep.go"), "package dep\n")
	before := fingerprintOf(t, root, "example.org/dep", Options{GoWork: "off"})
	write(t, filepath.Join(root, "vendor", "example.org", "dep", "dep.go"), "package dep\n\nconst X = 1\n")
	if fingerprintOf(t, root, "example.org/dep", Options{GoWork: "off"}) == before {
		t.Error("an edit of a vendored package left the fingerprint alone (GOWORK=off)")
	}
	var missing *MissingModulesError
	if _, err := makePlan(t, root, "In [1]:\n\n```go\npackage main\n\nimport _ \"example.org/dep\"\n\nfunc main() {}\n```\n", Options{GoFlags: "-mod=mod"}); !errors.As(err, &missing) {
		t.Errorf("GOFLAGS=-mod=mod: err = %v, want the module cache asked for (the build does not read vendor/)", err)
	}
	write(t, filepath.Join(root, "go.work"), "go 1.26\n\nuse .\n")
	if _, err := makePlan(t, root, "In [1]:\n\n```go\npackage main\n\nimport _ \"example.org/dep\"\n\nfunc main() {}\n```\n", Options{}); !errors.As(err, &missing) {
		t.Errorf("in a workspace: err = %v, want the module cache asked for (workspace builds do not read vendor/)", err)
	}
}

// TestFingerprintBesideLessons: a program in the lessons' directory (src=main.go) is not made stale by the
// lessons beside it, which render rewrites, nor by an editor's leftovers; a data file it may read counts.
func TestFingerprintBesideLessons(t *testing.T) {
	root := course(t)
	write(t, filepath.Join(root, "lessons", "main.go"), "package main\n\nfunc main() {}\n")
	src := "In [1]:\n\n```go src=main.go\n```\n"
	base := mustPlan(t, root, src, Options{}).Programs[0].Fingerprint
	for _, c := range []struct {
		file    string
		changes bool
	}{{"other.md", false}, {"NOTES.MD", false}, {"main.go~", false}, {"main.go.orig", false}, {"hosts.txt", true}} {
		path := filepath.Join(root, "lessons", c.file)
		write(t, path, "x\n")
		if changed := mustPlan(t, root, src, Options{}).Programs[0].Fingerprint != base; changed != c.changes {
			t.Errorf("%s beside the program changed its fingerprint: %v, want %v", c.file, changed, c.changes)
		}
		os.Remove(path)
	}
}
