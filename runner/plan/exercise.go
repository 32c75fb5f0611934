package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"classnotes/runner/exercise"
	"classnotes/runner/lesson"
)

// Exercise is what an exercise cell (the exercise attribute) builds besides its program.
type Exercise struct {
	// Teacher reports whether the program has solution regions: the teacher's copy, whose handout replaces
	// them. A student's copy (a handout) has none.
	Teacher bool
	// Starter is the program the handout gets (the teacher's copy only): every solution region replaced by its
	// starter. For an src= cell, it is the package with its files' starters laid over them (Overlay).
	Starter *Program
	// Files are the handout's texts of the program's files that have regions, by absolute path (by "main.go"
	// for an inline cell), and Lines, for each, the teacher's line of each of their lines.
	Files map[string][]byte
	Lines map[string][]int
}

// Expected reports whether the cell's recorded output is the expected output of an exercise in a handout
// (want=): the runner compares with it and never replaces it.
func (p *Program) Expected() bool { return p.Cell.Out != nil && p.Cell.Out.Want != "" }

// programFiles returns the Go files of p's program, by the name used in messages and positions: "main.go" for
// an inline cell, the absolute path of each file of an src= package (test files left out).
func programFiles(p *Program, d *deps) (map[string][]byte, error) {
	if p.IsInline() {
		return map[string][]byte{"main.go": p.Inline}, nil
	}
	files := map[string][]byte{}
	names, err := filepath.Glob(filepath.Join(p.Dir, "*.go"))
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := d.read(name)
		if err != nil {
			return nil, err
		}
		files[name] = b
	}
	return files, nil
}

// exercises finds the solution markers of prog's files: in an exercise cell, its regions and starter; in any
// other cell, each marker is an error. Errors are positioned in the lesson (inline) or in the snippet's file.
func exercises(l *lesson.Lesson, prog *Program, d *deps) []error {
	c := prog.Cell
	files, err := programFiles(prog, d)
	if err != nil {
		return []error{&lesson.Error{File: l.Path, Pos: c.Pos, Msg: fmt.Sprintf("In [%d]: %v", c.Number, err)}}
	}
	var errs []error
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	ex := &Exercise{Files: map[string][]byte{}, Lines: map[string][]int{}}
	for _, name := range names {
		src := files[name]
		var found []*exercise.Error
		if !c.Attrs.Exercise {
			found = exercise.Markers(src)
		} else {
			regions, problems := exercise.Find(src)
			found = problems
			if len(problems) == 0 && len(regions) > 0 {
				out, lines, problems := exercise.Starter(src)
				found = problems
				ex.Files[name], ex.Lines[name] = out, lines
			}
		}
		for _, e := range found {
			errs = append(errs, markerError(l, prog, name, e))
		}
	}
	if !c.Attrs.Exercise || len(errs) > 0 {
		return errs
	}
	if len(ex.Files) == 0 && (c.Out == nil || c.Out.Want == "") {
		a, _ := c.Attrs.Get("exercise")
		return []error{&lesson.Error{File: l.Path, Pos: a.Pos, Msg: fmt.Sprintf("In [%d]: an exercise with no solution region in its program "+
			"(// BEGIN SOLUTION ... // END SOLUTION) and no expected output (want=, as in a handout): mark the solution, or drop exercise", c.Number)}}
	}
	prog.Exercise = ex
	if len(ex.Files) > 0 {
		ex.Teacher = true
		ex.Starter = starterProgram(prog, ex)
	}
	return nil
}

// programLine matches a line number in a message of package exercise.
var programLine = regexp.MustCompile(`\bline [0-9]+\b`)

// markerError positions a problem with the markers of file name of prog: in the lesson for an inline cell, in
// the snippet's file (by the path the lesson's src= gives) for an src= cell.
func markerError(l *lesson.Lesson, prog *Program, name string, e *exercise.Error) error {
	c := prog.Cell
	if prog.IsInline() {
		body := l.Pos(c.Code.Body)
		// The message may name another line of the program ("the region that begins at line 4"): the lesson's.
		msg := programLine.ReplaceAllStringFunc(e.Msg, func(m string) string {
			n, _ := strconv.Atoi(strings.TrimPrefix(m, "line "))
			return fmt.Sprintf("line %d", body.Line+n-1)
		})
		return &lesson.Error{File: l.Path, Pos: lesson.Pos{Line: body.Line + e.Line - 1, Col: e.Col + len(c.Code.Indent)},
			Msg: fmt.Sprintf("In [%d]: %s", c.Number, msg)}
	}
	file := filepath.Join(filepath.Dir(l.Path), filepath.Dir(filepath.FromSlash(c.Attrs.Src)), filepath.Base(name))
	return &lesson.Error{File: file, Pos: lesson.Pos{Line: e.Line, Col: e.Col},
		Msg: fmt.Sprintf("In [%d] of %s: %s", c.Number, l.Path, e.Msg)}
}

// starterProgram returns the program of prog's handout: the inline text with its regions replaced, or prog's
// package with the starters of its files laid over them.
func starterProgram(prog *Program, ex *Exercise) *Program {
	st := &Program{Cell: prog.Cell, Dir: prog.Dir, SrcFile: prog.SrcFile, Src: prog.Src, Module: prog.Module, Timeout: prog.Timeout,
		IsStarter: true}
	if prog.IsInline() {
		st.Inline = ex.Files["main.go"]
	} else {
		st.Overlay = ex.Files
		if b, ok := ex.Files[prog.SrcFile]; ok {
			st.Src = b
		}
	}
	return st
}

// starterKey gives the starter of an exercise its build key, once prog's is known: it follows from prog's,
// which covers the sources the starter is made from.
func (prog *Program) starterKey() {
	if ex := prog.Exercise; ex != nil && ex.Starter != nil {
		h := sha256.Sum256([]byte("classnotes starter 1\x00" + prog.BuildKey))
		ex.Starter.BuildKey = hex.EncodeToString(h[:])
		ex.Starter.Packages = prog.Packages
	}
}

// packageMarkers returns an error for each solution marker in a Go file of the course's packages that the
// programs of pl import: only an exercise's own program has its regions replaced in the handout, so a marker
// there would ship its solution. Each file is reported once, at its path as seen from the lesson's directory.
func packageMarkers(l *lesson.Lesson, pl *Plan, d *deps) []error {
	lessonDir := filepath.Dir(pl.File)
	seen := map[string]bool{}
	var errs []error
	for _, prog := range pl.Programs {
		for _, dir := range prog.Packages {
			if seen[dir] {
				continue
			}
			seen[dir] = true
			names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
			sort.Strings(names)
			for _, name := range names {
				if strings.HasSuffix(name, "_test.go") {
					continue
				}
				src, err := d.read(name) // read already, for the fingerprint
				if err != nil {
					continue // the build says what is wrong
				}
				shown := name
				if rel, err := filepath.Rel(lessonDir, name); err == nil {
					shown = filepath.Join(filepath.Dir(l.Path), rel)
				}
				for _, e := range exercise.Markers(src) {
					errs = append(errs, &lesson.Error{File: shown, Pos: lesson.Pos{Line: e.Line, Col: e.Col},
						Msg: fmt.Sprintf("imported by In [%d] of %s: %s (a package's solution would ship in the handout: put the region in the exercise's own program)", prog.Cell.Number, l.Path, e.Msg)})
				}
			}
		}
	}
	return errs
}
