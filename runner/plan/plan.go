package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"classnotes/runner/lesson"
)

// DefaultTimeout is how long a cell may run when neither its timeout= attribute nor the caller says otherwise.
const DefaultTimeout = 10 * time.Second

// Program is what one cell builds and runs.
type Program struct {
	Cell *lesson.Cell

	// For src= cells: the package directory built and run, the src file and its contents.
	Dir     string
	SrcFile string
	Src     []byte

	// For inline cells: the program text from the fence body.
	Inline []byte

	// Module is the directory holding the go.mod the program builds with, "" when there is none.
	Module  string
	Timeout time.Duration

	// BuildKey identifies the binary: the sources it is built from, the Go version and the target.
	BuildKey string
	// Fingerprint identifies the output as far as code goes, on every platform: the sources, the Go release and
	// the attributes that affect running (see fingerprint). For cells that run with servers (Group), it covers
	// the whole group. The lesson records its first ShortLen digits.
	Fingerprint string
	// RunKey identifies a run: the fingerprint and the build key. A cell's run is cached by it.
	RunKey string

	// Packages are the directories of the packages the program imports, directly or not, that are files of
	// the course (its module's, or a directory a replace or go.work names), sorted.
	Packages []string

	// Exercise is set for an exercise cell (the exercise attribute): its starter, in the teacher's copy.
	Exercise *Exercise
	// IsStarter marks the starter of an exercise (Exercise.Starter), the program of its cell in the handout.
	IsStarter bool
	// Overlay, for the starter of an src= exercise, are the texts built instead of the package's files, by
	// absolute path (go build -overlay).
	Overlay map[string][]byte
	Group   bool
}

// IsInline reports whether the program is the fence body of its cell.
func (p *Program) IsInline() bool { return p.SrcFile == "" }

// Plan is the programs of one lesson, in document order.
type Plan struct {
	Lesson   *lesson.Lesson
	File     string // absolute path of the lesson
	Programs []*Program
}

// Options are the caller's defaults.
type Options struct {
	Timeout   time.Duration // for cells without timeout=; 0 means DefaultTimeout
	Toolchain Toolchain     // what fingerprints cover of the toolchain
	ModCache  string        // GOMODCACHE, where the sources of required modules are read
	GoWork    string        // GOWORK: "off", a go.work file, or "" for the go.work found above the module, if any
	GoFlags   string        // GOFLAGS: its -mod says whether a module with a vendor directory builds from it
}

// Make resolves the programs of lesson l, read from file. Problems with src= paths and needs= cells are
// reported together as positioned errors.
func Make(l *lesson.Lesson, file string, opt Options) (*Plan, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	module := ModuleRoot(dir)
	root := module
	if root == "" {
		root = dir
	}
	p := &Plan{Lesson: l, File: abs}
	d := newDeps(opt)
	var errs []error
	for _, c := range l.Cells {
		prog := &Program{Cell: c, Module: module, Timeout: opt.Timeout}
		if prog.Timeout == 0 {
			prog.Timeout = DefaultTimeout
		}
		if c.Attrs.Timeout > 0 {
			prog.Timeout = c.Attrs.Timeout
		}
		if c.Attrs.Src == "" {
			prog.Inline = stripCR(c.Code.Text(l.Source))
		} else if err := resolveSrc(prog, dir, root); err != nil {
			a, _ := c.Attrs.Get("src")
			errs = append(errs, &lesson.Error{File: l.Path, Pos: a.Pos, Msg: fmt.Sprintf("In [%d]: %v", c.Number, err)})
		} else {
			d.files[prog.SrcFile] = prog.Src // read once
		}
		p.Programs = append(p.Programs, prog)
	}
	for _, prog := range p.Programs {
		if prog.Inline != nil || prog.SrcFile != "" {
			errs = append(errs, exercises(l, prog, d)...)
		}
	}
	errs = append(errs, checkNeeds(l)...)
	if len(errs) > 0 {
		return p, lesson.SortErrors(errs...)
	}
	for _, prog := range p.Programs {
		if err := prog.fingerprint(opt.Toolchain, d); err != nil && err != errMissing {
			return p, fmt.Errorf("%s: In [%d]: fingerprint: %w", l.Path, prog.Cell.Number, err)
		}
	}
	if err := d.missingError(); err != nil {
		return p, err
	}
	p.groupServers()
	for _, prog := range p.Programs {
		prog.runKey()
		prog.starterKey()
	}
	if errs := packageMarkers(l, p, d); len(errs) > 0 {
		return p, lesson.SortErrors(errs...)
	}
	return p, nil
}

// resolveSrc checks the src= path of prog and fills in its package directory, file and module.
func resolveSrc(prog *Program, lessonDir, root string) error {
	src := prog.Cell.Attrs.Src
	if filepath.IsAbs(src) || strings.HasPrefix(src, "/") {
		return fmt.Errorf("src=%s: an absolute path; write it relative to the lesson's directory, so the lesson works in every clone", src)
	}
	path := filepath.Join(lessonDir, filepath.FromSlash(src))
	info, err := os.Stat(path)
	switch {
	case err != nil && errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("src=%s: no such file", src)
	case err != nil:
		return fmt.Errorf("src=%s: %v", src, err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("src=%s: not a regular file", src)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("src=%s: %v", src, err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("src=%s: %v", src, err)
	}
	if !within(real, realRoot) {
		return fmt.Errorf("src=%s: resolves to %s, outside %s", src, real, root)
	}
	if prog.Src, err = os.ReadFile(path); err != nil {
		return fmt.Errorf("src=%s: %v", src, err)
	}
	prog.SrcFile = path
	prog.Dir = filepath.Dir(path)
	prog.Module = ModuleRoot(prog.Dir)
	return nil
}

// within reports whether path is root or lies under it.
func within(path, root string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// ModuleRoot returns the nearest directory at or above dir holding a go.mod file, or "" when there is none.
func ModuleRoot(dir string) string {
	for {
		if info, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !info.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func stripCR(b []byte) []byte {
	return []byte(strings.ReplaceAll(string(b), "\r\n", "\n"))
}
