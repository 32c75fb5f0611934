package serve

import (
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"syscall"

	"classnotes/runner/engine"
	"classnotes/runner/files"
	"classnotes/runner/site"
)

// filesPrefix is the path under which the server serves the course's files that lessons link to.
const filesPrefix = "/files/"

// filesURL returns the URL of the directory of the lesson file as the pages see the course's files
// (site.Page.Files), or "" when no course is served.
func (s *Server) filesURL(file string) string {
	if s.cfg.Course == "" {
		return ""
	}
	rel, err := filepath.Rel(s.cfg.Course, filepath.Dir(file))
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return ""
	}
	return path.Join(filesPrefix, filepath.ToSlash(rel))
}

// courseFile serves a file that a served lesson links to, read-only and behind the same rules as every route
// (the Host check, the token or, with --lan, the student view). What it serves is a regular file inside the
// course's root that a lesson's prose links to (site.FileLinks): never a file outside the root, nor through a
// symbolic link that leads out of it (os.Root refuses those), nor a hidden file or a file in a hidden
// directory (also where a link inside the root leads), nor a directory, a device or a named pipe, nor a lesson
// (lessonFile), whatever link leads there: a lesson's Markdown holds its recorded outputs, which a student's
// page may not have yet. Anything else is 404, whether or not it exists.
func (s *Server) courseFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path") // slash-separated, relative to the course's root
	if s.cfg.Course == "" || !fs.ValidPath(name) || hidden(name) || !s.linked(name) {
		http.NotFound(w, r)
		return
	}
	real, ok := s.insideCourse(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	root, err := os.OpenRoot(s.cfg.Course)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	// O_NONBLOCK: a named pipe put there since insideCourse looked must not hold the handler.
	f, err := root.OpenFile(filepath.FromSlash(name), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || s.lessonFile(info, name, real) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, path.Base(name), info.ModTime(), f)
}

// fileLinks lists the files a lesson's prose links to: site.FileLinks, which a test counts.
var fileLinks = site.FileLinks

// linkSet is the set of files that one version of a served lesson links to.
type linkSet struct {
	of    *engine.Lesson  // the version: loadNow keeps one *engine.Lesson while the file is unchanged
	names map[string]bool // slash-separated, relative to the course's root
}

// linked reports whether a served lesson's prose links to the file name, slash-separated and relative to the
// course's root.
func (s *Server) linked(name string) bool {
	s.mu.Lock()
	lessons := make([]*served, 0, len(s.order))
	for _, key := range s.order {
		lessons = append(lessons, s.lessons[key])
	}
	s.mu.Unlock()
	for _, sv := range lessons {
		if s.linkedBy(sv)[name] {
			return true
		}
	}
	return false
}

// linkedBy returns the files that the prose of sv's lesson, as last loaded, links to. It parses the lesson's
// Markdown once per version and keeps one set per served lesson, that of its version, so that a request under
// /files/, which anyone can send with --lan, costs no parse, and what is kept is bounded by the lessons served.
func (s *Server) linkedBy(sv *served) map[string]bool {
	s.mu.Lock()
	l, set := sv.lesson, sv.linked
	links := s.links()
	s.mu.Unlock()
	if l == nil || set.of == l {
		return set.names
	}
	names := map[string]bool{}
	if rel, err := filepath.Rel(s.cfg.Course, filepath.Dir(sv.file)); err == nil {
		dir := filepath.ToSlash(rel)
		for _, f := range fileLinks(l.Source(), links) {
			names[path.Join(dir, f)] = true
		}
	}
	s.mu.Lock()
	if sv.lesson == l {
		sv.linked = linkSet{of: l, names: names}
	}
	s.mu.Unlock()
	return names
}

// insideCourse returns the real path of the file name, relative to the course's root, once every symbolic link
// on its way is followed, and reports whether it is inside the root and not hidden there (files.CourseFile,
// the rule handout follows too).
func (s *Server) insideCourse(name string) (string, bool) {
	return files.CourseFile(s.cfg.Course, name)
}

// lessonFile reports whether the file opened as name (its real path real, its info info) is a lesson: a served
// lesson's file by any name (a hard link, another case of its name on a case-insensitive system), or a
// Markdown file in a served lesson's directory or below it (another lesson of the course). A link to one reads
// as a link to a file when it is not written as the lesson's name (site.FileLinks); the lesson must still not
// be served as one.
func (s *Server) lessonFile(info fs.FileInfo, name, real string) bool {
	s.mu.Lock()
	files := make([]string, 0, len(s.lessons))
	for _, sv := range s.lessons {
		files = append(files, sv.file)
	}
	s.mu.Unlock()
	var dirs []fs.FileInfo
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && os.SameFile(info, st) {
			return true
		}
		if st, err := os.Stat(filepath.Dir(f)); err == nil {
			dirs = append(dirs, st)
		}
	}
	if !markdown(path.Base(name)) && !markdown(filepath.Base(real)) {
		return false
	}
	for dir := filepath.Dir(real); ; dir = filepath.Dir(dir) {
		if st, err := os.Stat(dir); err == nil && slices.ContainsFunc(dirs, func(d fs.FileInfo) bool { return os.SameFile(d, st) }) {
			return true
		}
		if filepath.Dir(dir) == dir {
			return false
		}
	}
}

// markdown reports whether a file name is that of a Markdown file (files.Markdown).
func markdown(name string) bool { return files.Markdown(name) }
