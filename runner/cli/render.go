package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/splice"
)

func renderFlags(fs *pflag.FlagSet) {
	fs.Duration("timeout", plan.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	fs.Bool("offline", false, "do not run net cells; keep their recorded outputs")
}

// tally counts cells and lessons for the summary line.
type tally struct {
	lessons, cells, ok, failed int
	written, unchanged         int
}

func (t *tally) add(results []*cellResult) {
	t.lessons++
	for _, r := range results {
		t.cells++
		if r.failed() {
			t.failed++
		} else {
			t.ok++
		}
	}
}

func (t *tally) String() string {
	return fmt.Sprintf("%s, %s: %d ok, %d failed; %d written, %d unchanged",
		plural(t.lessons, "lesson"), plural(t.cells, "cell"), t.ok, t.failed, t.written, t.unchanged)
}

// render runs every cell of the lessons named by args and writes their outputs back.
func (a *App) render(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	timeout, _ := fs.GetDuration("timeout")
	offline, _ := fs.GetBool("offline")
	if timeout <= 0 {
		a.errorf("render: --timeout must be positive")
		return exitBadInput
	}
	lessons, allLoaded := a.loadAll(args, plan.Options{Timeout: timeout})
	code := exitOK
	if !allLoaded {
		code = exitBadInput
	}
	var t tally
	for _, l := range lessons {
		c, err := a.renderLesson(ctx, l, offline, &t)
		if ctx.Err() != nil {
			a.errorf("interrupted; %s not written", l.name)
			return exitSignal
		}
		if err != nil {
			fmt.Fprintln(a.Stderr, err)
		}
		code = max(code, c)
	}
	fmt.Fprintf(a.Stderr, "render: %s\n", &t)
	return code
}

// renderLesson runs the cells of l and writes the lesson back. It returns the lesson's exit code.
func (a *App) renderLesson(ctx context.Context, l *loaded, offline bool, t *tally) (int, error) {
	e := &executor{app: a, offline: offline, after: func(r *cellResult) { a.progress(l, r) }}
	results := newResults(l.plan.Programs)
	if err := e.execute(ctx, results); err != nil {
		return exitBadInput, fmt.Errorf("%s: %w", l.name, err)
	}
	t.add(results)
	code := exitOK
	for _, r := range results {
		if r.failed() {
			code = exitFailed
		}
	}
	written, err := a.writeBack(l, results)
	switch {
	case err != nil:
		return exitBadInput, err
	case written:
		t.written++
	default:
		t.unchanged++
	}
	return code, nil
}

// writeBack splices the results into the lesson and writes it when anything changed. A recorded output that
// matches the fresh one after normalisation is kept byte for byte, so that host names, addresses and ports do
// not churn from one machine to the next.
func (a *App) writeBack(l *loaded, results []*cellResult) (bool, error) {
	src := l.lesson().Source
	norm := normalizer(l.lesson())
	var edits []splice.Edit
	for _, r := range results {
		c := r.prog.Cell
		if r.notRun != "" || r.skipped != "" || r.support {
			continue // its recorded output stays as it is
		}
		if !r.prog.IsInline() {
			e, changed, err := splice.Code(l.lesson(), c, r.prog.Src)
			if err != nil {
				return false, err
			}
			if changed {
				edits = append(edits, e)
			}
		}
		if rec, ok := recorded(l.lesson(), c); ok && c.Attrs.Compare != lesson.CompareIgnore &&
			norm.Compare(rec, r.text, c.Attrs.Compare).Match {
			continue
		}
		if e, changed := splice.Output(l.lesson(), c, r.text); changed {
			edits = append(edits, e)
		}
	}
	out, err := splice.Apply(src, edits)
	if err != nil {
		return false, fmt.Errorf("%s: %w", l.name, err)
	}
	written, err := splice.WriteFile(l.plan.File, src, out)
	if errors.Is(err, splice.ErrChanged) {
		return false, fmt.Errorf("%s: %w", l.name, err)
	}
	if err != nil {
		return false, fmt.Errorf("%s: write: %w", l.name, err)
	}
	return written, nil
}

// progress prints one line about a cell that has run.
func (a *App) progress(l *loaded, r *cellResult) {
	c := r.prog.Cell
	var runTime time.Duration
	if r.run != nil {
		runTime = r.run.Duration
	}
	fmt.Fprintf(a.Stderr, "%s:%d: In [%d]: %s (build %s, run %s)\n",
		l.name, c.Pos.Line, c.Number, r.outcome(), seconds(r.build.Duration), seconds(runTime))
}

// plural returns "1 cell", "2 cells".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
