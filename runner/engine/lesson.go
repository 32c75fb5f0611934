package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/splice"
)

// newResults returns a result for each of progs, in their order, ready to run.
func newResults(progs []*plan.Program) []*Result {
	results := make([]*Result, len(progs))
	for i, p := range progs {
		results[i] = &Result{Program: p}
	}
	return results
}

// Render runs the cells of l that need it, as render does: those whose code changed since their output was
// recorded, or whose run is not in the cache, or every cell with force; cells that run with servers run
// together or not at all. The others are taken from the cache (event CellCached). Runs are kept in the cache.
// It returns a result for every cell, in document order, and writes nothing into the lesson (see WriteBack).
func (e *Engine) Render(ctx context.Context, l *Lesson, force bool, obs Observer) ([]*Result, error) {
	results := newResults(l.Plan.Programs)
	toRun := e.selectToRun(results, force)
	if obs != nil {
		for _, r := range results {
			if r.Cached != nil {
				obs(Event{Kind: CellCached, Lesson: l, Result: r})
			}
		}
	}
	x := &execution{e: e, l: l, obs: obs}
	if err := x.run(ctx, toRun); err != nil {
		return results, err
	}
	if c := e.cfg.Cache; c != nil {
		for _, r := range toRun {
			if r.Ran() {
				if err := c.Put(r.Program.RunKey, r.Entry()); err != nil {
					return results, err
				}
			}
		}
	}
	return results, nil
}

// selectToRun marks the cells that need no run (code unchanged since their output was recorded, and their run
// kept in the cache) and returns the others, in document order.
func (e *Engine) selectToRun(results []*Result, force bool) []*Result {
	groupRuns := false
	for _, r := range results {
		p := r.Program
		if e.Skips(p.Cell) != "" {
			continue // skipped when run
		}
		if !force && !p.Stale() && e.cfg.Cache != nil {
			if entry, ok := e.cfg.Cache.Get(p.RunKey); ok {
				r.Cached = entry
				continue
			}
		}
		if p.Group {
			groupRuns = true
		}
	}
	var toRun []*Result
	for _, r := range results {
		if r.Program.Group && groupRuns {
			r.Cached = nil
		}
		if r.Cached == nil {
			toRun = append(toRun, r)
		}
	}
	return toRun
}

// Check runs every cell of l fresh (reusing built programs from the cache) and returns how each went, in
// document order; Compare tells how each compares with the notes. Nothing is kept, nothing is written.
func (e *Engine) Check(ctx context.Context, l *Lesson, obs Observer) ([]*Result, error) {
	results := newResults(l.Plan.Programs)
	x := &execution{e: e, l: l, obs: obs}
	if err := x.run(ctx, results); err != nil {
		return results, err
	}
	return results, x.checkStarters(ctx, results)
}

// RunCells runs the cells progs of l, in the order given, preceded by the servers they need and that are not
// among them (plan.Plan.Needs; those results are Support). With keep, the servers stay up after the last cell,
// until ctx is done or they have ended by themselves.
func (e *Engine) RunCells(ctx context.Context, l *Lesson, progs []*plan.Program, keep bool, obs Observer) ([]*Result, error) {
	results := withServers(l.Plan, progs)
	x := &execution{e: e, l: l, obs: obs}
	if keep {
		x.hold = ctx.Done()
	}
	return results, x.run(ctx, results)
}

// withServers returns results for progs, preceded by the servers they need and that are not among them, in
// document order.
func withServers(p *plan.Plan, progs []*plan.Program) []*Result {
	var results []*Result
	for _, prog := range p.Needs(progs...) {
		results = append(results, &Result{Program: prog, Support: true})
	}
	return append(results, newResults(progs)...)
}

// WriteBack splices the outputs of the cells that ran into l, and the contents of their src= files, and
// replaces the lesson file when anything changed and the file is still the one read. A recorded output that
// matches the fresh one after normalisation is kept byte for byte, so that host names, addresses and ports do
// not churn from one machine to the next; its fingerprint is brought up to date.
//
// It returns the lesson as it is now, and whether the file was written: l itself when nothing changed, else
// the lesson written, parsed and planned, which a later WriteBack goes on from (see written). Front ends use it
// and never parse the lesson again. When the file was written but does not load again, the error says so.
func (e *Engine) WriteBack(l *Lesson, results []*Result) (*Lesson, bool, error) {
	src := l.Source()
	var edits []splice.Edit
	for _, r := range results {
		if !r.Ran() {
			continue // its recorded output stays as it is
		}
		c := r.Cell()
		if !r.Program.IsInline() {
			ed, changed, err := splice.Code(src, c, r.Program.Src)
			if err != nil {
				return nil, false, err
			}
			if changed {
				edits = append(edits, ed)
			}
		}
		if r.Program.Expected() {
			continue // an exercise's expected output, in a handout: the check, never replaced
		}
		text := r.Text
		if rec, ok := recorded(src, c); ok && c.Attrs.Compare != lesson.CompareIgnore &&
			normalizer(src).Compare(rec, r.Text, c.Attrs.Compare).Match {
			text = rec
		}
		if ed, changed := splice.Output(src, c, text, plan.Short(r.Program.Fingerprint)); changed {
			edits = append(edits, ed)
		}
	}
	out, err := splice.Apply(src.Source, edits)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", l.Name, err)
	}
	written, err := l.orig.Replace(out)
	if errors.Is(err, files.ErrChanged) {
		return nil, false, fmt.Errorf("%s: %w", l.Name, editedError{})
	}
	if errors.Is(err, files.ErrReadOnly) || errors.Is(err, files.ErrHardLinked) {
		return nil, false, fmt.Errorf("%s: %w", l.Name, err)
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s: write: %w", l.Name, err)
	}
	if !written {
		return l, false, nil
	}
	now, err := e.written(l, out)
	if err != nil {
		return nil, true, fmt.Errorf("%s: written, but it does not load again: %w", l.Name, err)
	}
	return now, true, nil
}

// written returns the lesson l as WriteBack wrote it, out, parsed and planned. When the file on disk is still
// out, the lesson guards that file, so that the next WriteBack goes on from this one (the classroom server's
// Accept, cell after cell of one run). When it is not (someone saved an edit in the moment since), the lesson
// keeps the identity of the file l was read from, which is gone: any later WriteBack of it refuses, and the
// edit on disk is kept.
func (e *Engine) written(l *Lesson, out []byte) (*Lesson, error) {
	tc, err := e.toolchain()
	if err != nil {
		return nil, err
	}
	orig, err := files.ReadFile(l.orig.Path)
	if err != nil || !bytes.Equal(orig.Bytes, out) {
		orig = &files.Original{Path: l.orig.Path, Bytes: out, Info: l.orig.Info}
	}
	return e.plan(l.Name, l.Plan.File, orig, tc)
}

// RunAlone runs the cell prog of l by itself, without the servers before it: in class, the teacher starts and
// stops those on their own. A background cell keeps running, its output streaming, until ctx is done or it
// ends by itself; it is then stopped as at the end of a lesson (interrupt, then kill).
func (e *Engine) RunAlone(ctx context.Context, l *Lesson, prog *plan.Program, obs Observer) (*Result, error) {
	r := &Result{Program: prog}
	x := &execution{e: e, l: l, obs: obs}
	if r.Background() {
		x.hold = ctx.Done()
	}
	return r, x.run(ctx, []*Result{r})
}

// editedError is files.ErrChanged said of a lesson whose cells ran: the author edited it meanwhile.
type editedError struct{}

func (editedError) Error() string {
	return "the file changed on disk while its cells ran; not overwritten, the edit on disk is kept"
}

func (editedError) Unwrap() error { return files.ErrChanged }
