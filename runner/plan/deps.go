package plan

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// What a program's build depends on besides its own files: the packages it imports, transitively, and the
// module lines that say how they are built. A package of the program's own module (or of a module replaced by a
// directory, or used by the go.work) is covered by its files; a package of a required module by the module's
// path and version, which go.sum pins; the standard library by the Go version, which the caller adds.
//
// Imports are read from every Go file of a package (test files excepted), whatever its build constraints, so
// the answer is the same on every OS. A dependency's imports are read from its source in the module cache; a
// module not downloaded yet is reported (MissingModulesError), so that the caller downloads it and plans again:
// a fingerprint never depends on what the module cache happens to hold.

// MissingModulesError says that the sources of required modules that programs import are not in the module
// cache, so what they import cannot be known yet. `go mod download` in each module directory fetches them.
type MissingModulesError struct {
	Modules map[string][]string // by the directory of the go.mod that requires them: path@version
}

func (e *MissingModulesError) Error() string {
	var b strings.Builder
	for _, dir := range slices.Sorted(maps.Keys(e.Modules)) {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: not in the module cache: %s (go mod download fetches them)", dir, strings.Join(e.Modules[dir], " "))
	}
	return b.String()
}

// errMissing is digest's error when modules are missing; deps.missingError says which.
var errMissing = errors.New("modules missing from the module cache")

// missingError returns the modules that digests found missing, nil when none was.
func (d *deps) missingError() error {
	if len(d.missing) == 0 {
		return nil
	}
	e := &MissingModulesError{Modules: map[string][]string{}}
	for dir, mods := range d.missing {
		e.Modules[dir] = slices.Sorted(maps.Keys(mods))
	}
	return e
}

// deps computes and remembers what the programs of a plan depend on.
type deps struct {
	modCache string              // GOMODCACHE; "" when unknown
	goWork   string              // GOWORK: "off", a go.work file, or "" to look for one
	mods     map[string]*modInfo // by module directory
	dirs     map[string]*dirInfo // by package directory
	missing  map[string]map[string]bool
}

func newDeps(opt Options) *deps {
	return &deps{modCache: opt.ModCache, goWork: opt.GoWork, mods: map[string]*modInfo{}, dirs: map[string]*dirInfo{},
		missing: map[string]map[string]bool{}}
}

// modInfo is what a module's go.mod (and go.work, when one applies) says about building its packages.
type modInfo struct {
	dir     string
	header  []byte            // covered by every program of the module: go, toolchain and godebug lines, go.work
	local   []localModule     // modules whose packages are directories on disk: the module itself, replacements by directories, go.work's
	require map[string]string // module path → version, after replacements by other modules
	vendor  string            // the vendor directory, when the module builds from one
}

type localModule struct{ path, dir string }

// dirInfo is one package directory: the digest of its files and what they import.
type dirInfo struct {
	digest  []byte
	imports []string
	err     error
}

// module reads the go.mod of dir, once.
func (d *deps) module(dir string) (*modInfo, error) {
	if m, ok := d.mods[dir]; ok {
		return m, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, err
	}
	m := &modInfo{dir: dir, require: map[string]string{}}
	f, err := modfile.Parse(filepath.Join(dir, "go.mod"), data, nil)
	if err != nil || f.Module == nil {
		// The go command will say what is wrong; until then the whole file is what the build depends on.
		m.header = append([]byte("go.mod\x00"), data...)
		d.mods[dir] = m
		return m, nil
	}
	var h bytes.Buffer
	if f.Go != nil {
		fmt.Fprintf(&h, "go\x00%s\x00", f.Go.Version)
	}
	if f.Toolchain != nil {
		fmt.Fprintf(&h, "toolchain\x00%s\x00", f.Toolchain.Name)
	}
	for _, g := range f.Godebug {
		fmt.Fprintf(&h, "godebug\x00%s=%s\x00", g.Key, g.Value)
	}
	m.local = append(m.local, localModule{f.Module.Mod.Path, dir})
	for _, r := range f.Require {
		m.require[r.Mod.Path] = r.Mod.Version
	}
	replaces := f.Replace
	if work := d.workFile(dir); work != "" {
		wf, data, err := readWork(work)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&h, "go.work\x00%d\x00%s", len(data), data) // workspace builds: covered whole
		for _, u := range wf.Use {
			used := filepath.Join(filepath.Dir(work), filepath.FromSlash(u.Path))
			if p := modulePath(used); p != "" && used != dir {
				m.local = append(m.local, localModule{p, used})
			}
		}
		replaces = append(replaces, wf.Replace...)
	}
	for _, r := range replaces {
		v, required := m.require[r.Old.Path]
		if r.Old.Version != "" && r.Old.Version != v {
			continue
		}
		switch {
		case r.New.Version == "": // a directory
			m.local = append(m.local, localModule{r.Old.Path, filepath.Join(dir, filepath.FromSlash(r.New.Path))})
			delete(m.require, r.Old.Path)
		case required:
			m.require[r.Old.Path] = r.New.Path + "@" + r.New.Version
		}
	}
	if vendor := filepath.Join(dir, "vendor"); isFile(filepath.Join(vendor, "modules.txt")) && d.goWork == "" {
		m.vendor = vendor
	}
	m.header = h.Bytes()
	d.mods[dir] = m
	return m, nil
}

// workFile returns the go.work file that applies to the module in dir, "" when none does.
func (d *deps) workFile(dir string) string {
	switch d.goWork {
	case "off":
		return ""
	case "":
		for {
			if isFile(filepath.Join(dir, "go.work")) {
				return filepath.Join(dir, "go.work")
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return ""
			}
			dir = parent
		}
	}
	return d.goWork
}

func readWork(file string) (*modfile.WorkFile, []byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	wf, err := modfile.ParseWork(file, data, nil)
	if err != nil {
		return &modfile.WorkFile{}, data, nil // the go command will say what is wrong
	}
	return wf, data, nil
}

// modulePath returns the module path of the go.mod in dir, "" when it has none.
func modulePath(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return ""
	}
	return modfile.ModulePath(data)
}

// digest returns what a program depends on besides its own files: the module's header and every package it
// imports, directly or not (imports, the program's own), as digest lines in a fixed order.
func (d *deps) digest(moduleDir string, imports []string) ([]byte, error) {
	if moduleDir == "" {
		return nil, nil // outside a module a program imports the standard library only
	}
	m, err := d.module(moduleDir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	lines := map[string]bool{}
	queue := slices.Clone(imports)
	for len(queue) > 0 {
		imp := queue[0]
		queue = queue[1:]
		if seen[imp] {
			continue
		}
		seen[imp] = true
		dir, line := d.resolve(m, imp)
		if dir != "" {
			switch info := d.dir(dir); {
			case info.err != nil:
				lines["unreadable\x00"+imp] = true // the build says why
			case strings.HasPrefix(line, "local\x00") || strings.HasPrefix(line, "vendor\x00"):
				line += fmt.Sprintf("\x00%x", info.digest)
				fallthrough
			default:
				queue = append(queue, info.imports...)
			}
		}
		if line != "" {
			lines[line] = true
		}
	}
	if len(d.missing[moduleDir]) > 0 {
		return nil, errMissing
	}
	var b bytes.Buffer
	b.Write(m.header)
	for _, l := range slices.Sorted(maps.Keys(lines)) {
		fmt.Fprintf(&b, "%s\n", l)
	}
	return b.Bytes(), nil
}

// resolve finds where the package imp comes from: its directory, when its imports are to be read, and the line
// that covers it ("" for the standard library, which the Go version covers).
func (d *deps) resolve(m *modInfo, imp string) (dir, line string) {
	if imp == "C" {
		return "", ""
	}
	best := -1
	for i, l := range m.local {
		if within := imp == l.path || strings.HasPrefix(imp, l.path+"/"); within && (best < 0 || len(l.path) > len(m.local[best].path)) {
			best = i
		}
	}
	if best >= 0 {
		l := m.local[best]
		return filepath.Join(l.dir, filepath.FromSlash(strings.TrimPrefix(imp[len(l.path):], "/"))), "local\x00" + imp
	}
	modPath := ""
	for p := range m.require {
		if (imp == p || strings.HasPrefix(imp, p+"/")) && len(p) > len(modPath) {
			modPath = p
		}
	}
	if modPath == "" {
		if first, _, _ := strings.Cut(imp, "/"); !strings.Contains(first, ".") {
			return "", "" // the standard library
		}
		return "", "unresolved\x00" + imp // the build says which module is missing
	}
	if m.vendor != "" {
		return filepath.Join(m.vendor, filepath.FromSlash(imp)), "vendor\x00" + imp
	}
	version := m.require[modPath]
	srcPath, srcVersion := modPath, version
	if p, v, replaced := strings.Cut(version, "@"); replaced {
		srcPath, srcVersion = p, v
	}
	line = "module\x00" + modPath + "\x00" + version
	src := d.moduleSource(srcPath, srcVersion)
	if src == "" {
		if d.missing[m.dir] == nil {
			d.missing[m.dir] = map[string]bool{}
		}
		d.missing[m.dir][srcPath+"@"+srcVersion] = true
		return "", line
	}
	return filepath.Join(src, filepath.FromSlash(strings.TrimPrefix(imp[len(modPath):], "/"))), line
}

// moduleSource returns the directory of a module's source in the module cache, "" when it is not there.
func (d *deps) moduleSource(modPath, version string) string {
	if d.modCache == "" {
		return ""
	}
	ep, err1 := module.EscapePath(modPath)
	ev, err2 := module.EscapeVersion(version)
	if err1 != nil || err2 != nil {
		return ""
	}
	dir := filepath.Join(d.modCache, filepath.FromSlash(ep)+"@"+ev)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return ""
	}
	return dir
}

// dir reads a package directory once: the digest of the files a build reads, and the imports of its Go files.
func (d *deps) dir(dir string) *dirInfo {
	if info, ok := d.dirs[dir]; ok {
		return info
	}
	info := &dirInfo{}
	d.dirs[dir] = info
	h := sha256.New()
	imports := map[string]bool{}
	info.err = hashPackage(h, dir, func(name string, src []byte) {
		for _, imp := range fileImports(name, src) {
			imports[imp] = true
		}
	})
	info.digest = h.Sum(nil)
	info.imports = slices.Sorted(maps.Keys(imports))
	return info
}

// hashPackage hashes the files of the package in dir that a build may read, in name order: its Go files (but
// test files) with CRLF line ends as LF (the compiler reads them alike, and a checkout on Windows may have
// either), and its other files as they are (cgo sources, files a go:embed may name). Names starting with "." or
// "_" are ignored, as the go command ignores them. Subdirectories count only when a Go file embeds files; then
// all of them do, but those of other modules. goFile is given each Go file.
func hashPackage(h io.Writer, dir string, goFile func(name string, src []byte)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	embeds := false
	for _, e := range entries {
		name := e.Name()
		if !regular(dir, e) || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if strings.HasSuffix(name, ".go") {
			data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
			goFile(name, data)
			embeds = embeds || bytes.Contains(data, []byte("//go:embed"))
		}
		fmt.Fprintf(h, "file\x00%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	if !embeds {
		return nil
	}
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		if e.IsDir() && isFile(filepath.Join(p, "go.mod")) {
			return filepath.SkipDir
		}
		if !e.Type().IsRegular() || filepath.Dir(p) == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "embed\x00%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
}

// fileImports returns the import paths of a Go file; none when its imports do not parse (the compiler then says
// what is wrong).
func fileImports(name string, src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	var paths []string
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && path.Clean(p) == p {
			paths = append(paths, p)
		}
	}
	return paths
}

// regular reports whether the entry e of dir is a regular file, or a symbolic link to one, which the go command
// reads as a file of the package.
func regular(dir string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink != 0 {
		return isFile(filepath.Join(dir, e.Name()))
	}
	return e.Type().IsRegular()
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}
