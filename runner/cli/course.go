package cli

import (
	"fmt"
	"os"
	"path/filepath"
)

// The course is the directory a course's files are found from. Its root is the nearest directory, at or above
// a place, that has a lessons/ directory, else the nearest that has a go.mod (the root of the course's
// module). Without PATH, a verb takes the lessons/ of the course the working directory is in; the site is
// written into site/ in the root of the course its lessons are in, and the classroom serves, besides the
// lessons, the files their links lead to inside that root.

// lessonsDir is the directory of a course that holds its lessons, and siteDir the one render writes the site
// into, both in the course's root.
const (
	lessonsDir = "lessons"
	siteDir    = "site"
)

// courseRoot returns the root of the course that dir is in, or "" when no directory at or above dir has a
// lessons/ directory or a go.mod.
func courseRoot(dir string) string {
	if root := findUp(dir, lessonsDir, true); root != "" {
		return root
	}
	return findUp(dir, "go.mod", false)
}

// findUp returns the nearest directory at or above dir that holds name, a directory when isDir, or "".
func findUp(dir, name string, isDir bool) string {
	for {
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil && info.IsDir() == isDir {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// defaultLessons returns the lessons/ directory of the course the working directory is in, as a path
// relative to the working directory when it can ("lessons" in the course's root, "../lessons" one below).
func (a *App) defaultLessons() (string, error) {
	wd, err := a.Getwd()
	if err != nil {
		return "", err
	}
	root := findUp(wd, lessonsDir, true)
	if root == "" {
		return "", fmt.Errorf("no %s/ directory in %s or any directory above it: run %s inside a course, or name the lessons (PATH...)", lessonsDir, wd, a.name())
	}
	dir := filepath.Join(root, lessonsDir)
	if rel, err := filepath.Rel(wd, dir); err == nil {
		return rel, nil
	}
	return dir, nil
}

// courseOf returns the root of the course that the lessons named by names are in: the course root of the
// deepest directory that holds them all; when that is in no course (lessons of two courses), the first
// lesson's; when that is in none either, the deepest directory itself (a directory of lessons alone is its own
// course). With no lessons, it is the working directory's course.
func (a *App) courseOf(names []string) (string, error) {
	abs := make([]string, len(names))
	for i, n := range names {
		var err error
		if abs[i], err = a.abs(n); err != nil {
			return "", err
		}
	}
	dir := commonDir(abs)
	if len(abs) == 0 {
		wd, err := a.Getwd()
		if err != nil {
			return "", err
		}
		dir = wd
	}
	if root := courseRoot(dir); root != "" {
		return root, nil
	}
	if len(abs) > 0 {
		if root := courseRoot(filepath.Dir(abs[0])); root != "" {
			return root, nil
		}
	}
	return dir, nil
}

// defaultOut returns where a verb writes what it makes of the lessons named by names when its flag, flag, was
// not given: dir in the root of their course.
func (a *App) defaultOut(names []string, dir string) (string, error) {
	root, err := a.courseOf(names)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, dir), nil
}

// shown returns path as messages show it: relative to the working directory when it is at or below it.
func (a *App) shown(path string) string {
	wd, err := a.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return path
}
