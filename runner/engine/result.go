package engine

import (
	"time"

	"classnotes/runner/build"
	"classnotes/runner/cache"
	"classnotes/runner/compare"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// Result is how one cell went: in this run, or, when Cached is set, in an earlier run of the same code.
type Result struct {
	Program *plan.Program
	Build   *build.Result // nil when the cell was not built (taken from the cache, or not run)
	Run     *run.Result   // nil when the program did not compile or did not run
	// Text is what is recorded under Out [N]: for a cell that ran.
	Text string
	// NotReady says how a background cell failed to get ready: "not ready after 10s", "address … in use".
	NotReady string
	// NotRun says why the cell was not run; its recorded output is then kept as it is.
	NotRun string
	// Skipped says why the cell was not run on purpose (a net cell offline); its recorded output stays.
	Skipped string
	// Support marks a background cell started only because a chosen cell needs it (plan.Plan.Needs).
	Support bool
	// Cached, when not nil, is the outcome of an earlier run of the same code: the cell is not run again and
	// its recorded output stays.
	Cached *cache.Entry
	// Starter is what Check found of an exercise's starter, in the teacher's copy; nil otherwise.
	Starter *StarterCheck
}

// Cell returns the lesson's cell.
func (r *Result) Cell() *lesson.Cell { return r.Program.Cell }

// Ran reports whether the cell was built and run in this invocation, so that its output is to be recorded.
func (r *Result) Ran() bool {
	return r.Cached == nil && r.NotRun == "" && r.Skipped == "" && !r.Support && r.Build != nil
}

// Background reports whether the cell is a server.
func (r *Result) Background() bool { return r.Program.Cell.Attrs.Background }

// ExpectsError reports whether the cell is meant to fail.
func (r *Result) ExpectsError() bool { return r.Program.Cell.Attrs.Expect == "error" }

// ended reports whether the cell compiled, ran and exited 0; a background cell stopped by the runner counts.
func (r *Result) ended() bool {
	if r.Build == nil || !r.Build.OK() || r.Run == nil {
		return false
	}
	return r.Run.OK() || r.Background() && r.Run.Stopped
}

// Failed reports whether the cell did not go as the lesson says: it did not run or did not get ready, or it
// failed (did not compile, exited non-zero, timed out) unless it has expect=error, or it has expect=error and
// ended cleanly. A skipped cell has not failed.
func (r *Result) Failed() bool {
	switch {
	case r.Cached != nil:
		return r.Cached.Failed
	case r.Skipped != "":
		return false
	case r.NotRun != "" || r.NotReady != "":
		return true
	case r.ExpectsError():
		return r.ended()
	}
	return !r.ended()
}

// Outcome says in a few words how the cell went.
func (r *Result) Outcome() string {
	switch {
	case r.Cached != nil:
		return "unchanged, not run (" + r.Cached.Outcome + ")"
	case r.Skipped != "":
		return "skipped: " + r.Skipped
	case r.NotRun != "":
		return "not run: " + r.NotRun
	case r.ExpectsError() && r.ended():
		return "exited cleanly, but the cell has expect=error"
	case r.ExpectsError() && !r.Build.OK():
		return "expected error (compile error)"
	case r.ExpectsError() && r.NotReady == "":
		return "expected error (" + r.Run.Status + ")"
	case !r.Build.OK():
		return "compile error"
	case r.NotReady != "":
		return r.NotReady
	case r.Background() && r.Run.Stopped:
		return "stopped (" + r.Run.Status + ")"
	case !r.Run.OK():
		return r.Run.Status
	}
	return "ok"
}

// Duration returns how long the program ran, 0 when it did not.
func (r *Result) Duration() time.Duration {
	if r.Run == nil {
		return 0
	}
	return r.Run.Duration
}

// Entry returns what the cache keeps of the run: for a cell taken from the cache, that entry; for a cell
// that did not run, nil.
func (r *Result) Entry() *cache.Entry {
	switch {
	case r.Cached != nil:
		return r.Cached
	case r.Build == nil:
		return nil
	}
	e := &cache.Entry{Text: r.Text, Outcome: r.Outcome(), Failed: r.Failed(), NotReady: r.NotReady}
	if r.Run != nil {
		e.Raw, e.Dropped, e.Status, e.DurationMS = r.Run.Printed, r.Run.Dropped, r.Run.Status, r.Run.Duration.Milliseconds()
		e.ExitCode, e.TimedOut, e.Stopped = r.Run.ExitCode, r.Run.TimedOut, r.Run.Stopped && r.Background()
	} else if !r.Build.OK() {
		e.Raw, e.CompileError = []byte(r.Build.Messages), true
	}
	return e
}

// Verdict is how a cell's fresh output compares with the notes.
type Verdict int

const (
	NotCompared Verdict = iota // the cell did not run: skipped, not run, or taken from the cache
	Matches                    // the output matches the recorded one, after normalisation
	Differs                    // it does not
	NoRecord                   // the notes have no output for the cell
	Ignored                    // the cell has compare=ignore
)

// Comparison is a Verdict with the difference, for a cell whose output differs.
type Comparison struct {
	Verdict Verdict
	Diff    string // a unified diff, notes → fresh, with the normalisation rules that fired, for Differs
	Line    int    // the line of the recorded Out [N]: marker, 0 when there is none
}

// Compare compares the fresh output of r with what the notes of l record for its cell, with the lesson's
// normalisation and the cell's compare= mode.
func Compare(l *Lesson, r *Result) Comparison {
	if !r.Ran() {
		cmp := Comparison{Verdict: NotCompared}
		if c := r.Cell(); c.Out != nil {
			cmp.Line = c.Out.Pos.Line
		}
		return cmp
	}
	return CompareText(l, r.Cell(), r.Text)
}

// CompareText compares an output of cell c with what the notes of l record for it: the output of a fresh run
// (Compare), or one made elsewhere, by a notebook's kernel for instance, in the form recorded under Out [N]
// (output.Text). Both sides get the lesson's normalisation and the cell's compare= mode.
func CompareText(l *Lesson, c *lesson.Cell, fresh string) Comparison {
	rec, ok := recorded(l.Source(), c)
	var cmp Comparison
	if ok {
		cmp.Line = c.Out.Pos.Line
	}
	switch {
	case c.Attrs.Compare == lesson.CompareIgnore:
		cmp.Verdict = Ignored
	case !ok:
		cmp.Verdict = NoRecord
	case c.Out.Want != "":
		// An exercise in a handout (plan.Program.Expected): the fresh output against the digest of the expected
		// one. The text of the block is the expected output itself, unless it is hidden.
		n := normalizer(l.Source())
		if n.Digest(fresh, c.Attrs.Compare) == c.Out.Want {
			cmp.Verdict = Matches
		} else if cmp.Verdict = Differs; !c.Attrs.Hide && n.Digest(rec, c.Attrs.Compare) == c.Out.Want {
			cmp.Diff = n.Compare(rec, fresh, c.Attrs.Compare).Diff()
		}
	default:
		res := normalizer(l.Source()).Compare(rec, fresh, c.Attrs.Compare)
		if res.Match {
			cmp.Verdict = Matches
		} else {
			cmp.Verdict, cmp.Diff = Differs, res.Diff()
		}
	}
	return cmp
}

// recorded returns the output the notes record for cell c, with LF line endings, and whether there is one.
func recorded(l *lesson.Lesson, c *lesson.Cell) (string, bool) {
	if c.Out == nil {
		return "", false
	}
	return c.Out.Recorded(l.Source), true
}

// normalizer returns the normalisation of lesson l: the built-in rules and those of its front matter.
func normalizer(l *lesson.Lesson) *compare.Normalizer {
	return &compare.Normalizer{Rules: l.Front.Normalize}
}
