package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"classnotes/runner/cache"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/splice"
)

func renderFlags(fs *pflag.FlagSet) {
	fs.Duration("timeout", plan.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	fs.Bool("offline", false, "do not run net cells; keep their recorded outputs")
	fs.Bool("force", false, "run every cell, even those whose code has not changed")
	fs.Bool("quiet", false, "print nothing but problems")
	fs.String("html", "site", "write the HTML site into this directory")
	fs.Bool("no-html", false, "do not write the HTML site")
	cacheFlag(fs)
}

// renderOptions are render's flags.
type renderOptions struct {
	offline, force bool
	cache          *cache.Cache
	progress       *progress
	site           *siteWriter // nil with --no-html
}

// tally counts cells and lessons for the summary line.
type tally struct {
	lessons, cells, ran, cached, failed int
	written, unchanged, notWritten      int
}

func (t *tally) add(results []*cellResult) {
	t.lessons++
	for _, r := range results {
		t.cells++
		switch {
		case r.cached != nil:
			t.cached++
		case r.ran():
			t.ran++
		}
		if r.failed() {
			t.failed++
		}
	}
}

func (t *tally) String() string {
	s := fmt.Sprintf("%s, %s: %d run, %d unchanged, %d failed; %d written, %d unchanged",
		plural(t.lessons, "lesson"), plural(t.cells, "cell"), t.ran, t.cached, t.failed, t.written, t.unchanged)
	if t.notWritten > 0 {
		s += fmt.Sprintf(", %d not written", t.notWritten)
	}
	return s
}

// render runs the cells of the lessons named by args whose code changed, and writes their outputs back.
func (a *App) render(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	timeout, _ := fs.GetDuration("timeout")
	var o renderOptions
	o.offline, _ = fs.GetBool("offline")
	o.force, _ = fs.GetBool("force")
	quiet, _ := fs.GetBool("quiet")
	if timeout <= 0 {
		a.errorf("render: --timeout must be positive")
		return exitBadInput
	}
	var err error
	if o.cache, err = a.openCache(fs); err != nil {
		a.errorf("render: %v", err)
		return exitBadInput
	}
	defer o.cache.Close()
	lessons, allLoaded := a.loadAll(args, plan.Options{Timeout: timeout})
	a.warnNoCells("render", lessons) // a lesson without cells is still a page of the site
	code := exitOK
	if !allLoaded {
		code = exitBadInput
	}
	o.progress = a.newProgress(quiet, lessons)
	if noHTML, _ := fs.GetBool("no-html"); !noHTML {
		dir, _ := fs.GetString("html")
		if o.site, err = a.newSiteWriter(dir, lessons); err != nil {
			a.errorf("render: %v", err)
			return exitBadInput
		}
	}
	var t tally
	for _, l := range lessons {
		c, reached, err := a.renderLesson(ctx, l, o, &t)
		if ctx.Err() != nil {
			o.progress.done()
			a.errorf("interrupted; %s", reached.interrupted(l.name))
			return exitSignal
		}
		if err != nil {
			o.progress.printf("%v\n", err)
		}
		code = max(code, c)
	}
	o.progress.done()
	if ctx.Err() != nil {
		a.errorf("interrupted; every lesson rendered, the site index not written")
		return exitSignal
	}
	if o.site != nil {
		if err := o.site.writeIndex(); err != nil {
			a.errorf("render: %v", err)
			code = exitBadInput
		}
	}
	if !quiet {
		fmt.Fprintf(a.Stderr, "render: %s\n", &t)
	}
	return code
}

// reached says how far the rendering of a lesson got, so that an interrupted render says exactly what it wrote.
type reached int

const (
	reachedNothing   reached = iota // the lesson was not written
	reachedLesson                   // the lesson was written (or needed no change); its HTML page was not
	reachedUnchanged                // the lesson needed no change; its HTML page was not written
	reachedPage                     // the lesson and its HTML page are done
)

// interrupted describes, for a render interrupted at this point, what happened to the lesson named name.
func (r reached) interrupted(name string) string {
	switch r {
	case reachedLesson:
		return name + " written, its HTML page and the site index not"
	case reachedUnchanged:
		return name + " needed no change; its HTML page and the site index not written"
	case reachedPage:
		return name + " and its HTML page written, the site index not"
	}
	return name + " not written"
}

// renderLesson runs the cells of l that need it and writes the lesson back. It returns the lesson's exit code
// and how far it got. Once interrupted, it writes nothing more.
func (a *App) renderLesson(ctx context.Context, l *loaded, o renderOptions, t *tally) (int, reached, error) {
	results := newResults(l.plan.Programs)
	toRun := selectToRun(results, o)
	for _, r := range results {
		if r.cached != nil {
			o.progress.cell(l, r)
		}
	}
	e := &executor{app: a, offline: o.offline, cache: o.cache,
		before: func(r *cellResult) { o.progress.start(l, r) },
		after:  func(r *cellResult) { o.progress.cell(l, r) }}
	if err := e.execute(ctx, toRun); err != nil {
		return exitBadInput, reachedNothing, fmt.Errorf("%s: %w", l.name, err)
	}
	if ctx.Err() != nil {
		return exitBadInput, reachedNothing, ctx.Err()
	}
	for _, r := range toRun {
		if r.ran() {
			if err := o.cache.PutOutput(r.prog.Fingerprint, r.entry()); err != nil {
				return exitBadInput, reachedNothing, fmt.Errorf("%s: %w", l.name, err)
			}
		}
	}
	t.add(results)
	code := exitOK
	for _, r := range results {
		if r.failed() {
			code = exitFailed
		}
	}
	out, written, err := a.writeBack(l, results)
	got := reachedLesson
	switch {
	case err != nil:
		t.notWritten++
		return exitBadInput, reachedNothing, err
	case written:
		t.written++
	default:
		t.unchanged++
		got = reachedUnchanged
	}
	if afterWriteBack != nil {
		afterWriteBack()
	}
	if ctx.Err() != nil {
		return code, got, ctx.Err()
	}
	if o.site != nil {
		if err := o.site.writePage(l, out, results); err != nil {
			return exitBadInput, got, fmt.Errorf("%s: html: %w", l.name, err)
		}
	}
	return code, reachedPage, nil
}

// afterWriteBack, when not nil, is called by renderLesson once the lesson is written, for tests that interrupt
// the runner at that moment.
var afterWriteBack func()

// selectToRun marks the cells that need no run (code unchanged since their output was recorded, and their run
// kept in the cache) and returns the others, in document order. Cells that run with servers run together, or
// not at all.
func selectToRun(results []*cellResult, o renderOptions) []*cellResult {
	groupRuns := false
	for _, r := range results {
		p := r.prog
		if o.offline && p.Cell.Attrs.Net {
			continue // the executor skips it
		}
		if !o.force && !p.Stale() {
			if e, ok := o.cache.Output(p.Fingerprint); ok {
				r.cached = e
				continue
			}
		}
		if p.Group {
			groupRuns = true
		}
	}
	var toRun []*cellResult
	for _, r := range results {
		if r.prog.Group && groupRuns {
			r.cached = nil
		}
		if r.cached == nil {
			toRun = append(toRun, r)
		}
	}
	return toRun
}

// writeBack splices the results into the lesson and writes it when anything changed. A recorded output that
// matches the fresh one after normalisation is kept byte for byte, so that host names, addresses and ports do
// not churn from one machine to the next; its fingerprint is brought up to date.
func (a *App) writeBack(l *loaded, results []*cellResult) ([]byte, bool, error) {
	src := l.lesson().Source
	norm := normalizer(l.lesson())
	var edits []splice.Edit
	for _, r := range results {
		if !r.ran() {
			continue // its recorded output stays as it is
		}
		c := r.prog.Cell
		if !r.prog.IsInline() {
			e, changed, err := splice.Code(l.lesson(), c, r.prog.Src)
			if err != nil {
				return nil, false, err
			}
			if changed {
				edits = append(edits, e)
			}
		}
		text := r.text
		if rec, ok := recorded(l.lesson(), c); ok && c.Attrs.Compare != lesson.CompareIgnore &&
			norm.Compare(rec, r.text, c.Attrs.Compare).Match {
			text = rec
		}
		if e, changed := splice.Output(l.lesson(), c, text, plan.Short(r.prog.Fingerprint)); changed {
			edits = append(edits, e)
		}
	}
	out, err := splice.Apply(src, edits)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", l.name, err)
	}
	written, err := l.orig.Replace(out)
	if errors.Is(err, splice.ErrChanged) || errors.Is(err, splice.ErrReadOnly) || errors.Is(err, splice.ErrHardLinked) {
		return nil, false, fmt.Errorf("%s: %w", l.name, err)
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s: write: %w", l.name, err)
	}
	return out, written, nil
}

// plural returns "1 cell", "2 cells".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
