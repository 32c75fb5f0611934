package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
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
	links := map[string]string{}
	for _, other := range s.lessons {
		links[path.Base(other.key)] = other.page
	}
	s.mu.Unlock()
	if loadErr != nil {
		page, script := errorPage(sv.key, loadErr)
		w.Header().Set("Content-Security-Policy", site.PolicyFor(script))
		writeHTML(w, page)
		return
	}
	// Live panels, and controls for the teacher.
	page := &site.Page{Lesson: l.Source(), Cells: map[int]*site.Cell{}, Links: links}
	page.Serve = s.servedView(sv.key, s.authorized(r)) // a student's without the notes the teacher hides
	var b bytes.Buffer
	if err := site.WritePage(&b, page); err != nil {
		jsonError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Security-Policy", site.ContentSecurityPolicy())
	writeHTML(w, b.Bytes())
}

// jsString returns s as a JavaScript string literal that is safe inside a <script> element.
func jsString(s string) string {
	b, _ := json.Marshal(s) // escapes <, > and &
	return string(b)
}

func writeHTML(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// errorPage shows why a lesson does not load, and reloads itself when the lesson is saved again. It returns
// the page and its script.
func errorPage(key string, err error) (page []byte, script string) {
	script = `new EventSource("/api/events").addEventListener("reload", e => { if (JSON.parse(e.data).lesson === ` +
		jsString(key) + `) location.reload() })`
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%[1]s: errors</title>
<style>body{font:1.2rem/1.5 system-ui,sans-serif;margin:2rem}pre{background:#fee;color:#600;padding:1rem;white-space:pre-wrap}</style></head>
<body data-lesson="%[1]s"><h1>%[1]s does not load</h1><pre class="errors">%[2]s</pre>
<p>Fix the lesson and save it: this page reloads.</p>
<script>%[3]s</script>
</body></html>
`, html.EscapeString(key), html.EscapeString(err.Error()), script), script
}
