package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"classnotes/runner/engine"
	"classnotes/runner/output"
)

func runFlags(fs *pflag.FlagSet) {
	fs.Bool("write", false, "write the cells' outputs into the lesson")
	fs.Bool("keep", false, "keep the server cells running after the last cell, until Ctrl-C or until they end")
	fs.Duration("timeout", engine.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	cacheFlag(fs)
}

// runCells builds and runs the named cells of one lesson, streaming their output.
func (a *App) runCells(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	write, _ := fs.GetBool("write")
	keep, _ := fs.GetBool("keep")
	if len(args) < 2 {
		a.errorf("run: want a lesson and at least one cell number: %s run FILE CELL...", a.name())
		return exitBadInput
	}
	e, closeEngine, err := a.engine("run", fs)
	if err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	l, err := a.load(e, args[0])
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	progs, err := selectCells(l, args[1:])
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	results, err := e.RunCells(ctx, l, progs, keep, a.runObserver(l, keep))
	if ctx.Err() != nil {
		if keep {
			a.errorf("interrupted; servers stopped, nothing written")
		} else {
			a.errorf("interrupted; nothing written")
		}
		return exitSignal
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "%s: %v\n", l.Name, err)
		return exitBadInput
	}
	code := exitOK
	for _, r := range results {
		if r.Failed() && (!r.Support || r.NotReady != "") {
			code = exitFailed
		}
	}
	if write {
		if _, _, err := e.WriteBack(l, results); err != nil {
			fmt.Fprintln(a.Stderr, err)
			return exitBadInput
		}
	}
	return code
}

// runObserver prints what run shows as the cells go: each chosen cell's heading and output as it is printed,
// how it ended when not cleanly, and how it compares with the notes; a server started for the cells that need it
// only when it fails.
func (a *App) runObserver(l *engine.Lesson, keep bool) engine.Observer {
	var mu sync.Mutex // output comes from several goroutines
	live := map[*engine.Result]io.WriteCloser{}
	return func(ev engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Kind == engine.Notice {
			fmt.Fprintf(a.Stderr, "%s: %s\n", l.Name, ev.Text)
			return
		}
		r := ev.Result
		c := r.Cell()
		switch ev.Kind {
		case engine.CellStarted:
			if !r.Support {
				fmt.Fprintf(a.Stderr, "%s:%d: In [%d]:\n", l.Name, c.Pos.Line, c.Number)
			}
		case engine.CellOutput:
			w := live[r]
			if w == nil {
				w = a.liveOutput()
				live[r] = w
			}
			w.Write(ev.Chunk)
		case engine.ServerReady:
			if keep && !r.Support {
				fmt.Fprintf(a.Stderr, "In [%d]: ready; it keeps running until Ctrl-C\n", c.Number)
			}
		case engine.CellDone:
			if w := live[r]; w != nil {
				w.Close()
				delete(live, r)
			}
			switch {
			case r.Support && r.Failed():
				fmt.Fprintf(a.Stderr, "%s:%d: In [%d] (started for the cells that need it): %s\n", l.Name, c.Pos.Line, c.Number, r.Outcome())
			case !r.Support:
				if o := r.Outcome(); o != "ok" && o != "compile error" {
					fmt.Fprintln(a.Stderr, o)
				}
				a.compareWithNotes(l, r)
			}
		}
	}
}

// compareWithNotes says whether a cell's fresh output matches the notes, with the difference when not.
func (a *App) compareWithNotes(l *engine.Lesson, r *engine.Result) {
	c := r.Cell()
	switch cmp := engine.Compare(l, r); cmp.Verdict {
	case engine.NotCompared:
	case engine.Differs:
		fmt.Fprintf(a.Stderr, "In [%d]: %s (line %d):\n", c.Number, cmp.Verdict.Sentence(), cmp.Line)
		a.printDiff(a.Stderr, cmp.Diff)
	default:
		fmt.Fprintf(a.Stderr, "In [%d]: %s\n", c.Number, cmp.Verdict.Sentence())
	}
}

// liveOutput returns where a cell's output is streamed: standard output, without colours unless it is a
// terminal. Close ends the cell's output.
func (a *App) liveOutput() io.WriteCloser {
	if a.isTerminal(a.Stdout) {
		return nopCloser{a.Stdout}
	}
	return &output.StripWriter{W: a.Stdout}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// selectCells returns the programs of the cells numbered by args, in the order given.
func selectCells(l *engine.Lesson, args []string) ([]*engine.Program, error) {
	var progs []*engine.Program
	for _, arg := range args {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a cell number", l.Name, arg)
		}
		p := l.Cell(n)
		if p == nil {
			return nil, fmt.Errorf("%s: no cell In [%d] (cells: %s)", l.Name, n, cellNumbers(l))
		}
		progs = append(progs, p)
	}
	return progs, nil
}

func cellNumbers(l *engine.Lesson) string {
	if len(l.Plan.Programs) == 0 {
		return "none"
	}
	var s []string
	for _, prog := range l.Plan.Programs {
		s = append(s, strconv.Itoa(prog.Cell.Number))
	}
	return strings.Join(s, ", ")
}
