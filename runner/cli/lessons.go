package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"classnotes/runner/lesson"
	"classnotes/runner/plan"
)

// defaultPath is where lessons are looked for when no path is given.
const defaultPath = "lessons"

// loaded is a lesson read, parsed and planned.
type loaded struct {
	name string // the path as shown to the user
	plan *plan.Plan
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
	src, err := readLesson(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, unwrapPath(err))
	}
	l, parseErr := lesson.Parse(name, src)
	if l == nil {
		return nil, parseErr
	}
	// Plan the cells that parsed even when others did not, so that every problem of the file shows at once.
	p, planErr := plan.Make(l, abs, opt)
	if err := lesson.SortErrors(parseErr, planErr); err != nil {
		return nil, err
	}
	return &loaded{name: name, plan: p}, nil
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

// MaxLessonSize is the size of the largest lesson the runner reads: 64 MiB, far beyond any lesson a person
// writes, small enough that a mistaken path (a log, a disk image) cannot exhaust memory.
const MaxLessonSize = 64 << 20

// readLesson reads the lesson file at path. It reads only regular files (a symbolic link is followed), so that
// a named pipe or a device called *.md neither blocks the runner nor fills its memory, and at most
// MaxLessonSize bytes.
func readLesson(path string) ([]byte, error) {
	// O_NONBLOCK: opening a named pipe must not wait for a writer before the type check below can refuse it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s); not read", fileKind(info.Mode()))
	}
	if info.Size() > MaxLessonSize {
		return nil, fmt.Errorf("%d bytes, larger than the %d MiB a lesson may be; not read", info.Size(), MaxLessonSize>>20)
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxLessonSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxLessonSize {
		return nil, fmt.Errorf("grew past the %d MiB a lesson may be while it was read; not read", MaxLessonSize>>20)
	}
	return src, nil
}

// fileKind names the type of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

// unwrapPath drops the operation and path of an *fs.PathError, which the caller names itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
