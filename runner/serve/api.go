package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"classnotes/runner/engine"
)

// maxBody bounds a request body: a request names a lesson and a cell, nothing more.
const maxBody = 4 << 10

// keptRuns and keptBytes bound the ended runs kept for Accept: by number, and by the memory their outputs
// and lessons hold (about runBytes), and per cell (keptPerCell). The oldest go first.
const (
	keptRuns    = 200
	keptBytes   = 32 << 20
	keptPerCell = 2 // the run a page shows, and the one before
)

// runState is one run: of a cell, or of a whole lesson (Run all).
type runState struct {
	id     string
	key    string         // the lesson's key
	lesson *engine.Lesson // the lesson as it was when the run began: Accept writes only into that file
	first  *engine.Lesson // the same, never replaced: the results point into it
	cell   int            // 0 for Run all
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	results map[int]*engine.Result // by cell, once done
	size    int64                  // runBytes, once ended
}

// lessons returns the lessons rs holds: the one it began with, which its results point into, and the one its
// last accept wrote, if any.
func (rs *runState) lessons() []*engine.Lesson {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.lesson == rs.first {
		return []*engine.Lesson{rs.first}
	}
	return []*engine.Lesson{rs.first, rs.lesson}
}

// request is the body of every POST: which lesson, which cell, which run. Any other field, code above all,
// is ignored: what runs is the file on disk.
type request struct {
	Lesson string `json:"lesson"`
	Cell   int    `json:"cell"`
	Run    string `json:"run"`
}

func readRequest(w http.ResponseWriter, r *http.Request) (request, bool) {
	var req request
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		err = json.Unmarshal(b, &req)
	}
	if err != nil {
		jsonError(w, http.StatusBadRequest, "malformed request: want JSON {\"lesson\": \"…\", \"cell\": N}: "+err.Error())
		return req, false
	}
	return req, true
}

// readLessonRequest reads the request and finds its lesson; when it answers the request itself (malformed, no
// such lesson) it returns a nil lesson.
func (s *Server) readLessonRequest(w http.ResponseWriter, r *http.Request) (request, *served) {
	req, ok := readRequest(w, r)
	if !ok {
		return req, nil
	}
	sv := s.lesson(req.Lesson)
	if sv == nil {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no lesson %q", req.Lesson))
	}
	return req, sv
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func newRunID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func activeKey(lesson string, cell int) string { return lesson + "#" + strconv.Itoa(cell) }

// run starts a cell, or with cell 0 the whole lesson, as the file is on disk now.
func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	req, sv := s.readLessonRequest(w, r)
	if sv == nil {
		return
	}
	// The lesson as it is on disk this moment, not as the watcher last saw it: what runs, and what Accept will
	// insist is still there, is the file the teacher sees in the editor.
	l, loadErr := s.loadNow(sv)
	if loadErr != nil {
		jsonError(w, http.StatusConflict, "the lesson does not load: "+loadErr.Error())
		return
	}
	var prog *engine.Program
	if req.Cell != 0 {
		if prog = l.Cell(req.Cell); prog == nil {
			jsonError(w, http.StatusNotFound, fmt.Sprintf("%s: no cell In [%d]", req.Lesson, req.Cell))
			return
		}
	}
	ctx, cancel := context.WithCancel(s.ctx)
	rs := &runState{id: newRunID(), key: req.Lesson, lesson: l, first: l, cell: req.Cell, cancel: cancel, done: make(chan struct{}), results: map[int]*engine.Result{}}
	s.mu.Lock()
	if busy := s.busy(req.Lesson, req.Cell); busy != "" {
		s.mu.Unlock()
		cancel()
		jsonError(w, http.StatusConflict, busy)
		return
	}
	s.active[activeKey(req.Lesson, req.Cell)] = rs
	s.runs[rs.id] = rs
	s.wg.Add(1)
	s.mu.Unlock()

	resp := map[string]any{"run": rs.id}
	if prog != nil {
		if down := l.ServersDown(prog); len(down) > 0 {
			resp["down"] = down
			s.hub.send(Servers{Lesson: req.Lesson, Cell: req.Cell, Down: down})
		}
	}
	go s.execute(ctx, req.Lesson, rs, l, prog)
	writeJSON(w, http.StatusAccepted, resp)
}

// busy says why a run of cell (0: every cell) of lesson cannot start now, or "". The caller holds s.mu.
func (s *Server) busy(lesson string, cell int) string {
	if s.active[activeKey(lesson, 0)] != nil {
		return "the whole lesson is running (Run all); stop it first"
	}
	if cell == 0 {
		for k := range s.active {
			if strings.HasPrefix(k, lesson+"#") {
				return "cells of this lesson are running; stop them first"
			}
		}
		return ""
	}
	if s.active[activeKey(lesson, cell)] != nil {
		return fmt.Sprintf("In [%d] is already running", cell)
	}
	return ""
}

// execute runs rs and sends its events to every page. The end of the cell that ended last is held back until
// the run has left the active set, so that a page that saw every end of a run can run it again at once.
func (s *Server) execute(ctx context.Context, key string, rs *runState, l *engine.Lesson, prog *engine.Program) {
	defer s.wg.Done()
	var heldMu sync.Mutex // background cells report from goroutines of their own
	var held func()
	release := func() {
		heldMu.Lock()
		defer heldMu.Unlock()
		if held != nil {
			held()
			held = nil
		}
	}
	obs := func(ev engine.Event) {
		if ev.Kind == engine.Notice {
			s.hub.send(Notice{Lesson: key, Cell: rs.cell, Run: rs.id, Message: ev.Text})
			return
		}
		n := ev.Result.Cell().Number
		switch ev.Kind {
		case engine.CellStarted:
			release()
			s.hub.started(key, n, rs.id)
		case engine.CellOutput:
			s.hub.output(key, n, rs.id, ev.Chunk)
		case engine.CellDone:
			rs.mu.Lock()
			rs.results[n] = forAccept(ev.Result)
			rs.mu.Unlock()
			s.cellEnded(key, n) // reveals its notes, if hidden
			end := endOf(key, rs.id, n, ev.Lesson, ev.Result)
			release()
			heldMu.Lock()
			held = func() { s.hub.ended(end) }
			heldMu.Unlock()
		}
	}
	var err error
	if prog != nil {
		_, err = s.cfg.Engine.RunAlone(ctx, l, prog, obs)
	} else {
		_, err = s.cfg.Engine.Check(ctx, l, obs)
	}
	stopped := ctx.Err() != nil
	if err != nil && !stopped {
		s.hub.send(RunError{Lesson: key, Cell: rs.cell, Run: rs.id, Message: err.Error()})
	}
	s.mu.Lock()
	delete(s.active, activeKey(key, rs.cell))
	s.mu.Unlock()
	release()
	if stopped {
		s.endStopped(key, rs)
	}
	s.hub.forget(rs.id)
	s.mu.Lock()
	s.keep(rs)
	s.mu.Unlock()
	close(rs.done)
}

// endStopped tells the pages which cells of a stopped run it cut short: the cell asked for, unless it ended
// (it may not have started: Stop can come while it is built), and, in a run of all cells, those that started
// and did not end. They have no result to show, only that.
func (s *Server) endStopped(key string, rs *runState) {
	cells := s.hub.runningCells(rs.id)
	rs.mu.Lock()
	if rs.cell != 0 && rs.results[rs.cell] == nil && !slices.Contains(cells, rs.cell) {
		cells = append(cells, rs.cell)
	}
	rs.mu.Unlock()
	for _, n := range cells {
		s.hub.ended(endOf(key, rs.id, n, nil, nil))
	}
}

// forAccept returns what a run keeps of a cell's result for Accept: all but the program's raw output, which
// the recorded text (Text) already holds as Accept writes it. Kept runs would otherwise hold each output twice.
func forAccept(r *engine.Result) *engine.Result {
	if r.Run == nil || r.Run.Printed == nil {
		return r
	}
	kept, ran := *r, *r.Run
	ran.Printed = nil
	kept.Run = &ran
	return &kept
}

// keep adds rs, which has ended, to the runs kept for Accept, and forgets runs beyond the bounds: the older runs
// of the same cell (or Run all) beyond keptPerCell, since a page accepts the run it shows; then the oldest,
// beyond keptRuns or keptBytes of keptMemory (the newest is always kept). The caller holds s.mu.
func (s *Server) keep(rs *runState) {
	rs.size = runBytes(rs)
	s.kept = append(s.kept, rs)
	same := 0
	for i := len(s.kept) - 1; i >= 0; i-- {
		if old := s.kept[i]; old.key == rs.key && old.cell == rs.cell {
			if same++; same > keptPerCell {
				s.dropKept(i)
			}
		}
	}
	for len(s.kept) > 1 && (len(s.kept) > keptRuns || s.keptMemory() > keptBytes) {
		s.dropKept(0)
	}
}

// dropKept drops the kept run at index i of s.kept. The caller holds s.mu.
func (s *Server) dropKept(i int) {
	delete(s.runs, s.kept[i].id)
	s.kept = slices.Delete(s.kept, i, i+1) // and clears the slot it leaves, so that the run can be freed
}

// keptMemory estimates the memory the kept runs hold: their outputs, and each lesson they hold once (the runs
// of one version of a lesson share it). The caller holds s.mu.
func (s *Server) keptMemory() int64 {
	var n int64
	seen := map[*engine.Lesson]bool{}
	for _, rs := range s.kept {
		n += rs.size
		for _, l := range rs.lessons() {
			if !seen[l] {
				seen[l] = true
				n += lessonBytes(l)
			}
		}
	}
	return n
}

func lessonBytes(l *engine.Lesson) int64 { return int64(len(l.Source().Source)) }

// runBytes estimates the memory an ended run holds beyond its lesson: its outputs.
func runBytes(rs *runState) int64 {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	n := int64(1 << 10)
	for _, r := range rs.results {
		n += int64(len(r.Text)) + 1<<10
		if r.Run != nil {
			n += int64(len(r.Run.Printed))
		}
		if r.Build != nil {
			n += int64(len(r.Build.Messages))
		}
	}
	return n
}

// stop stops a running cell, or Run all with cell 0.
func (s *Server) stop(w http.ResponseWriter, r *http.Request) {
	req, sv := s.readLessonRequest(w, r)
	if sv == nil {
		return
	}
	s.mu.Lock()
	rs := s.active[activeKey(req.Lesson, req.Cell)]
	s.mu.Unlock()
	if rs == nil {
		jsonError(w, http.StatusConflict, fmt.Sprintf("In [%d] is not running", req.Cell))
		return
	}
	rs.cancel()
	<-rs.done
	writeJSON(w, http.StatusOK, map[string]any{"stopped": true})
}

// accept writes the output of a cell's ended run into the lesson, if the file is still the one the run began
// with.
func (s *Server) accept(w http.ResponseWriter, r *http.Request) {
	req, sv := s.readLessonRequest(w, r)
	if sv == nil {
		return
	}
	s.mu.Lock()
	rs := s.runs[req.Run]
	s.mu.Unlock()
	if rs == nil || rs.key != req.Lesson {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no run %q of %s", req.Run, req.Lesson))
		return
	}
	rs.mu.Lock()
	res := rs.results[req.Cell]
	rs.mu.Unlock()
	if res == nil {
		jsonError(w, http.StatusConflict, fmt.Sprintf("In [%d] has not ended in run %s", req.Cell, req.Run))
		return
	}
	if !res.Ran() {
		jsonError(w, http.StatusConflict, fmt.Sprintf("In [%d] did not run (%s): nothing to accept", req.Cell, res.Outcome()))
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock() // one accept of a run at a time
	if prog := rs.lesson.Cell(req.Cell); prog != res.Program {
		// An earlier accept of this run rewrote the lesson: its cells are now those of the lesson it wrote.
		if prog == nil {
			jsonError(w, http.StatusConflict, fmt.Sprintf("In [%d] is no longer in the lesson", req.Cell))
			return
		}
		moved := *res
		moved.Program = prog
		res = &moved
	}
	now, written, err := s.cfg.Engine.WriteBack(rs.lesson, []*engine.Result{res})
	if err != nil {
		jsonError(w, http.StatusConflict, err.Error())
		return
	}
	// The file is now what this accept wrote: later accepts of the same run (Run all) go on from it, as long as
	// nobody else changes it (engine.Engine.WriteBack).
	rs.lesson = now
	writeJSON(w, http.StatusOK, map[string]any{"written": written})
}
