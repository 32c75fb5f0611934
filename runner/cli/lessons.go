package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"classnotes/runner/engine"
	"classnotes/runner/lesson"
)

// findLessons returns the lesson files named by paths, as the user would write them (without paths, the
// course's lessons/ directory: see course.go): files as given, directories
// searched for *.md files (skipping hidden files and directories, whose names start with a dot, and editors' lock, backup and temporary files, such as
// Emacs's ".#a.md", a dangling link while a.md is being edited), in sorted order.
func (a *App) findLessons(paths []string) ([]string, error) {
	if len(paths) == 0 {
		dir, err := a.defaultLessons()
		if err != nil {
			return nil, err
		}
		paths = []string{dir}
	}
	var files []string
	var errs []error
	for _, p := range paths {
		abs, err := a.abs(p)
		if err != nil {
			return nil, err
		}
		info, err := os.Stat(abs)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: no such file or directory", p))
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != abs && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") && !lesson.EditorFile(d.Name()) { // hidden files too
				rel, _ := filepath.Rel(abs, path)
				found = append(found, filepath.Join(p, rel))
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", p, err))
			continue
		}
		if len(found) == 0 {
			errs = append(errs, fmt.Errorf("%s: no lessons (*.md files) found", p))
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return a.dedupe(files), errors.Join(errs...)
}

// dedupe drops the files that name a lesson already in files (the same path twice, a directory and a file in
// it, a symbolic link and its target), keeping the first: rendering a lesson twice in one run would find it
// "changed on disk" by the first rendering.
func (a *App) dedupe(files []string) []string {
	seen := map[string]bool{}
	var kept []string
	for _, f := range files {
		key, err := a.abs(f)
		if err == nil {
			if real, err := filepath.EvalSymlinks(key); err == nil {
				key = real
			}
		}
		if !seen[key] {
			seen[key] = true
			kept = append(kept, f)
		}
	}
	return kept
}

// loadAll loads the lessons named by paths with the engine e. It prints every problem and returns the lessons
// that loaded, and whether all of them did.
func (a *App) loadAll(e *engine.Engine, paths []string) ([]*engine.Lesson, bool) {
	files, err := a.findLessons(paths)
	ok := err == nil
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
	}
	var lessons []*engine.Lesson
	for _, f := range files {
		l, err := a.load(e, f)
		if err != nil {
			fmt.Fprintln(a.Stderr, err)
			ok = false
			continue
		}
		lessons = append(lessons, l)
	}
	return lessons, ok
}

// load loads the lesson at name, a path as the user wrote it.
func (a *App) load(e *engine.Engine, name string) (*engine.Lesson, error) {
	abs, err := a.abs(name)
	if err != nil {
		return nil, err
	}
	return e.Load(name, abs)
}

// lessonNames returns the names of lessons, as the user wrote them.
func lessonNames(lessons []*engine.Lesson) []string {
	names := make([]string, len(lessons))
	for i, l := range lessons {
		names[i] = l.Name
	}
	return names
}

// countCells returns the number of cells in lessons.
func countCells(lessons []*engine.Lesson) int {
	n := 0
	for _, l := range lessons {
		n += len(l.Plan.Programs)
	}
	return n
}

// warnNoCells says so when lessons were found but none of them has a cell, which is more often a mistake in
// the markers than a course without programs. It reports whether it warned.
func (a *App) warnNoCells(verb string, lessons []*engine.Lesson) bool {
	if len(lessons) == 0 || countCells(lessons) > 0 {
		return false
	}
	a.errorf("%s: no cells in %s: a cell is a line \"In [N]:\" followed by a ```go block (see %s help %s)",
		verb, plural(len(lessons), "lesson"), a.name(), formatTopic)
	return true
}
