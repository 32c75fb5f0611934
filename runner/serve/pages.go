package serve

import (
	"bytes"
	"fmt"
	"net/http"
	"path"

	"classnotes/runner/site"
)

// index lists the lessons.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var entries []site.Entry
	for _, key := range s.order {
		sv := s.lessons[key]
		e := site.Entry{Title: key, Page: sv.page}
		switch {
		case sv.err != nil:
			e.Outcome, e.Failed = "does not load", true
		default:
			e.Title = site.Title(sv.lesson.Source())
			e.Cells = len(sv.lesson.Plan.Programs)
			e.Outcome = fmt.Sprintf("%d cells", e.Cells)
		}
		entries = append(entries, e)
	}
	s.mu.Unlock()
	var b bytes.Buffer
	if err := site.WriteIndex(&b, entries); err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeHTML(w, b.Bytes())
}

// pageHandler serves a lesson's page as the lesson last loaded (the watcher loads it again when it changes):
// the teacher's view with the token, the student's without. A lesson that does not load shows its errors.
func (s *Server) pageHandler(w http.ResponseWriter, r *http.Request) {
	sv := s.byPage(r.PathValue("page"))
	if sv == nil {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	l, loadErr := sv.lesson, sv.err
	links := s.links()
	s.mu.Unlock()
	if loadErr != nil {
		page, script := errorPage(sv.key, loadErr)
		w.Header().Set("Content-Security-Policy", policyFor(script))
		writeHTML(w, page)
		return
	}
	// Live panels, and controls for the teacher; a student's page without the notes the teacher hides.
	var b bytes.Buffer
	if err := writePage(&b, l.Source(), links, s.filesURL(sv.file), s.servedView(sv.key, s.authorized(r))); err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Security-Policy", pagePolicy())
	writeHTML(w, b.Bytes())
}

func writeHTML(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// links returns the served lessons' pages by lesson file name, as site.Page.Links. The caller holds s.mu.
func (s *Server) links() map[string]string {
	links := map[string]string{}
	for _, other := range s.lessons {
		links[path.Base(other.key)] = other.page
	}
	return links
}
