package serve

import (
	"encoding/json"
	"fmt"

	"classnotes/runner/engine"
	"classnotes/runner/site"
)

// Event is a message of the event stream every open page follows (GET /api/events): each type below is one
// kind of message, its name is the event's name in the stream, and its JSON form is the message's data. The
// page's script has a handler for each name (page.js, handlers; TestEventNames keeps the two equal). Every
// event names its lesson: a page follows the events of its own lesson only. Fields are in the order of their
// JSON names, the order in which the maps the events once were encoded them.
type Event interface {
	EventName() string
}

// Started says that a cell of a run started: its Live panel empties and shows it running.
type Started struct {
	Cell   int    `json:"cell"`
	Lesson string `json:"lesson"`
	Run    string `json:"run"`
}

// Output is what a running cell printed since the last Output, its strings (OSC and the like) stripped.
type Output struct {
	Cell   int    `json:"cell"`
	Lesson string `json:"lesson"`
	Run    string `json:"run"`
	Text   string `json:"text"`
}

// End says how a cell of a run ended and how its output compares with the notes.
type End struct {
	Badges     []site.Badge `json:"badges,omitempty"`
	Cell       int          `json:"cell"`
	Diff       string       `json:"diff,omitempty"`        // when the verdict is differs
	DurationMS *int64       `json:"duration_ms,omitempty"` // how long it ran; none for a cell cut short
	Lesson     string       `json:"lesson"`
	Outcome    string       `json:"outcome"` // how it went, in a few words
	Run        string       `json:"run"`
	Status     string       `json:"status,omitempty"` // the program's exit status, when it ran
	Verdict    string       `json:"verdict"`          // matches, differs, no-record, ignored or not-compared
}

// Notice is what the runner says of a run as a whole, such as that the standard library is being compiled.
type Notice struct {
	Cell    int    `json:"cell"` // the cell the run was asked for; 0 for Run all
	Lesson  string `json:"lesson"`
	Message string `json:"message"`
	Run     string `json:"run"`
}

// Servers says which server cells a cell needs are not running as it is asked to run.
type Servers struct {
	Cell   int    `json:"cell"`
	Down   []int  `json:"down"`
	Lesson string `json:"lesson"`
}

// Reload says that the lesson changed on disk and loads: pages fetch it again.
type Reload struct {
	Lesson string `json:"lesson"`
}

// LessonError says that the lesson changed on disk and does not load: pages show why over their content.
type LessonError struct {
	Lesson  string `json:"lesson"`
	Message string `json:"message"`
}

// RunError says that a run failed to start or failed outside its cells' programs (a cell's program failing is
// its End): pages show why beside the cell.
type RunError struct {
	Cell    int    `json:"cell"` // the cell the run was asked for; 0 for Run all
	Lesson  string `json:"lesson"`
	Message string `json:"message"`
	Run     string `json:"run"`
}

// Notes is the state of a lesson's notes: whether the teacher hides them until each cell has run, and the
// cells that have run since. It is also the answer of the notes API.
type Notes struct {
	Hidden   bool   `json:"hidden"`
	Lesson   string `json:"lesson"`
	Revealed []int  `json:"revealed"`
}

// ClassReport says that a student reported (with LAN): their row of the Class view as it is now, and how the
// class stands on each exercise. Only the teacher's pages receive it (hub.sendLocked): a student's page never
// learns another student's name or results. It names no lesson: every teacher's page shows the whole class.
type ClassReport struct {
	Counts []ClassSum `json:"counts"`
	Row    ClassRow   `json:"row"`
	Seq    int64      `json:"seq"` // the class's state: the page keeps a row's and the counts' newest
}

// ClassRow is a student's row of the Class view: the name as shown (duplicates told apart: "Ana (2)"), their
// place among the rows, when they last reported, and a result per exercise of the class, in order.
type ClassRow struct {
	At      string        `json:"at"` // RFC 3339, UTC
	Index   int           `json:"index"`
	Name    string        `json:"name"`
	Results []ClassResult `json:"results"`
}

// ClassResult is one exercise of a student's row: its state ("" when not reported), how long its check took,
// and the first differing line, when the student shared it.
type ClassResult struct {
	Diff   string `json:"diff,omitempty"`
	Millis int64  `json:"ms"`
	Status string `json:"status"`
}

// ClassSum is how the class stands on one exercise, as class.Count says it (Text).
type ClassSum struct {
	Exercise string `json:"exercise"`
	Reported int    `json:"reported"`
	Solved   int    `json:"solved"`
	Text     string `json:"text"`
}

// teacherOnly is an event the hub sends to the teacher's pages only.
type teacherOnly interface {
	Event
	teacherOnly()
}

func (ClassReport) teacherOnly() {}

// EventName implements Event.
func (Started) EventName() string { return "started" }

// EventName implements Event.
func (Output) EventName() string { return "output" }

// EventName implements Event.
func (End) EventName() string { return "end" }

// EventName implements Event.
func (Notice) EventName() string { return "notice" }

// EventName implements Event.
func (Servers) EventName() string { return "servers" }

// EventName implements Event.
func (Reload) EventName() string { return "reload" }

// EventName implements Event.
func (LessonError) EventName() string { return "lesson-error" }

// EventName implements Event.
func (RunError) EventName() string { return "run-error" }

// EventName implements Event.
func (Notes) EventName() string { return "notes" }

// EventName implements Event.
func (ClassReport) EventName() string { return "class" }

// encode returns e as a Server-Sent Events message: its name, and its JSON on one data line.
func encode(e Event) []byte {
	b, err := json.Marshal(e) // strings, numbers and badges: they always encode
	if err != nil {
		panic(fmt.Sprintf("event %s: %v", e.EventName(), err))
	}
	return fmt.Appendf(nil, "event: %s\ndata: %s\n\n", e.EventName(), b)
}

// endOf describes how cell n of a run of lesson key ended: from its result r, or, with r nil, cut short by
// Stop, with no result to show.
func endOf(key, run string, n int, l *engine.Lesson, r *engine.Result) End {
	if r == nil {
		return End{Lesson: key, Cell: n, Run: run, Status: "stopped", Outcome: "stopped before it ended",
			Verdict: engine.NotCompared.String(), Badges: []site.Badge{{Text: "stopped", Kind: "info"}}}
	}
	ms := r.Duration().Milliseconds()
	end := End{Lesson: key, Cell: n, Run: run, Outcome: r.Outcome(), DurationMS: &ms}
	if r.Run != nil {
		end.Status = r.Run.Status
	}
	if c := r.View(); c != nil {
		end.Badges = c.Badges
	}
	cmp := engine.Compare(l, r)
	end.Verdict = cmp.Verdict.String()
	if cmp.Verdict == engine.Differs {
		end.Diff = cmp.Diff
	}
	return end
}
