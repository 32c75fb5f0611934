package cli

import (
	"fmt"
	"io"
	"time"
)

// progress reports cells as they are done. On a terminal it keeps a live status line (cells done of all, the
// cell running) under a line for each cell that ran; on a pipe it prints one line per cell; when quiet, nothing.
type progress struct {
	w            io.Writer
	live, quiet  bool
	total, count int
	status       bool // a status line is showing
}

func (a *App) newProgress(quiet bool, lessons []*loaded) *progress {
	p := &progress{w: a.Stderr, quiet: quiet, live: !quiet && a.isTerminal(a.Stderr)}
	for _, l := range lessons {
		p.total += len(l.plan.Programs)
	}
	return p
}

// start says that cell r of l is about to run.
func (p *progress) start(l *loaded, r *cellResult) {
	if p.live {
		p.clear()
		fmt.Fprintf(p.w, "[%d/%d] %s: In [%d] running…", p.count, p.total, l.name, r.prog.Cell.Number)
		p.status = true
	}
}

// cell reports that cell r of l is done.
func (p *progress) cell(l *loaded, r *cellResult) {
	p.count++
	if p.quiet || p.live && r.cached != nil {
		return
	}
	p.clear()
	c := r.prog.Cell
	line := fmt.Sprintf("%s:%d: In [%d]: %s", l.name, c.Pos.Line, c.Number, r.outcome())
	if r.ran() {
		var runTime time.Duration
		if r.run != nil {
			runTime = r.run.Duration
		}
		build := seconds(r.build.Duration)
		if r.build.Cached {
			build = "cached"
		}
		line += fmt.Sprintf(" (build %s, run %s)", build, seconds(runTime))
	}
	fmt.Fprintln(p.w, line)
}

// printf prints a message above the status line.
func (p *progress) printf(format string, args ...any) {
	p.clear()
	fmt.Fprintf(p.w, format, args...)
}

// done removes the status line.
func (p *progress) done() { p.clear() }

func (p *progress) clear() {
	if p.status {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.status = false
	}
}
