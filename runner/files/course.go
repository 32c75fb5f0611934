package files

import (
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// CourseFile returns the real path of the file name, slash-separated and relative to the course's root root,
// once every symbolic link on its way is followed, and reports whether the course may give it out (serve's
// /files/ route, handout): name is a valid path with no hidden component (a file or a directory whose name
// starts with a dot), and its real path lies inside the root's real path, with no hidden component there
// either. Whether it is a regular file, a lesson or a Markdown file is for the caller to check, on what it
// opens.
func CourseFile(root, name string) (string, bool) {
	if !fs.ValidPath(name) || Hidden(name) {
		return "", false
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", false
	}
	real, err := filepath.EvalSymlinks(filepath.Join(realRoot, filepath.FromSlash(name)))
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(realRoot, real)
	return real, err == nil && filepath.IsLocal(rel) && !Hidden(filepath.ToSlash(rel))
}

// Hidden reports whether a slash-separated path has a hidden component: one whose name starts with a dot.
func Hidden(name string) bool {
	for _, elem := range strings.Split(name, "/") {
		if strings.HasPrefix(elem, ".") {
			return true
		}
	}
	return false
}

// Markdown reports whether a file name is that of a Markdown file, in any case, and with the dots and spaces
// at its end that Windows drops from a name (a.md. opens a.md).
func Markdown(name string) bool {
	return strings.EqualFold(path.Ext(strings.TrimRight(name, ". ")), ".md")
}
