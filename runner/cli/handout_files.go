package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"classnotes/runner/engine"
	"classnotes/runner/exercise"
	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/site"
)

// collect gathers the files of the handout. The lessons' editions come first, then the starters of the
// exercises' program files: nothing gathered later replaces them. Every problem is reported, positioned,
// before anything is written.
func (h *handoutWriter) collect(lessons []*engine.Lesson) error {
	var errs []error
	for _, l := range lessons {
		if err := h.lesson(l); err != nil {
			errs = append(errs, err)
		}
	}
	for _, l := range lessons {
		for _, p := range l.Plan.Programs {
			if ex := p.Exercise; ex != nil && ex.Teacher && !p.IsInline() {
				for name, starter := range ex.Files {
					errs = append(errs, h.add(name, starter))
				}
			}
		}
	}
	for _, l := range lessons {
		for _, p := range l.Plan.Programs {
			if !p.IsInline() {
				errs = append(errs, h.dir(p.Dir)...)
			}
			for _, dir := range p.Packages {
				errs = append(errs, h.dir(dir)...)
			}
			if p.Module != "" {
				for _, name := range []string{"go.mod", "go.sum"} {
					errs = append(errs, h.optional(filepath.Join(p.Module, name)))
				}
			}
		}
		for _, link := range site.FileLinks(l.Source(), h.lessonBase) {
			if rel, err := filepath.Rel(h.root, filepath.Join(filepath.Dir(l.Plan.File), filepath.FromSlash(link))); err == nil {
				errs = append(errs, h.linked(rel))
			}
		}
	}
	return lesson.SortErrors(errs...)
}

// packageFile reports whether a file of a package's directory goes into the handout: a Go file (not a test),
// another file the go command builds, or a data file the program may read; never a hidden file, a Markdown
// file (a lesson, or the teacher's notes) or an editor's leftover.
func packageFile(name string) bool {
	return !strings.HasPrefix(name, ".") && !files.Markdown(name) && !strings.HasSuffix(name, "_test.go") && !plan.NotData(name)
}

// buildFile reports whether the go command builds the file name into its package.
func buildFile(name string) bool { return plan.BuildFile(name) }

// dir adds the files of a package directory of the course that packageFile accepts, a symbolic link as the
// file it leads to, if that is a file the course may give out (files.CourseFile); the handout could not build
// without a Go file or another file the go command builds, so such a file that it may not give out is an
// error. A package outside the course's root is an error: the handout could not build it.
func (h *handoutWriter) dir(dir string) []error {
	rel, err := filepath.Rel(h.root, dir)
	if err != nil || !filepath.IsLocal(rel) {
		return []error{fmt.Errorf("%s: a package the lessons build, outside the course's root %s: a handout holds the course's files only, and could not build without it",
			h.a.shown(dir), h.a.shown(h.root))}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if !packageFile(name) || !e.Type().IsRegular() && e.Type()&os.ModeSymlink == 0 {
			continue
		}
		if err := h.courseFile(filepath.Join(rel, name)); err != nil && buildFile(name) {
			errs = append(errs, err)
		}
	}
	return errs
}

// linked adds the file at rel (relative to the course's root) that a lesson links to, if the course may give
// it out: what serve's /files/ route serves.
func (h *handoutWriter) linked(rel string) error {
	if !filepath.IsLocal(rel) || files.Markdown(rel) {
		return nil
	}
	_ = h.courseFile(rel) // a link to a file the handout may not hold is left out, as serve answers 404
	return nil
}

// courseFile adds the file at rel, relative to the course's root, if the course may give it out: a regular
// file inside the course's root once symbolic links are followed, no hidden file nor one in a hidden directory
// (files.CourseFile), never a lesson or a Markdown file. An exercise's program file is its starter.
func (h *handoutWriter) courseFile(rel string) error {
	file := filepath.Join(h.root, rel)
	real, ok := files.CourseFile(h.root, filepath.ToSlash(rel))
	if !ok {
		return fmt.Errorf("%s: not a file the handout may hold: outside the course's root once symbolic links are followed, or hidden", h.a.shown(file))
	}
	info, err := os.Stat(real)
	switch {
	case err != nil:
		return err
	case !info.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", h.a.shown(file))
	case files.Markdown(real) || h.isLesson(info):
		return fmt.Errorf("%s: a lesson or a Markdown file, which a handout holds only as a lesson's edition", h.a.shown(file))
	}
	if starter, ok := h.starters[real]; ok {
		return h.add(file, starter)
	}
	data, err := os.ReadFile(real)
	if err != nil {
		return err
	}
	return h.add(file, data)
}

// isLesson reports whether info is that of a lesson handed out, by any name.
func (h *handoutWriter) isLesson(info os.FileInfo) bool {
	for _, l := range h.lessonInfo {
		if os.SameFile(l, info) {
			return true
		}
	}
	return false
}

// optional adds the file at abs, if it is in the course and exists.
func (h *handoutWriter) optional(abs string) error {
	rel, err := filepath.Rel(h.root, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return nil
	}
	if _, err := os.Lstat(abs); os.IsNotExist(err) {
		return nil
	}
	return h.courseFile(rel)
}

// add puts the file at abs, whose text in the handout is data, into the handout, at its place relative to the
// course's root, unless a file is there already: the first one stays (a lesson's edition, an exercise's
// starter).
func (h *handoutWriter) add(abs string, data []byte) error {
	rel, err := filepath.Rel(h.root, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return fmt.Errorf("%s: outside the course's root %s; a handout holds the course's files only", h.a.shown(abs), h.a.shown(h.root))
	}
	if _, done := h.files[rel]; done {
		return nil
	}
	h.files[rel] = data
	h.from[rel] = abs
	return nil
}

// minSolution is the length below which a solution's text is not looked for in the handout's files: a short
// body (return n) is found in code that holds no solution.
const minSolution = 20

// scan is the safety net under collect: no file of the handout may hold a solution marker, nor the text of a
// solution region of an exercise of the lessons (the teacher's program files). A hit is an error at its place.
func (h *handoutWriter) scan(lessons []*engine.Lesson) error {
	var solutions [][]byte
	for _, l := range lessons {
		for _, p := range l.Plan.Programs {
			ex := p.Exercise
			if ex == nil || !ex.Teacher {
				continue
			}
			var teacher [][]byte
			if p.IsInline() {
				teacher = append(teacher, p.Inline)
			} else {
				for name := range ex.Files {
					b, err := os.ReadFile(name)
					if err != nil {
						return err
					}
					teacher = append(teacher, b)
				}
			}
			for _, src := range teacher {
				for _, body := range exercise.Solutions(src) {
					if body = bytes.TrimSpace(unCR(body)); len(body) >= minSolution {
						solutions = append(solutions, body)
					}
				}
			}
		}
	}
	var errs []error
	for rel, data := range h.files {
		name := filepath.Join(h.a.shown(h.out), rel)
		for _, m := range exercise.Markers(data) {
			errs = append(errs, &lesson.Error{File: name, Pos: lesson.Pos{Line: m.Line, Col: m.Col},
				Msg: fmt.Sprintf("a solution marker in the handout's copy of %s: it would ship a solution", h.a.shown(h.from[rel]))})
		}
		text := unCR(data)
		for _, body := range solutions {
			if i := bytes.Index(text, body); i >= 0 {
				line := bytes.Count(text[:i], []byte("\n")) + 1
				col := i - (bytes.LastIndexByte(text[:i], '\n') + 1) + 1
				errs = append(errs, &lesson.Error{File: name, Pos: lesson.Pos{Line: line, Col: col},
					Msg: fmt.Sprintf("the text of an exercise's solution, in the handout's copy of %s", h.a.shown(h.from[rel]))})
			}
		}
	}
	return lesson.SortErrors(errs...)
}

// unCR returns b without its carriage returns, so that a solution is found whatever its lines end with.
func unCR(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\r"), nil)
}
