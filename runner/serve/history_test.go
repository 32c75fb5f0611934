package serve

import (
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"weak"

	"classnotes/runner/engine"
	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

// TestRunAgainAfterEnd: a page that saw a run's end can run the cell again at once (24 of 260 tries were
// refused "already running": the end was sent before the run left the active set). Run all likewise.
func TestRunAgainAfterEnd(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n\n" + cell(1, "", hello("hi")) + cell(2, "", hello("there"))})
	events := f.events(t)
	for try := range 60 {
		cellNo, last := try%3, try%3 // Run all (0), In [1], In [2]
		if cellNo == 0 {
			last = 2
		}
		code, body := f.do(t, "POST", "/api/run", fmt.Sprintf(`{"lesson":"a.md","cell":%d}`, cellNo), true)
		if code != http.StatusAccepted {
			t.Fatalf("try %d: run In [%d] right after the end of the last run: %d %s", try, cellNo, code, body)
		}
		until(t, events, last, "end")
	}
}

// TestKeptRuns: the runs kept for Accept are the newest, up to keptRuns, and fewer when their outputs pass
// keptBytes; the newest is kept whatever its size.
func TestKeptRuns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.md")
	lessontest.Write(t, path, "# A\n\n"+cell(1, "", hello("hi")))
	l, err := newEngine(t).Load("a.md", path)
	if err != nil {
		t.Fatal(err)
	}
	cellNo := 0
	ended := func(id string, outBytes int) *runState {
		cellNo++ // each run of a cell of its own here: runs of one cell are bounded per cell (TestKeptPerCell)
		rs := &runState{id: id, key: "a.md", lesson: l, first: l, cell: cellNo, results: map[int]*engine.Result{
			1: {Program: l.Plan.Programs[0], Run: &run.Result{Printed: make([]byte, outBytes)}, Text: strings.Repeat("x", outBytes)},
		}}
		return rs
	}
	s := &Server{runs: map[string]*runState{}}
	add := func(rs *runState) {
		s.runs[rs.id] = rs
		s.keep(rs)
	}
	var forgotten []weak.Pointer[runState]
	for i := range keptRuns + 37 {
		rs := ended(fmt.Sprint("small", i), 10)
		if i < 37 {
			forgotten = append(forgotten, weak.Make(rs))
		}
		add(rs)
	}
	if len(s.runs) != keptRuns {
		t.Fatalf("%d runs kept; want %d", len(s.runs), keptRuns)
	}
	for i := 37; i < keptRuns+37; i++ {
		if s.runs[fmt.Sprint("small", i)] == nil {
			t.Fatalf("run %d of %d forgotten, though among the %d newest", i, keptRuns+37, keptRuns)
		}
	}
	big := keptBytes / 8 // stored twice (Text and the program's output): about a quarter of the budget each
	for i := range 6 {
		add(ended(fmt.Sprint("big", i), big))
	}
	total := lessonBytes(l) // one lesson, shared by every run
	for _, rs := range s.runs {
		total += runBytes(rs)
	}
	if total > keptBytes || s.keptMemory() != total {
		t.Errorf("kept %d bytes (counted %d); the bound is %d", total, s.keptMemory(), keptBytes)
	}
	for _, id := range []string{"big5", "big4", "big3"} {
		if s.runs[id] == nil {
			t.Errorf("%s forgotten; the newest runs go last", id)
		}
	}
	if s.runs["big0"] != nil || s.runs["small236"] != nil {
		t.Errorf("older runs kept beyond the bound: %d runs", len(s.runs))
	}
	runtime.GC()
	for i, w := range forgotten {
		if w.Value() != nil {
			t.Fatalf("forgotten run %d is still reachable (its outputs are not freed)", i)
		}
	}
	huge := ended("huge", keptBytes)
	add(huge)
	if len(s.runs) != 1 || s.runs["huge"] == nil {
		t.Errorf("after a run larger than the bound: %d runs kept, the newest kept %v", len(s.runs), s.runs["huge"] != nil)
	}
}

// TestKeptPerCell: of the runs of one cell (or of Run all), the newest keptPerCell are kept for Accept, and no
// older one, whatever the other cells do (a page accepts the run it shows; the soak held 30 MB of older runs'
// outputs); the runs forgotten are the oldest, never arbitrary ones (after 236 runs, the 9th newest could not be
// accepted).
func TestKeptPerCell(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n\n" + cell(1, "", hello("hi")) + cell(2, "", hello("there"))})
	events := f.events(t)
	ids := map[int][]string{}
	for try := range 12 {
		n := []int{1, 1, 2, 0}[try%4] // Run all is cell 0
		ids[n] = append(ids[n], f.startRun(t, "a.md", n))
		until(t, events, map[int]int{0: 2, 1: 1, 2: 2}[n], "end") // Run all ends with In [2]
	}
	// A run is kept after its last end is sent: wait until the last one is done.
	last := ids[0][len(ids[0])-1]
	f.srv.mu.Lock()
	done := f.srv.runs[last].done
	f.srv.mu.Unlock()
	<-done
	f.srv.mu.Lock()
	defer f.srv.mu.Unlock()
	for n, runs := range ids {
		for i, id := range runs {
			kept := f.srv.runs[id] != nil
			if want := i >= len(runs)-keptPerCell; kept != want {
				t.Errorf("In [%d], run %d of %d: kept %v, want %v", n, i+1, len(runs), kept, want)
			}
		}
	}
	if len(f.srv.kept) != 3*keptPerCell {
		t.Errorf("%d runs kept; want %d", len(f.srv.kept), 3*keptPerCell)
	}
}

// TestKeptRunsShareLessons: the runs of one version of a lesson share one copy of it (each run kept its own, and
// a class's history held hundreds of copies of a lesson); an edit makes a new version, and runs keep theirs.
func TestKeptRunsShareLessons(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n\n" + cell(1, "", hello("hi"))})
	events := f.events(t)
	runOnce := func() *runState {
		t.Helper()
		id := f.startRun(t, "a.md", 1)
		until(t, events, 1, "end")
		f.srv.mu.Lock()
		defer f.srv.mu.Unlock()
		return f.srv.runs[id]
	}
	first, second := runOnce(), runOnce()
	if first.lesson != second.lesson {
		t.Errorf("two runs of an unchanged lesson hold two copies of it")
	}
	if r := second.results[1]; r == nil || r.Run == nil || r.Run.Printed != nil || r.Text != "hi\n" {
		t.Errorf("a kept result holds the raw output as well as the text: %+v", r)
	}
	path := filepath.Join(f.dir, "a.md")
	lessontest.Write(t, path, "# A, edited\n\n"+cell(1, "", hello("hi")))
	third := runOnce()
	if third.lesson == second.lesson {
		t.Errorf("a run after an edit shares the lesson of the runs before it")
	}
	// An accept that writes gives the run a lesson more to hold: counted too.
	if code, body := f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":1,"run":%q}`, third.id), true); code != http.StatusOK || !strings.Contains(body, `"written":true`) {
		t.Fatalf("accept: %d %s", code, body)
	}
	// Kept: the two newest runs of the cell. They hold three lessons: the version the second ran (which the first
	// shared), the edited one the third ran, and the one its accept wrote; each counts once.
	f.srv.mu.Lock()
	kept, got := slices.Clone(f.srv.kept), f.srv.keptMemory()
	f.srv.mu.Unlock()
	if len(kept) != 2 || kept[0] != second || kept[1] != third {
		t.Fatalf("kept %d runs; want the second and the third", len(kept))
	}
	if third.lesson == third.first {
		t.Fatal("the accept that wrote left the run with the lesson it began with")
	}
	want := second.size + third.size + lessonBytes(second.first) + lessonBytes(third.first) + lessonBytes(third.lesson)
	if got != want {
		t.Errorf("keptMemory %d; want %d (the outputs, and each of the three lessons once)", got, want)
	}
}
