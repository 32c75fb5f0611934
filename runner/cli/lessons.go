package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/splice"
)

// defaultPath is where lessons are looked for when no path is given.
const defaultPath = "lessons"

// loaded is a lesson read, parsed and planned.
type loaded struct {
	name string // the path as shown to the user
	plan *plan.Plan
	orig *splice.Original // the file as read, to be replaced only if it has not changed since
}

func (l *loaded) lesson() *lesson.Lesson { return l.plan.Lesson }

// findLessons returns the lesson files named by paths, as the user would write them: files as given, directories
// searched for *.md files (skipping hidden directories), in sorted order.
func (a *App) findLessons(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{defaultPath}
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
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
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

// load reads, parses and plans the lesson at name.
func (a *App) load(name string, opt plan.Options) (*loaded, error) {
	tc, err := a.toolchain(context.Background())
	if err != nil {
		return nil, err
	}
	opt.Toolchain = tc
	abs, err := a.abs(name)
	if err != nil {
		return nil, err
	}
	orig, err := splice.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	l, parseErr := lesson.Parse(name, orig.Bytes)
	if l == nil {
		return nil, parseErr
	}
	// Plan the cells that parsed even when others did not, so that every problem of the file shows at once.
	p, planErr := plan.Make(l, abs, opt)
	if err := lesson.SortErrors(parseErr, planErr); err != nil {
		return nil, err
	}
	return &loaded{name: name, plan: p, orig: orig}, nil
}

// loadAll loads the lessons named by paths. It prints every problem and returns the lessons that loaded, and
// whether all of them did.
func (a *App) loadAll(paths []string, opt plan.Options) ([]*loaded, bool) {
	files, err := a.findLessons(paths)
	ok := err == nil
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
	}
	var lessons []*loaded
	for _, f := range files {
		l, err := a.load(f, opt)
		if err != nil {
			fmt.Fprintln(a.Stderr, err)
			ok = false
			continue
		}
		lessons = append(lessons, l)
	}
	return lessons, ok
}

// countCells returns the number of cells in lessons.
func countCells(lessons []*loaded) int {
	n := 0
	for _, l := range lessons {
		n += len(l.lesson().Cells)
	}
	return n
}

// warnNoCells says so when lessons were found but none of them has a cell, which is more often a mistake in
// the markers than a course without programs. It reports whether it warned.
func (a *App) warnNoCells(verb string, lessons []*loaded) bool {
	if len(lessons) == 0 || countCells(lessons) > 0 {
		return false
	}
	a.errorf("%s: no cells in %s: a cell is a line \"In [N]:\" followed by a ```go block (runner/lesson/doc.go)",
		verb, plural(len(lessons), "lesson"))
	return true
}

// unwrapPath drops the operation and path of an *fs.PathError, which the caller names itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
