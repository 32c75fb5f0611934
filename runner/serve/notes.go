package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
)

// notesState is, for each lesson, whether the teacher hides the notes (the recorded outputs) until each cell
// has run, and which cells have run since. A student's page is written without the notes it hides, and gets a
// cell's Notes panel (GET /api/notes) only once the cell is revealed: the student cannot read them in the
// page's source before. The teacher's pages get everything, and only veil what is hidden.
type notesState struct {
	mu       sync.Mutex
	revealed map[string]map[int]bool // by lesson key, while its notes are hidden: the cells revealed since
}

// notesRequest is the body of POST /api/notes: hide a lesson's notes until each cell has run, or show them all.
type notesRequest struct {
	Lesson string `json:"lesson"`
	Hidden *bool  `json:"hidden"`
}

// notesOf returns whether lesson key's notes are hidden, and the cells revealed since (a copy).
func (s *Server) notesOf(key string) (hidden bool, revealed map[int]bool) {
	s.notes.mu.Lock()
	defer s.notes.mu.Unlock()
	rev, hidden := s.notes.revealed[key]
	return hidden, maps.Clone(rev)
}

// notesEvent describes the state of lesson key's notes, as the notes event and the API give it.
func notesEvent(key string, hidden bool, revealed map[int]bool) Notes {
	cells := slices.Sorted(maps.Keys(revealed))
	if cells == nil {
		cells = []int{}
	}
	return Notes{Lesson: key, Hidden: hidden, Revealed: cells}
}

// servedView returns how lesson key's pages are written for the teacher, or for a student: without the notes the
// teacher hides.
func (s *Server) servedView(key string, teacher bool) *pageView {
	hidden, revealed := s.notesOf(key)
	v := &pageView{Lesson: key, Teacher: teacher, NotesHidden: hidden, Revealed: revealed, Withhold: !teacher}
	if teacher && s.class != nil {
		v.Class = &classView{Code: s.class.code}
		for _, k := range s.class.class.Exercises() {
			v.Class.Exercises = append(v.Class.Exercises, k.String())
		}
	}
	return v
}

// setNotesHidden hides lesson key's notes until each cell has run (none is revealed yet), or shows them all,
// and tells every page.
func (s *Server) setNotesHidden(key string, hidden bool) Notes {
	s.notes.mu.Lock()
	defer s.notes.mu.Unlock() // held while sending, so that the pages get the states in order
	rev, was := s.notes.revealed[key]
	switch {
	case hidden && !was:
		if s.notes.revealed == nil {
			s.notes.revealed = map[string]map[int]bool{}
		}
		rev = map[int]bool{}
		s.notes.revealed[key] = rev
	case !hidden:
		delete(s.notes.revealed, key)
		rev = nil
	}
	ev := notesEvent(key, hidden, rev)
	if hidden != was {
		s.hub.send(ev)
	}
	return ev
}

// cellEnded reveals a cell whose run ended while its lesson's notes are hidden, and tells every page: the
// students' pages then fetch its notes.
func (s *Server) cellEnded(key string, cell int) {
	s.notes.mu.Lock()
	defer s.notes.mu.Unlock()
	rev, hidden := s.notes.revealed[key]
	if !hidden || rev[cell] {
		return
	}
	rev[cell] = true
	s.hub.send(notesEvent(key, true, rev))
}

// hideNotes is POST /api/notes: the teacher's "Hide notes until run".
func (s *Server) hideNotes(w http.ResponseWriter, r *http.Request) {
	var req notesRequest
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		err = json.Unmarshal(b, &req)
	}
	if err == nil && req.Hidden == nil {
		err = errors.New(`no "hidden"`)
	}
	if err != nil {
		jsonError(w, http.StatusBadRequest, `malformed request: want JSON {"lesson": "…", "hidden": true or false}: `+err.Error())
		return
	}
	if s.lesson(req.Lesson) == nil {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no lesson %q", req.Lesson))
		return
	}
	writeJSON(w, http.StatusOK, s.setNotesHidden(req.Lesson, *req.Hidden))
}

// notesHandler is GET /api/notes?lesson=KEY: the state of the lesson's notes, as JSON; with &cell=N, cell N's
// Notes panel as HTML, to the teacher always, to a student only once the teacher reveals it.
func (s *Server) notesHandler(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sv := s.lesson(q.Get("lesson"))
	if sv == nil {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no lesson %q", q.Get("lesson")))
		return
	}
	if !q.Has("cell") {
		hidden, revealed := s.notesOf(sv.key)
		writeJSON(w, http.StatusOK, notesEvent(sv.key, hidden, revealed))
		return
	}
	n, err := strconv.Atoi(q.Get("cell"))
	if err != nil || n < 1 {
		jsonError(w, http.StatusBadRequest, fmt.Sprintf("cell %q: want a cell number", q.Get("cell")))
		return
	}
	view := s.servedView(sv.key, s.authorized(r))
	if view.Withheld(n) {
		jsonError(w, http.StatusForbidden, fmt.Sprintf("the notes of In [%d] are hidden until it has run", n))
		return
	}
	s.mu.Lock()
	l, loadErr := sv.lesson, sv.err
	s.mu.Unlock()
	if loadErr != nil {
		jsonError(w, http.StatusConflict, "the lesson does not load: "+loadErr.Error())
		return
	}
	var b bytes.Buffer
	if err := writeNotesPanel(&b, l.Source(), view, n); err != nil {
		jsonError(w, http.StatusNotFound, err.Error())
		return
	}
	writeHTML(w, b.Bytes())
}
