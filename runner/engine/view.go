package engine

import (
	"fmt"

	"classnotes/runner/cache"
)

// Badge is a short label on a cell's run: its text and its kind, one of "ok", "fail", "info". Its JSON form,
// {"text":…,"kind":…}, is what a served page reads.
type Badge struct {
	Text string `json:"text"`
	Kind string `json:"kind"`
}

// View is what a page shows of how a cell went: the program's raw output and the badges of its run.
type View struct {
	Raw    []byte  // what the program printed, with its escape sequences; nil to show the recorded text
	Badges []Badge // how the run went: how it ended, whether an error was expected, how long it took
}

// View returns what a page shows of how the cell went, or nil when there is nothing to show beyond its
// recorded output (a server started only for the cells after it, a cell not built).
func (r *Result) View() *View {
	switch {
	case r.Skipped != "":
		return &View{Badges: []Badge{{Text: "skipped offline", Kind: "info"}}}
	case r.NotRun != "":
		return &View{Badges: []Badge{{Text: "not run: " + r.NotRun, Kind: "fail"}}}
	}
	e := r.Entry()
	if e == nil {
		return nil
	}
	return &View{Raw: e.Raw, Badges: badges(e, r.ExpectsError())}
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
