package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// The course is the directory a course's files are found from. Its root is the nearest directory, at or above
// a place, that has a lessons/ directory or a go.mod: a module with its lessons elsewhere (notes/) is its own
// course, whatever lessons/ a directory above it has. The search stops below the user's home directory and
// the file system's root, which are never a course's root. Without PATH, a verb takes the lessons/ of the
// course the working directory is in; the site is written into site/ in the root of the course its lessons
// are in, and the classroom serves, besides the lessons, the files their links lead to inside that root.

// lessonsDir is the directory of a course that holds its lessons, and siteDir the one render writes the site
// into, both in the course's root.
const (
	lessonsDir = "lessons"
	siteDir    = "site"
)

// courseRoot returns the root of the course that dir is in, or "" when no directory at or above dir, short of
// the home directory and the file system's root, has a lessons/ directory or a go.mod.
func (a *App) courseRoot(dir string) string {
	for ; a.neverCourse(dir) == ""; dir = filepath.Dir(dir) {
		if isDir(filepath.Join(dir, lessonsDir)) {
			return dir
		}
		if info, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && info.Mode().IsRegular() {
			return dir
		}
	}
	return ""
}

// neverCourse says why dir can never be a course's root, nor the directory a site or notebooks go into when
// the lessons are in no course: "the file system's root" or "the home directory"; "" when it can be one. A
// site written there would land among everything the user has, and serve would offer every file linked below.
func (a *App) neverCourse(dir string) string {
	if filepath.Dir(dir) == dir {
		return "the file system's root"
	}
	home := a.homeDir()
	if home == "" || !filepath.IsAbs(home) {
		return ""
	}
	if filepath.Clean(home) == dir {
		return "the home directory"
	}
	hi, err1 := os.Stat(home)
	di, err2 := os.Stat(dir)
	if err1 == nil && err2 == nil && os.SameFile(hi, di) {
		return "the home directory"
	}
	return ""
}

// homeDir returns the user's home directory as os.UserHomeDir finds it, from the App's environment.
func (a *App) homeDir() string {
	switch runtime.GOOS {
	case "windows":
		return a.getenv("USERPROFILE")
	case "plan9":
		return a.getenv("home")
	}
	return a.getenv("HOME")
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// defaultLessons returns the lessons/ directory of the course the working directory is in, as a path
// relative to the working directory when it can ("lessons" in the course's root, "../lessons" one below).
func (a *App) defaultLessons() (string, error) {
	wd, err := a.Getwd()
	if err != nil {
		return "", err
	}
	root := a.courseRoot(wd)
	if root == "" {
		return "", fmt.Errorf("no %s/ directory in %s or any directory above it (one in the home directory or the file system's root does not count: they are never a course's root): run %s inside a course, or name the lessons (PATH...)", lessonsDir, wd, a.name())
	}
	dir := filepath.Join(root, lessonsDir)
	if !isDir(dir) {
		return "", fmt.Errorf("no %s/ directory in %s, the course %s is in (its go.mod makes it one): name the lessons (PATH...)", lessonsDir, root, wd)
	}
	if rel, err := filepath.Rel(wd, dir); err == nil {
		return rel, nil
	}
	return dir, nil
}

// courseOf returns the root of the course that the lessons named by names are in: the course root of the
// deepest directory that holds them all; when that is in no course (lessons of two courses), the first
// lesson's; when that is in none either, the first lesson's directory (a directory of lessons alone is its own
// course). With no lessons, it is the working directory's course, or the working directory. It is an error
// when that directory is the file system's root or the home directory (neverCourse).
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
	if root := a.courseRoot(dir); root != "" {
		return root, nil
	}
	if len(abs) > 0 {
		dir = filepath.Dir(abs[0])
		if root := a.courseRoot(dir); root != "" {
			return root, nil
		}
	}
	if never := a.neverCourse(dir); never != "" {
		return "", fmt.Errorf("the lessons are in no course, and %s is %s, never a course's root (what is made of the lessons would go into it): put them in a directory of their own", dir, never)
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
