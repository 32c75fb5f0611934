package cli

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"classnotes/runner/engine"
)

func renderFlags(fs *pflag.FlagSet) {
	fs.Duration("timeout", engine.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	fs.Bool("offline", false, "do not run net cells; keep their recorded outputs")
	fs.Bool("force", false, "run every cell, even those whose code has not changed")
	fs.Bool("quiet", false, "print nothing but problems")
	fs.String("html", "", "write the HTML site into this directory (default: site/ in the root of the lessons' course)")
	fs.Bool("no-html", false, "do not write the HTML site")
	cacheFlag(fs)
}

// renderOptions are render's flags.
type renderOptions struct {
	engine   *engine.Engine
	force    bool
	progress *progress
	site     *siteWriter // nil with --no-html
}

// tally counts cells and lessons for the summary line.
type tally struct {
	lessons, cells, ran, cached, failed int
	written, unchanged, notWritten      int
}

func (t *tally) add(results []*engine.Result) {
	t.lessons++
	for _, r := range results {
		t.cells++
		switch {
		case r.Cached != nil:
			t.cached++
		case r.Ran():
			t.ran++
		}
		if r.Failed() {
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
	var o renderOptions
	o.force, _ = fs.GetBool("force")
	quiet, _ := fs.GetBool("quiet")
	var closeEngine func()
	var err error
	if o.engine, closeEngine, err = a.engine("render", fs); err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	lessons, allLoaded := a.loadAll(o.engine, args)
	a.warnNoCells("render", lessons) // a lesson without cells is still a page of the site
	code := exitOK
	if !allLoaded {
		code = exitBadInput
	}
	o.progress = a.newProgress(quiet, lessons)
	if noHTML, _ := fs.GetBool("no-html"); !noHTML {
		dir, _ := fs.GetString("html")
		if !fs.Changed("html") {
			dir, err = a.defaultOut(lessonNames(lessons), siteDir)
		}
		if err == nil {
			o.site, err = a.newSiteWriter(dir, lessons)
		}
		if err != nil {
			a.errorf("render: %v", err)
			return exitBadInput
		}
		o.site.force = o.force
	}
	var t tally
	for _, l := range lessons {
		c, reached, err := a.renderLesson(ctx, l, o, &t)
		if ctx.Err() != nil {
			o.progress.done()
			a.errorf("interrupted; %s", reached.interrupted(l.Name))
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
func (a *App) renderLesson(ctx context.Context, l *engine.Lesson, o renderOptions, t *tally) (int, reached, error) {
	results, err := o.engine.Render(ctx, l, o.force, o.progress.observe)
	if err != nil {
		return exitBadInput, reachedNothing, fmt.Errorf("%s: %w", l.Name, err)
	}
	if ctx.Err() != nil {
		return exitBadInput, reachedNothing, ctx.Err()
	}
	t.add(results)
	code := exitOK
	for _, r := range results {
		if r.Failed() {
			code = exitFailed
		}
	}
	now, written, err := o.engine.WriteBack(l, results)
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
		if err := o.site.writePage(now, results); err != nil {
			return exitBadInput, got, fmt.Errorf("%s: html: %w", l.Name, err)
		}
	}
	return code, reachedPage, nil
}

// afterWriteBack, when not nil, is called by renderLesson once the lesson is written, for tests that interrupt
// the runner at that moment.
var afterWriteBack func()

// plural returns "1 cell", "2 cells".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
