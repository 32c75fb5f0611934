package engine

import (
	"fmt"
	"sync"
)

// EventKind says what happened to a cell.
type EventKind int

const (
	CellStarted EventKind = iota // the cell is about to run (a server: to start)
	CellOutput                   // the program printed Output
	CellDone                     // the cell is done: Result says how it went (a server: it has been stopped, or ended)
	CellCached                   // the cell does not run: its code is unchanged and its run is in the cache
	ServerReady                  // a background cell is ready: the cells after it may talk to it
	Notice                       // something about the lesson's run as a whole, in Text, for the user
)

func (k EventKind) String() string {
	switch k {
	case CellStarted:
		return "started"
	case CellOutput:
		return "output"
	case CellDone:
		return "done"
	case CellCached:
		return "cached"
	case ServerReady:
		return "ready"
	case Notice:
		return "notice"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is something that happened to a cell of a lesson.
type Event struct {
	Kind   EventKind
	Lesson *Lesson
	Result *Result // the cell's result so far; complete for CellDone and CellCached
	Chunk  []byte  // for CellOutput: what the program printed, escape sequences kept; the observer may keep it
	Text   string  // for Notice; Result is nil
}

// Observer receives events as a lesson runs.
//
// It is called from several goroutines: a server's output arrives while its clients run. Events of one cell
// arrive in order (CellStarted, CellOutput…, ServerReady, CellDone), each cell's output before its CellDone. An
// observer that is slow delays the events after it but never the programs, nor what they record: output waits
// for it in a buffer that holds at most what is recorded (OutputCap) per cell.
type Observer func(Event)

// stream delivers a cell's output to an observer from a goroutine of its own, so that a slow observer does
// not slow the program down. It forwards at most cap bytes, as many as are recorded, and then says how many
// more there were.
type stream struct {
	obs    Observer
	lesson *Lesson
	result *Result

	mu      sync.Mutex
	wake    *sync.Cond
	queue   [][]byte
	sent    int   // bytes accepted for delivery
	dropped int64 // bytes beyond the cap
	closed  bool
	done    chan struct{}
}

// newStream returns a stream of r's output to obs, or nil when there is no observer.
func newStream(obs Observer, l *Lesson, r *Result) *stream {
	if obs == nil {
		return nil
	}
	s := &stream{obs: obs, lesson: l, result: r, done: make(chan struct{})}
	s.wake = sync.NewCond(&s.mu)
	go s.deliver()
	return s
}

// Write queues p for the observer; past the cap it only counts. It never blocks on the observer.
func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := min(len(p), OutputCap-s.sent)
	if keep > 0 {
		s.queue = append(s.queue, append([]byte(nil), p[:keep]...))
		s.sent += keep
		s.wake.Signal()
	}
	s.dropped += int64(len(p) - keep)
	return len(p), nil
}

func (s *stream) deliver() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.wake.Wait()
		}
		if len(s.queue) == 0 { // closed and delivered
			dropped := s.dropped
			s.mu.Unlock()
			if dropped > 0 {
				s.obs(Event{Kind: CellOutput, Lesson: s.lesson, Result: s.result,
					Chunk: fmt.Appendf(nil, "\n[live output capped: %d more bytes not shown]\n", dropped)})
			}
			return
		}
		chunk := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.obs(Event{Kind: CellOutput, Lesson: s.lesson, Result: s.result, Chunk: chunk})
	}
}

// close waits until everything written has been delivered.
func (s *stream) close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.closed = true
	s.wake.Signal()
	s.mu.Unlock()
	<-s.done
}
