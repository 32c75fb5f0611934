package serve

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"classnotes/runner/class"
)

// The class, live (with LAN): each student's check reports how their exercises went (POST /api/class/report,
// a class.Report), and the teacher's pages show the class as it reports (GET /api/class, and the class event).
// A report needs the class code, which serve prints for the students: it is not the token, and it gives no other
// right. Nothing else of the server changes with a report, and no report changes another student's row.
const (
	reportPath = "/api/class/report"
	// codeAlphabet is 32 characters that a student reads off a projector without confusing them: no 0 or O,
	// no 1 or I. 32, so that a random byte's low five bits pick one without bias.
	codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	codeLength   = 8 // 40 bits: at reportBurst tries a minute per address, out of reach of guessing
)

// Each client address may send reportBurst reports at once, then one every reportEvery (30 a minute): a check
// reports once per run, which takes seconds; more is a loop or a flood. Variables, so that tests can change
// them. At most reportAddrs addresses are followed at once; beyond that, reports from new addresses wait.
var (
	reportBurst = 30
	reportEvery = 2 * time.Second
	reportAddrs = 4096
)

// newClassCode returns a random class code of codeLength characters of codeAlphabet.
func newClassCode() (string, error) {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b), nil
}

// CheckClassCode says what is wrong with a class code chosen for the server (Config.ClassCode), or nil.
func CheckClassCode(code string) error {
	if len(code) < 6 || len(code) > 32 || strings.Trim(code, codeAlphabet) != "" {
		return fmt.Errorf("a class code is 6 to 32 characters of %s", codeAlphabet)
	}
	return nil
}

// classState is the class of a server with LAN: the students' reports, and what serializes them, so that the
// events carry the class's states in order (seq).
type classState struct {
	code    string
	limit   *rateLimit
	mu      sync.Mutex
	class   *class.Class
	seq     int64 // reports accepted so far: each class event, and the snapshot, says which state it shows
	started time.Time
}

// newClassState returns the class of the lessons' exercises: each lesson's exercise cells, named by the
// lesson's file name, as a student's handout names them. A lesson that does not load when the server starts
// brings none.
func newClassState(cfg Config, lessons map[string]*served, order []string) (*classState, error) {
	code := cfg.ClassCode
	if code == "" {
		var err error
		if code, err = newClassCode(); err != nil {
			return nil, err
		}
	} else if err := CheckClassCode(code); err != nil {
		return nil, err
	}
	var keys []class.Key
	seen := map[class.Key]bool{}
	for _, key := range order {
		sv := lessons[key]
		if sv.lesson == nil {
			continue
		}
		for _, p := range sv.lesson.Plan.Programs {
			k := class.Key{Lesson: path.Base(key), Cell: p.Cell.Number}
			if p.Cell.Attrs.Exercise && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	max := cfg.MaxStudents
	if max <= 0 {
		max = class.MaxStudents
	}
	return &classState{code: code, limit: newRateLimit(reportBurst, reportEvery, reportAddrs),
		class: class.New(keys, max), started: time.Now()}, nil
}

// ClassCode returns the code students give with their reports, or "" without LAN (no class).
func (s *Server) ClassCode() string {
	if s.class == nil {
		return ""
	}
	return s.class.code
}

// Class returns the class the students reported to, or nil without LAN.
func (s *Server) Class() *class.Class {
	if s.class == nil {
		return nil
	}
	return s.class.class
}

// isReport reports whether r is a student's report: the one route that needs no token (it needs the class
// code, which its handler checks).
func isReport(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == reportPath }

// codeOK reports whether the Authorization header of a report carries the class code (in any case: students
// type it).
func (c *classState) codeOK(header string) bool {
	scheme, code, _ := strings.Cut(header, " ")
	ok := strings.EqualFold(scheme, "Class") // an authorization scheme is case-insensitive (RFC 9110)
	code = strings.ToUpper(strings.TrimSpace(code))
	return subtle.ConstantTimeCompare([]byte(code), []byte(c.code)) == 1 && ok
}

// report is POST /api/class/report: a student's check, as a class.Report. Its answers are plain text, which
// the student's check prints: 204 when the report is taken; 429 with Retry-After past reportBurst reports from
// one address; 401 without the class code; 415 for a body that is not JSON; 413 for one larger than
// class.MaxBody; 400 for a report the decoder refuses, with its message; 422 for an exercise the lessons do
// not have; 429 without Retry-After when the class is full (no later try helps: the student asks the teacher).
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	c := s.class
	w.Header().Set("Cache-Control", "no-store")
	addr := clientAddr(r)
	if ok, wait := c.limit.allow(addr, time.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		plainError(w, http.StatusTooManyRequests, fmt.Sprintf("too many reports from %s: at most %d a minute; try again in %d s",
			addr, int(time.Minute/reportEvery), secs))
		return
	}
	if !c.codeOK(r.Header.Get("Authorization")) {
		w.Header().Set("WWW-Authenticate", "Class")
		plainError(w, http.StatusUnauthorized, "wrong or missing class code")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		plainError(w, http.StatusUnsupportedMediaType, "a report is JSON: Content-Type: application/json")
		return
	}
	if r.ContentLength > class.MaxBody {
		plainError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a report is at most %d bytes", class.MaxBody))
		return
	}
	rep, err := class.Decode(http.MaxBytesReader(w, r.Body, class.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		plainError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a report is at most %d bytes", class.MaxBody))
		return
	case err != nil:
		plainError(w, http.StatusBadRequest, err.Error())
		return
	}
	switch err := c.add(s.hub, addr, rep); {
	case errors.Is(err, class.ErrUnknown):
		plainError(w, http.StatusUnprocessableEntity, err.Error()+" (is your handout of this course?)")
	case errors.Is(err, class.ErrFull):
		plainError(w, http.StatusTooManyRequests, "the class is full: tell the teacher")
	case errors.Is(err, class.ErrNames):
		plainError(w, http.StatusTooManyRequests, err.Error()+": tell the teacher")
	case errors.Is(err, class.ErrEmpty):
		plainError(w, http.StatusUnprocessableEntity, err.Error())
	case err != nil:
		plainError(w, http.StatusInternalServerError, err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// add adds a student's report to the class and tells the teacher's pages.
func (c *classState) add(h *hub, addr string, rep *class.Report) error {
	c.mu.Lock()
	defer c.mu.Unlock() // held while sending, so that the pages get the states in order
	row, err := c.class.Add(addr, rep, time.Now())
	if err != nil {
		return err
	}
	c.seq++
	h.send(ClassReport{Seq: c.seq, Row: classRow(row), Counts: classCounts(c.class.Counts())})
	return nil
}

// ClassSnapshot is the answer of GET /api/class: the whole class as of the report seq.
type ClassSnapshot struct {
	Code      string     `json:"code"`
	Counts    []ClassSum `json:"counts"`
	Exercises []string   `json:"exercises"`
	Rows      []ClassRow `json:"rows"`
	Seq       int64      `json:"seq"`
}

// classHandler is GET /api/class: the class, to the teacher only.
func (s *Server) classHandler(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		jsonError(w, http.StatusUnauthorized, "this needs the token: open the address that serve printed when it started")
		return
	}
	writeJSON(w, http.StatusOK, s.class.snapshot())
}

func (c *classState) snapshot() ClassSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := ClassSnapshot{Code: c.code, Seq: c.seq, Counts: classCounts(c.class.Counts()), Rows: []ClassRow{}, Exercises: []string{}}
	for _, k := range c.class.Exercises() {
		snap.Exercises = append(snap.Exercises, k.String())
	}
	for _, row := range c.class.Rows() {
		snap.Rows = append(snap.Rows, classRow(row))
	}
	return snap
}

func classRow(row class.Row) ClassRow {
	cr := ClassRow{Index: row.Index, Name: row.Name, At: row.At.UTC().Format(time.RFC3339), Results: make([]ClassResult, len(row.Results))}
	for i, e := range row.Results {
		cr.Results[i] = ClassResult{Status: string(e.Status), Millis: e.Millis, Diff: e.Diff}
	}
	return cr
}

func classCounts(counts []class.Count) []ClassSum {
	sums := make([]ClassSum, len(counts))
	for i, n := range counts {
		sums[i] = ClassSum{Exercise: n.Exercise.String(), Reported: n.Reported, Solved: n.By[class.Solved], Text: n.String()}
	}
	return sums
}

// plainError answers a student's check: the message as plain text, which it prints.
func plainError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

// rateLimit lets each address send burst requests at once, then one every every (a generic cell rate
// algorithm: per address, only the time at which its allowance is whole again). It follows at most addrs
// addresses; an address whose allowance is whole is forgotten first.
type rateLimit struct {
	burst int
	every time.Duration
	addrs int
	mu    sync.Mutex
	full  map[string]time.Time // by address: when its allowance is whole again
}

func newRateLimit(burst int, every time.Duration, addrs int) *rateLimit {
	return &rateLimit{burst: burst, every: every, addrs: addrs, full: map[string]time.Time{}}
}

// allow reports whether addr may send a request at now, and if not, how long it should wait.
func (l *rateLimit) allow(addr string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.full[addr]
	if !ok && len(l.full) >= l.addrs {
		// Full: forget the addresses that have their whole burst again, else the one that will have it first.
		// A new address is never refused for others' requests (a flood from many addresses would lock every
		// student out); a forgotten one starts with a whole burst, as a new one does.
		oldest, first := "", time.Time{}
		for a, at := range l.full {
			if !at.After(now) {
				delete(l.full, a)
			} else if oldest == "" || at.Before(first) {
				oldest, first = a, at
			}
		}
		if len(l.full) >= l.addrs {
			delete(l.full, oldest)
		}
	}
	if t.Before(now) {
		t = now
	}
	if ahead := t.Sub(now) - time.Duration(l.burst-1)*l.every; ahead > 0 {
		return false, ahead
	}
	l.full[addr] = t.Add(l.every)
	return true, 0
}
