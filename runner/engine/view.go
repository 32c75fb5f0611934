package engine

import (
	"fmt"

	"classnotes/runner/cache"
	"classnotes/runner/view"
)

// View returns what a page shows of how the cell went (site draws it as it is), or nil when there is nothing
// to show beyond its recorded output (a server started only for the cells that need it, a cell not built).
func (r *Result) View() *view.Cell {
	v := r.runView()
	ex := r.Program.Exercise
	switch {
	case ex == nil:
		return v
	case r.Program.Expected():
		// A handout's exercise: the page shows the expected output, never the student's run in its place.
		what := "expected output"
		if r.Cell().Attrs.Hide {
			what = "expected output hidden"
		}
		return &view.Cell{Badges: []view.Badge{{Text: "exercise", Kind: "info"}, {Text: what, Kind: "info"}}}
	}
	badge := view.Badge{Text: "exercise", Kind: "info"}
	if ex.Teacher {
		badge.Text = "exercise: the solution"
	}
	if v == nil {
		return &view.Cell{Badges: []view.Badge{badge}}
	}
	v.Badges = append([]view.Badge{badge}, v.Badges...)
	return v
}

// runView is what a page shows of how the cell ran.
func (r *Result) runView() *view.Cell {
	switch {
	case r.Skipped != "":
		return &view.Cell{Badges: []view.Badge{{Text: "skipped offline", Kind: "info"}}}
	case r.NotRun != "":
		return &view.Cell{Badges: []view.Badge{{Text: "not run: " + r.NotRun, Kind: "fail"}}}
	}
	e := r.Entry()
	if e == nil {
		return nil
	}
	return &view.Cell{Raw: e.Raw, Badges: badges(e, r.ExpectsError())}
}

// badges describe a run: how it ended, and how long it took.
func badges(e *cache.Entry, expectError bool) []view.Badge {
	var b []view.Badge
	end := func(text string, failed bool) {
		kind := "ok"
		if failed {
			kind = "fail"
		}
		b = append(b, view.Badge{Text: text, Kind: kind})
	}
	switch {
	case e.NotReady != "" && !e.CompileError:
		end(e.NotReady, true)
	case e.CompileError:
		end("compile error", !expectError)
	case e.TimedOut:
		end(e.Status, !expectError)
	case e.Stopped:
		b = append(b, view.Badge{Text: "server stopped (" + e.Status + ")", Kind: "info"})
	case e.ExitCode == 0:
		end("exit 0", expectError)
	default:
		end(e.Status, !expectError)
	}
	if expectError {
		b = append(b, view.Badge{Text: "expected error", Kind: "info"})
	}
	if !e.CompileError {
		b = append(b, view.Badge{Text: fmt.Sprintf("%.2f s", float64(e.DurationMS)/1000), Kind: "info"})
	}
	return b
}
