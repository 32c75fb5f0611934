package site

import (
	"fmt"

	"classnotes/runner/cache"
	"classnotes/runner/engine"
)

// CellOf returns what a page shows of how a cell went: its raw output and its badges.
func CellOf(r *engine.Result) *Cell {
	switch {
	case r.Skipped != "":
		return &Cell{Badges: []Badge{{Text: "skipped offline", Kind: "info"}}}
	case r.NotRun != "":
		return &Cell{Badges: []Badge{{Text: "not run: " + r.NotRun, Kind: "fail"}}}
	}
	e := r.Entry()
	if e == nil {
		return nil
	}
	return &Cell{Raw: e.Raw, Badges: badges(e, r.ExpectsError())}
}

// badges describe a run: how it ended, and how long it took.
func badges(e *cache.Entry, expectError bool) []Badge {
	var b []Badge
	end := func(text string, failed bool) {
		kind := "ok"
		if failed {
			kind = "fail"
		}
		b = append(b, Badge{Text: text, Kind: kind})
	}
	switch {
	case e.NotReady != "" && !e.CompileError:
		end(e.NotReady, true)
	case e.CompileError:
		end("compile error", !expectError)
	case e.TimedOut:
		end(e.Status, !expectError)
	case e.Stopped:
		b = append(b, Badge{Text: "server stopped (" + e.Status + ")", Kind: "info"})
	case e.ExitCode == 0:
		end("exit 0", expectError)
	default:
		end(e.Status, !expectError)
	}
	if expectError {
		b = append(b, Badge{Text: "expected error", Kind: "info"})
	}
	if !e.CompileError {
		b = append(b, Badge{Text: fmt.Sprintf("%.2f s", float64(e.DurationMS)/1000), Kind: "info"})
	}
	return b
}
