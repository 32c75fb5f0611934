package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"classnotes/runner/engine"
)

// progress reports cells as they are done. On a terminal it keeps a live status line (cells done of all, the
// cell running) under a line for each cell that ran; on a pipe it prints one line per cell; when quiet, nothing.
type progress struct {
	mu           sync.Mutex // events come from several goroutines
	w            io.Writer
	live, quiet  bool
	total, count int
	status       bool // a status line is showing
}

func (a *App) newProgress(quiet bool, lessons []*engine.Lesson) *progress {
	return &progress{w: a.Stderr, quiet: quiet, live: !quiet && a.isTerminal(a.Stderr), total: countCells(lessons)}
}

// observe is the engine's observer: it shows cells starting and done.
func (p *progress) observe(ev engine.Event) {
	switch ev.Kind {
	case engine.CellStarted:
		p.start(ev.Lesson, ev.Result)
	case engine.CellDone, engine.CellCached:
		p.cell(ev.Lesson, ev.Result)
	case engine.Notice:
		if !p.quiet {
			p.printf("%s: %s\n", ev.Lesson.Name, ev.Text)
		}
	}
}

// start says that cell r of l is about to run.
func (p *progress) start(l *engine.Lesson, r *engine.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live {
		p.clear()
		fmt.Fprintf(p.w, "[%d/%d] %s: In [%d] running…", p.count, p.total, l.Name, r.Cell().Number)
		p.status = true
	}
}

// cell reports that cell r of l is done.
func (p *progress) cell(l *engine.Lesson, r *engine.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.count++
	if p.quiet || p.live && r.Cached != nil {
		return
	}
	p.clear()
	c := r.Cell()
	line := fmt.Sprintf("%s:%d: In [%d]: %s", l.Name, c.Pos.Line, c.Number, r.Outcome())
	if r.Ran() {
		build := seconds(r.Build.Duration)
		if r.Build.Cached {
			build = "cached"
		}
		line += fmt.Sprintf(" (build %s, run %s)", build, seconds(r.Duration()))
	}
	fmt.Fprintln(p.w, line)
}

// printf prints a message above the status line.
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, format, args...)
}

// done removes the status line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *progress) clear() {
	if p.status {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.status = false
	}
}

// seconds formats d for progress lines.
func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
