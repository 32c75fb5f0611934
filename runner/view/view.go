// Package view is what a page shows of how a cell went: plain data, the program's raw output and the badges
// of its run. The engine gives it (engine.Result.View) and the renderers draw it (site, and serve's events), so
// a renderer needs neither the engine nor the cache; it imports nothing and decides nothing.
package view

// Cell is what a page shows of a cell's run.
type Cell struct {
	Raw    []byte  // what the program printed, with its escape sequences; nil to show the recorded text
	Badges []Badge // how the run went: how it ended, whether an error was expected, how long it took
}

// Badge is a short label on a cell's run: its text and its kind, one of "ok", "fail", "info". Its JSON form,
// {"text":…,"kind":…}, is what a served page reads.
type Badge struct {
	Text string `json:"text"`
	Kind string `json:"kind"`
}
