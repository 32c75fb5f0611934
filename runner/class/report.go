package class

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of a report. A report is small: a name and, per exercise, its state, its time and at most one line of
// a difference; anything larger is not a report.
const (
	MaxBody      = 16 << 10 // bytes of a report as sent
	MaxName      = 64       // characters of a student's name
	MaxExercises = 64       // exercises in one report
	MaxLesson    = 128      // bytes of a lesson's file name
	MaxDiff      = 200      // bytes of the first differing line a student shares
	MaxMillis    = 3600_000 // an exercise's check time: an hour at most
)

// Status is the state of one exercise in a student's check.
type Status string

// The states of an exercise, as the student's check found it.
const (
	Solved    Status = "solved"
	NotYet    Status = "not yet"            // it ran, and its output is not the expected one yet
	NoCompile Status = "does not compile"   // it did not build
	RunFailed Status = "failed at run time" // it built, and exited with an error (or did not get ready)
	TimedOut  Status = "timed out"
)

// Statuses lists the states in the order the teacher's page counts them.
var Statuses = []Status{Solved, NotYet, NoCompile, RunFailed, TimedOut}

// Report is what a student's check sends: who (the name the student typed) and, per exercise of the handout,
// how it went. Never code, files or the environment.
type Report struct {
	Name      string   `json:"name"`
	Exercises []Result `json:"exercises"`
}

// Result is one exercise in a report.
type Result struct {
	Lesson string `json:"lesson"` // the lesson's file name, as in the handout: class15-networking.md
	Cell   int    `json:"cell"`   // the exercise's In [N]
	Status Status `json:"status"`
	Millis int64  `json:"ms"`             // how long the exercise's check took
	Diff   string `json:"diff,omitempty"` // the first differing line, only when the student shares it
}

// Key names an exercise: its lesson and cell.
type Key struct {
	Lesson string
	Cell   int
}

func (r Result) Key() Key { return Key{r.Lesson, r.Cell} }

// String names an exercise as the teacher's page and messages do: "class15-networking.md In [6]".
func (k Key) String() string { return fmt.Sprintf("%s In [%d]", k.Lesson, k.Cell) }

// Encode returns the report as sent, after checking it as the teacher's serve will.
func (r *Report) Encode() ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(r)
	if err == nil && len(b) > MaxBody {
		err = fmt.Errorf("report: %d bytes, more than %d", len(b), MaxBody)
	}
	return b, err
}

// Decode reads one report of at most MaxBody bytes from r and checks it: unknown fields, a second value, a
// name or an exercise outside the limits are refused. Its errors are short and say what was wrong, never
// echoing more of the input than a field's name.
func Decode(r io.Reader) (*Report, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if len(b) > MaxBody {
		return nil, fmt.Errorf("report: larger than %d bytes", MaxBody)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		return nil, errors.New("report: not a report (JSON with name and exercises)")
	}
	if dec.More() {
		return nil, errors.New("report: more than one JSON value")
	}
	if err := rep.Check(); err != nil {
		return nil, err
	}
	return &rep, nil
}

// Check checks a report against the limits: a name of 1 to MaxName printable characters, at most MaxExercises
// exercises, each named once, by a lesson file name (no directory) and a cell number, with a known state.
func (r *Report) Check() error {
	if err := checkName(r.Name); err != nil {
		return err
	}
	if len(r.Exercises) > MaxExercises {
		return fmt.Errorf("report: %d exercises, more than %d", len(r.Exercises), MaxExercises)
	}
	seen := map[Key]bool{}
	for i, e := range r.Exercises {
		if err := e.check(); err != nil {
			return fmt.Errorf("report: exercise %d: %w", i, err)
		}
		if seen[e.Key()] {
			return fmt.Errorf("report: exercise %d: %s twice", i, e.Key())
		}
		seen[e.Key()] = true
	}
	return nil
}

func checkName(name string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case !utf8.ValidString(name):
		return errors.New("report: name: not UTF-8")
	case strings.TrimSpace(name) == "":
		return errors.New("report: name: empty; give --name")
	case n > MaxName:
		return fmt.Errorf("report: name: %d characters, more than %d", n, MaxName)
	case strings.IndexFunc(name, notShown) >= 0:
		return errors.New("report: name: has control or invisible characters")
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0:
		return errors.New("report: name: has no letter or digit")
	}
	return nil
}

// notShown reports whether r is a character a name must not have: a control or format character (line
// breaks, escape, bidirectional overrides) or one that is not printable.
func notShown(r rune) bool {
	switch r {
	case '\u200c', '\u200d': // zero-width non-joiner and joiner: Persian names, emoji sequences
		return false
	case '\u115f', '\u1160', '\u3164', '\uffa0': // Hangul fillers: letters that show as nothing
		return true
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r) && r != ' '
}

func (e Result) check() error {
	switch {
	case e.Lesson == "" || len(e.Lesson) > MaxLesson || !strings.HasSuffix(e.Lesson, ".md") ||
		strings.ContainsAny(e.Lesson, `/\`) || strings.IndexFunc(e.Lesson, notShown) >= 0 || !utf8.ValidString(e.Lesson):
		return errors.New("lesson: expected a lesson's file name, such as class15-networking.md")
	case e.Cell < 1 || e.Cell > 9999:
		return errors.New("cell: expected a cell number, 1 to 9999")
	case e.Millis < 0 || e.Millis > MaxMillis:
		return fmt.Errorf("ms: expected 0 to %d", MaxMillis)
	case len(e.Diff) > MaxDiff || !utf8.ValidString(e.Diff) || strings.IndexFunc(e.Diff, func(r rune) bool { return notShown(r) && r != '\t' }) >= 0:
		return fmt.Errorf("diff: expected one line of at most %d bytes", MaxDiff)
	}
	for _, s := range Statuses {
		if e.Status == s {
			return nil
		}
	}
	return errors.New("status: expected solved, not yet, does not compile, failed at run time or timed out")
}
