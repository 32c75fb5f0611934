package serve

import (
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"classnotes/runner/lesson"
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
// directory (also where a link inside the root leads), nor a directory, a device or a named pipe. Anything
// else is 404, whether or not it exists.
func (s *Server) courseFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path") // slash-separated, relative to the course's root
	if s.cfg.Course == "" || !fs.ValidPath(name) || hidden(name) || !s.linked(name) || !s.insideCourse(name) {
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
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, path.Base(name), info.ModTime(), f)
}

// linked reports whether a served lesson's prose links to the file name, slash-separated and relative to the
// course's root.
func (s *Server) linked(name string) bool {
	type servedLesson struct {
		dir    string // the lesson's directory, relative to the course's root
		lesson *lesson.Lesson
	}
	s.mu.Lock()
	links := s.links()
	var lessons []servedLesson
	for _, sv := range s.lessons {
		if sv.lesson == nil {
			continue
		}
		if rel, err := filepath.Rel(s.cfg.Course, filepath.Dir(sv.file)); err == nil {
			lessons = append(lessons, servedLesson{filepath.ToSlash(rel), sv.lesson.Source()})
		}
	}
	s.mu.Unlock()
	for _, l := range lessons {
		for _, f := range site.FileLinks(l.lesson, links) {
			if path.Join(l.dir, f) == name {
				return true
			}
		}
	}
	return false
}

// insideCourse reports whether the file name, relative to the course's root, is there once every symbolic
// link on its way is followed, and is not hidden there.
func (s *Server) insideCourse(name string) bool {
	root, err := filepath.EvalSymlinks(s.cfg.Course)
	if err != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, real)
	return err == nil && filepath.IsLocal(rel) && !hidden(filepath.ToSlash(rel))
}
