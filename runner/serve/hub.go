package serve

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"classnotes/runner/engine"
	"classnotes/runner/output"
)

// flushEvery is how long output is coalesced before it is sent: a program printing a line at a time does not
// make a message a line, and a flood is sent in a few large messages.
const flushEvery = 40 * time.Millisecond

// hub sends events to every open page. A page that does not keep up is dropped (its browser reconnects and
// follows from then on) rather than slowing the runs or the other pages.
type hub struct {
	mu      sync.Mutex
	subs    map[*subscriber]bool
	pending map[string]*pendingOutput // by pendingKey, output not sent yet
	order   []string                  // pending keys in the order their output arrived
	running map[string]*runningCell   // by pendingKey: the cells running now, for pages that open meanwhile
	closed  bool
}

// runningCell is a cell running now and what it has printed so far (as sent, up to engine.OutputCap bytes), so
// that a page opened in the middle of a run shows it from the start.
type runningCell struct {
	lesson string
	cell   int
	run    string
	sent   []byte
	full   bool // sent reached the cap: nothing more is kept, so that it stays the start of the output
}

// subscriber is one page's stream: the events for it, and gone, closed when the hub drops it for not keeping
// up (its writer is then cut off at once; when the hub closes, ch is closed and what it holds is still sent).
// A teacher's page also gets the events that are the teacher's only (teacherOnly).
type subscriber struct {
	ch      chan []byte
	gone    chan struct{}
	teacher bool
}

// pendingOutput is output of one cell's run waiting to be sent.
type pendingOutput struct {
	lesson string
	cell   int
	run    string
	strip  output.Stripper // keeps colours, removes OSC and other strings, across chunks
	buf    []byte
}

func newHub() *hub {
	return &hub{subs: map[*subscriber]bool{}, pending: map[string]*pendingOutput{}, running: map[string]*runningCell{}}
}

// subscribe returns a subscriber for one page, the teacher's or a student's, and a function that ends the
// subscription.
func (h *hub) subscribe(teacher bool) (*subscriber, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan []byte, 256)
	sub := &subscriber{ch: ch, gone: make(chan struct{}), teacher: teacher}
	if h.closed {
		close(ch)
		return sub, func() {}
	}
	h.subs[sub] = true
	for _, rc := range h.running { // a page opened in the middle of runs catches up, as far as its buffer holds
		msgs := [][]byte{encode(Started{Lesson: rc.lesson, Cell: rc.cell, Run: rc.run})}
		if len(rc.sent) > 0 {
			msgs = append(msgs, encode(Output{Lesson: rc.lesson, Cell: rc.cell, Run: rc.run, Text: string(rc.sent)}))
		}
		for _, m := range msgs {
			select {
			case ch <- m:
			default:
			}
		}
	}
	return sub, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.subs[sub] {
			delete(h.subs, sub)
			close(ch)
		}
	}
}

// send encodes an event and sends it to every page.
func (h *hub) send(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sendLocked(e)
}

// started tells the pages that a cell of a run started, and remembers it for pages that open later.
func (h *hub) started(lesson string, cell int, run string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running[pendingKey(run, cell)] = &runningCell{lesson: lesson, cell: cell, run: run}
	h.sendLocked(Started{Lesson: lesson, Cell: cell, Run: run})
}

// ended sends what is pending of a cell of a run, then its end event, and forgets the cell.
func (h *hub) ended(end End) {
	h.flushRun(end.Run, end.Cell)
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.running, pendingKey(end.Run, end.Cell))
	h.sendLocked(end)
}

// runningCells returns the cells of run that started and have not ended, in order.
func (h *hub) runningCells(run string) []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	var cells []int
	for _, rc := range h.running {
		if rc.run == run {
			cells = append(cells, rc.cell)
		}
	}
	slices.Sort(cells)
	return cells
}

// forget forgets the cells of run still marked running: the run is over.
func (h *hub) forget(run string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, rc := range h.running {
		if rc.run == run {
			delete(h.running, k)
		}
	}
}

func (h *hub) sendLocked(e Event) {
	msg := encode(e)
	_, private := e.(teacherOnly)
	for sub := range h.subs {
		if private && !sub.teacher {
			continue
		}
		select {
		case sub.ch <- msg:
		default: // too slow: drop it, and its connection; EventSource reconnects
			delete(h.subs, sub)
			close(sub.ch)
			close(sub.gone)
		}
	}
}

// pendingKey names the pending output of a cell of a run (a run of the whole lesson has many).
func pendingKey(run string, cell int) string { return run + "/" + strconv.Itoa(cell) }

// output queues what a cell of a run printed, to be sent with the next flush.
func (h *hub) output(lesson string, cell int, run string, p []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := pendingKey(run, cell)
	po := h.pending[key]
	if po == nil {
		po = &pendingOutput{lesson: lesson, cell: cell, run: run, strip: output.Stripper{OnlyStrings: true}}
		h.pending[key] = po
	}
	if len(po.buf) == 0 {
		h.order = append(h.order, key)
	}
	po.buf = append(po.buf, po.strip.Strip(p)...)
}

// flushRun sends what is pending of a cell of run now: before its end event.
func (h *hub) flushRun(run string, cell int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := pendingKey(run, cell)
	if po := h.pending[key]; po != nil {
		po.buf = append(po.buf, po.strip.Flush()...)
		h.flushOne(po, true)
		delete(h.pending, key)
	}
}

// flushOne sends po's text, keeping back the start of a character cut by the chunk's end unless all is set.
func (h *hub) flushOne(po *pendingOutput, all bool) {
	n := len(po.buf)
	if !all {
		for cut := n; cut > 0 && n-cut < utf8.UTFMax; cut-- {
			if utf8.RuneStart(po.buf[cut-1]) {
				if !utf8.FullRune(po.buf[cut-1:]) {
					n = cut - 1
				}
				break
			}
		}
	}
	if n == 0 {
		return
	}
	for start := 0; start < n; {
		end := min(n, start+maxMessage)
		for end < n && end > start && !utf8.RuneStart(po.buf[end]) {
			end-- // a character stays whole
		}
		text := bytes.ToValidUTF8(po.buf[start:end], []byte("\uFFFD"))
		if rc := h.running[pendingKey(po.run, po.cell)]; rc != nil && !rc.full {
			keep := len(text)
			if room := engine.OutputCap - len(rc.sent); keep > room {
				keep, rc.full = room, true
				for keep > 0 && !utf8.RuneStart(text[keep]) {
					keep-- // a character stays whole
				}
			}
			rc.sent = append(rc.sent, text[:keep]...)
		}
		h.sendLocked(Output{Lesson: po.lesson, Cell: po.cell, Run: po.run, Text: string(text)})
		start = end
	}
	po.buf = append(po.buf[:0], po.buf[n:]...)
}

// maxMessage bounds the text of one output message, so that a flood is sent as many messages a page can take
// one at a time.
const maxMessage = 64 << 10

// flushLoop sends pending output every flushEvery until ctx is done.
func (h *hub) flushLoop(ctx context.Context) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		h.mu.Lock()
		order := h.order
		h.order = nil
		for _, key := range order {
			if po := h.pending[key]; po != nil && len(po.buf) > 0 {
				h.flushOne(po, false)
				if len(po.buf) > 0 {
					h.order = append(h.order, key)
				}
			}
		}
		h.mu.Unlock()
	}
}

// close ends every page's stream.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sub := range h.subs {
		delete(h.subs, sub)
		close(sub.ch)
	}
}

// events streams the events to one page until it goes away, falls behind, or the server closes: then the
// events already queued for it (the ends of the runs Close stopped) are sent, for at most closeGrace.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	addr := clientAddr(r)
	if !s.streams.acquire(addr) {
		jsonError(w, http.StatusTooManyRequests, fmt.Sprintf("%d event streams are open from %s already; close a page", maxStreamsPerAddr, addr))
		return
	}
	defer s.streams.release(addr)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	sub, unsubscribe := s.hub.subscribe(s.authorized(r))
	defer unsubscribe()

	dl := &streamDeadline{rc: rc}
	finished := make(chan struct{})
	defer close(finished)
	go dl.cutOff(sub.gone, s.ctx.Done(), finished)

	dl.set()
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": classnotes\n\n")
	if rc.Flush() != nil {
		return
	}
	keepAlive := time.NewTicker(15 * time.Second)
	defer keepAlive.Stop()
	for {
		var msg []byte
		select {
		case <-r.Context().Done():
			return
		case m, ok := <-sub.ch:
			if !ok {
				return
			}
			msg = m
		case <-keepAlive.C:
			msg = []byte(": keep-alive\n\n")
		}
		dl.set()
		if _, err := w.Write(msg); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// streamDeadline bounds the writes of one event stream: each write has streamWriteTimeout, a stream the hub drops
// is cut off at once, and when the server closes, what is queued for it has closeGrace. cutoff is that last
// limit (Unix nanoseconds), once known.
type streamDeadline struct {
	rc     *http.ResponseController
	cutoff atomic.Int64
}

// set sets the deadline of the next write.
func (d *streamDeadline) set() {
	for {
		c := d.cutoff.Load()
		t := time.Now().Add(streamWriteTimeout)
		if c != 0 && time.Unix(0, c).Before(t) {
			t = time.Unix(0, c)
		}
		d.rc.SetWriteDeadline(t)
		if d.cutoff.Load() == c { // else cutOff came meanwhile: set again
			return
		}
	}
}

// cutOff sets the cutoff, and ends a write in progress by it, when the stream is dropped (gone) or the server
// closes (closing); it returns when the stream has finished first.
func (d *streamDeadline) cutOff(gone, closing, finished <-chan struct{}) {
	select {
	case <-gone:
		d.cutoff.Store(time.Now().UnixNano())
	case <-closing:
		d.cutoff.Store(time.Now().Add(closeGrace).UnixNano())
	case <-finished:
		return
	}
	d.rc.SetWriteDeadline(time.Unix(0, d.cutoff.Load()))
}
