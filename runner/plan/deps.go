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
	"golang.org/x/mod/semver"
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
	goFlags  string              // GOFLAGS, for -mod
	mods     map[string]*modInfo // by module directory
	dirs     map[dirKey]*dirInfo // by package directory
	missing  map[string]map[string]bool
	files    map[string][]byte // the files read, by path: a lesson's programs share their packages' files
}

func newDeps(opt Options) *deps {
	return &deps{modCache: opt.ModCache, goWork: opt.GoWork, goFlags: opt.GoFlags, mods: map[string]*modInfo{}, dirs: map[dirKey]*dirInfo{},
		missing: map[string]map[string]bool{}, files: map[string][]byte{}}
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

// read returns the contents of the file at path, read once per plan.
func (d *deps) read(path string) ([]byte, error) {
	if b, ok := d.files[path]; ok {
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		d.files[path] = b
	}
	return b, err
}

// module reads the go.mod of dir, once, with the go.work that applies to it.
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
	m.requireAll(f.Require)
	m.replace(f.Replace, dir)
	work := d.workFile(dir)
	if work != "" {
		if err := d.workspace(m, work, &h); err != nil {
			return nil, err
		}
	} else if vendor := filepath.Join(dir, "vendor"); isFile(filepath.Join(vendor, "modules.txt")) && vendoring(d.goFlags, f.Go) {
		m.vendor = vendor
	}
	m.header = h.Bytes()
	d.mods[dir] = m
	return m, nil
}

// requireAll adds requirements, keeping the higher version of a module required twice (in a workspace, the
// go command selects the highest that any of its modules requires).
func (m *modInfo) requireAll(reqs []*modfile.Require) {
	for _, r := range reqs {
		if v, ok := m.require[r.Mod.Path]; !ok || semver.Compare(r.Mod.Version, v) > 0 {
			m.require[r.Mod.Path] = r.Mod.Version
		}
	}
}

// replace applies replace directives, whose directories are relative to base: a module replaced by a
// directory is local, one replaced by another module version is read as that one.
func (m *modInfo) replace(reps []*modfile.Replace, base string) {
	for _, r := range reps {
		v, required := m.require[r.Old.Path]
		if r.Old.Version != "" && r.Old.Version != v {
			continue
		}
		switch {
		case r.New.Version == "": // a directory
			m.local = append(m.local, localModule{r.Old.Path, join(base, r.New.Path)})
			delete(m.require, r.Old.Path)
		case required:
			m.require[r.Old.Path] = r.New.Path + "@" + r.New.Version
		}
	}
}

// workspace adds what the go.work file work says to m: its modules are local, their requirements count, its
// replacements apply, and the file itself is covered whole.
func (d *deps) workspace(m *modInfo, work string, h io.Writer) error {
	wf, data, err := readWork(work)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "go.work\x00%d\x00%s", len(data), data)
	base := filepath.Dir(work)
	for _, u := range wf.Use {
		used := join(base, u.Path)
		if used == m.dir {
			continue
		}
		data, err := os.ReadFile(filepath.Join(used, "go.mod"))
		if err != nil {
			continue // the go command will say what is wrong
		}
		if f, err := modfile.ParseLax(filepath.Join(used, "go.mod"), data, nil); err == nil && f.Module != nil {
			m.local = append(m.local, localModule{f.Module.Mod.Path, used})
			m.requireAll(f.Require)
		}
	}
	for _, l := range m.local {
		delete(m.require, l.path)
	}
	m.replace(wf.Replace, base)
	return nil
}

// vendoring reports whether the go command builds a module from its vendor directory (which it has): as GOFLAGS'
// -mod says, else by default from go 1.14 on.
func vendoring(goFlags string, goLine *modfile.Go) bool {
	for _, f := range strings.Fields(goFlags) {
		if mode, ok := strings.CutPrefix(strings.TrimLeft(f, "-"), "mod="); ok {
			return mode == "vendor"
		}
	}
	return goLine != nil && semver.Compare("v"+goLine.Version, "v1.14") >= 0
}

// join returns path p of a go.mod or go.work line, relative to base unless absolute, as a clean path.
func join(base, p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
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

// digest returns what a program depends on besides its own files: the module's header and every package it
// imports, directly or not (imports, the program's own), as digest lines in a fixed order.
func (d *deps) digest(moduleDir string, imports []string) ([]byte, []string, error) {
	if moduleDir == "" {
		return nil, nil, nil // outside a module a program imports the standard library only
	}
	m, err := d.module(moduleDir)
	if err != nil {
		return nil, nil, err
	}
	var dirs []string
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
			switch info := d.dir(dir, false); {
			case info.err != nil:
				lines["unreadable\x00"+imp] = true // the build says why
			case strings.HasPrefix(line, "local\x00") || strings.HasPrefix(line, "vendor\x00"):
				line += fmt.Sprintf("\x00%x", info.digest)
				if strings.HasPrefix(line, "local\x00") {
					dirs = append(dirs, dir)
				}
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
		return nil, nil, errMissing
	}
	var b bytes.Buffer
	b.Write(m.header)
	for _, l := range slices.Sorted(maps.Keys(lines)) {
		fmt.Fprintf(&b, "%s\n", l)
	}
	slices.Sort(dirs)
	return b.Bytes(), dirs, nil
}

// resolve finds where the package imp comes from: its directory, when its imports are to be read, and the line
// that covers it ("" for the standard library, which the Go version covers).
func (d *deps) resolve(m *modInfo, imp string) (dir, line string) {
	if imp == "C" {
		return "", ""
	}
	// The longest module path that holds imp names its module, whether a directory or a required version (a
	// module nested in the course's directory and required by version is built from the module cache).
	local, modPath := -1, ""
	for i, l := range m.local {
		if holds(l.path, imp) && len(l.path) > len(modPath) {
			local, modPath = i, l.path
		}
	}
	for p := range m.require {
		if holds(p, imp) && len(p) > len(modPath) {
			local, modPath = -1, p
		}
	}
	if local >= 0 {
		l := m.local[local]
		return filepath.Join(l.dir, filepath.FromSlash(strings.TrimPrefix(imp[len(l.path):], "/"))), "local\x00" + imp
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

// holds reports whether the module modPath holds the package imp.
func holds(modPath, imp string) bool { return imp == modPath || strings.HasPrefix(imp, modPath+"/") }

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

// dir reads a package directory once: the digest of the files a build reads (for the program's own directory,
// where it runs, of every file it may read), and the imports of its Go files.
func (d *deps) dir(dir string, program bool) *dirInfo {
	key := dirKey{dir, program}
	if info, ok := d.dirs[key]; ok {
		return info
	}
	info := &dirInfo{}
	d.dirs[key] = info
	h := sha256.New()
	imports := map[string]bool{}
	info.err = hashPackage(h, dir, program, d.read, func(name string, src []byte) {
		for _, imp := range fileImports(name, src) {
			imports[imp] = true
		}
	})
	info.digest = h.Sum(nil)
	info.imports = slices.Sorted(maps.Keys(imports))
	return info
}

type dirKey struct {
	dir     string
	program bool
}

// buildFiles are the extensions of the files the go command reads from a package directory besides Go files:
// cgo's and assembly sources, headers, SWIG files and system objects (BuildFile).
var buildFiles = map[string]bool{
	".c": true, ".h": true, ".s": true, ".S": true, ".sx": true, ".cc": true, ".cpp": true, ".cxx": true,
	".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true, ".for": true, ".f90": true, ".m": true,
	".swig": true, ".swigcxx": true, ".syso": true,
}

// hashPackage hashes, in name order, the files of the package in dir that the build reads: its Go files (but
// test files) with CRLF line ends as LF (the compiler reads them alike, and a checkout on Windows may have
// either), its other source files, and the files its go:embed lines name (subdirectories too). With all (the
// program's own directory, where it runs and may read any file), every other file of the directory counts too,
// but lessons and editors' leftovers (NotData).
// Names starting with "." or "_" are left out, as the go command leaves them out, unless a go:embed names them.
// Files are read with read; goFile is given each Go file.
func hashPackage(h io.Writer, dir string, all bool, read func(string) ([]byte, error), goFile func(name string, src []byte)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var patterns []string
	hashed := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if !regular(dir, e) || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		isGo := strings.HasSuffix(name, ".go")
		if !isGo && !buildFiles[filepath.Ext(name)] && (!all || NotData(name)) {
			continue
		}
		data, err := read(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if isGo {
			data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
			goFile(name, data)
			patterns = append(patterns, embedPatterns(data)...)
		}
		fmt.Fprintf(h, "file\x00%s\x00%d\x00", name, len(data))
		h.Write(data)
		hashed[name] = true
	}
	embedded, err := embeddedFiles(dir, patterns)
	if err != nil {
		return err
	}
	for _, rel := range embedded {
		if hashed[rel] {
			continue
		}
		data, err := read(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "embed\x00%s\x00%d\x00", rel, len(data))
		h.Write(data)
	}
	return nil
}

// BuildFile reports whether the go command builds the file name of a package's directory into the package: a Go
// file or another source it compiles (test files aside).
func BuildFile(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") || buildFiles[filepath.Ext(name)]
}

// NotData reports whether a file beside a program is no file it reads: a lesson (a program may sit beside the
// lessons that run it, which render rewrites) or an editor's or a patch's leftover, a copy that may hold what
// the program once was.
func NotData(name string) bool {
	lower := strings.ToLower(name)
	for _, suffix := range []string{".md", "~", ".orig", ".rej", ".bak", ".swp", ".tmp"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// embedPatterns returns the patterns of a Go file's //go:embed lines.
func embedPatterns(src []byte) []string {
	var patterns []string
	for _, line := range strings.Split(string(src), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "//go:embed")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
			word := rest
			if rest[0] == '"' || rest[0] == '`' {
				end := strings.IndexByte(rest[1:], rest[0])
				if end < 0 {
					break
				}
				word, rest = rest[:end+2], rest[end+2:]
				if w, err := strconv.Unquote(word); err == nil {
					word = w
				}
			} else if i := strings.IndexAny(rest, " \t"); i >= 0 {
				word, rest = rest[:i], rest[i:]
			} else {
				rest = ""
			}
			patterns = append(patterns, word)
		}
	}
	return patterns
}

// embeddedFiles returns the files of dir, slash-separated relative paths, that go:embed patterns name, as the
// go command resolves them: a pattern matches files and directories of dir; a directory stands for the files
// below it, but for names starting with "." or "_" (unless the pattern starts with "all:") and other modules.
func embeddedFiles(dir string, patterns []string) ([]string, error) {
	files := map[string]bool{}
	for _, pat := range patterns {
		pat, all := strings.CutPrefix(pat, "all:")
		matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pat)))
		if err != nil {
			continue // the compiler says what is wrong with the pattern
		}
		for _, match := range matches {
			err := filepath.WalkDir(match, func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				name := e.Name()
				if p != match && !all && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
					if e.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if e.IsDir() && p != match && isFile(filepath.Join(p, "go.mod")) {
					return filepath.SkipDir
				}
				if regular(filepath.Dir(p), e) {
					rel, err := filepath.Rel(dir, p)
					if err != nil {
						return err
					}
					files[filepath.ToSlash(rel)] = true
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return slices.Sorted(maps.Keys(files)), nil
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
