package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/lesson"
	"classnotes/runner/output"
	"classnotes/runner/plan"
)

func runFlags(fs *pflag.FlagSet) {
	fs.Bool("write", false, "write the cells' outputs into the lesson")
	fs.Duration("timeout", plan.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	cacheFlag(fs)
}

// runCells builds and runs the named cells of one lesson, streaming their output.
func (a *App) runCells(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	write, _ := fs.GetBool("write")
	timeout, _ := fs.GetDuration("timeout")
	if len(args) < 2 {
		a.errorf("run: want a lesson and at least one cell number: runner run FILE CELL...")
		return exitBadInput
	}
	if timeout <= 0 {
		a.errorf("run: --timeout must be positive")
		return exitBadInput
	}
	c, err := a.openCache(fs)
	if err != nil {
		a.errorf("run: %v", err)
		return exitBadInput
	}
	defer c.Close()
	l, err := a.load(args[0], plan.Options{Timeout: timeout})
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	progs, err := selectCells(l, args[1:])
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	e := &executor{
		app:   a,
		cache: c,
		live:  func(*cellResult) io.Writer { return a.liveOutput() },
		before: func(r *cellResult) {
			if !r.support {
				fmt.Fprintf(a.Stderr, "%s:%d: In [%d]:\n", l.name, r.prog.Cell.Pos.Line, r.prog.Cell.Number)
			}
		},
		after: func(r *cellResult) {
			switch {
			case r.support && r.failed():
				fmt.Fprintf(a.Stderr, "%s:%d: In [%d] (started for the cells after it): %s\n",
					l.name, r.prog.Cell.Pos.Line, r.prog.Cell.Number, r.outcome())
			case !r.support:
				if o := r.outcome(); o != "ok" && o != "compile error" {
					fmt.Fprintln(a.Stderr, o)
				}
				a.compareWithNotes(l, r)
			}
		},
	}
	results := withServers(l.plan, progs)
	err = e.execute(ctx, results)
	if ctx.Err() != nil {
		a.errorf("interrupted; nothing written")
		return exitSignal
	}
	if err != nil {
		fmt.Fprintf(a.Stderr, "%s: %v\n", l.name, err)
		return exitBadInput
	}
	code := exitOK
	for _, r := range results {
		if r.failed() && (!r.support || r.notReady != "") {
			code = exitFailed
		}
	}
	if write {
		if _, _, err := a.writeBack(l, results); err != nil {
			fmt.Fprintln(a.Stderr, err)
			return exitBadInput
		}
	}
	return code
}

// compareWithNotes says whether a cell's fresh output matches the notes, with the difference when not.
func (a *App) compareWithNotes(l *loaded, r *cellResult) {
	c := r.prog.Cell
	rec, ok := recorded(l.lesson(), c)
	switch {
	case r.notRun != "" || r.skipped != "":
	case c.Attrs.Compare == lesson.CompareIgnore:
		fmt.Fprintf(a.Stderr, "In [%d]: not compared with the notes (compare=ignore)\n", c.Number)
	case !ok:
		fmt.Fprintf(a.Stderr, "In [%d]: the notes have no recorded output to compare with\n", c.Number)
	default:
		res := normalizer(l.lesson()).Compare(rec, r.text, c.Attrs.Compare)
		if res.Match {
			fmt.Fprintf(a.Stderr, "In [%d]: matches the notes\n", c.Number)
			return
		}
		fmt.Fprintf(a.Stderr, "In [%d]: differs from the notes (line %d):\n", c.Number, c.Output.Pos.Line)
		a.printDiff(a.Stderr, res.Diff())
	}
}

// withServers returns results for progs, preceded by the lesson's background cells that come before the last of
// them and are not among them, in document order: a client cell needs its server.
func withServers(p *plan.Plan, progs []*plan.Program) []*cellResult {
	chosen := map[*plan.Program]bool{}
	last := 0
	for _, prog := range progs {
		chosen[prog] = true
		last = max(last, prog.Cell.Code.Start)
	}
	var results []*cellResult
	for _, prog := range p.Programs {
		if prog.Cell.Attrs.Background && !chosen[prog] && prog.Cell.Code.Start < last {
			results = append(results, &cellResult{prog: prog, support: true})
		}
	}
	return append(results, newResults(progs)...)
}

// liveOutput returns where cell output is streamed: standard output, without colours unless it is a terminal.
func (a *App) liveOutput() io.Writer {
	if a.isTerminal(a.Stdout) {
		return a.Stdout
	}
	return &output.StripWriter{W: a.Stdout}
}

// selectCells returns the programs of the cells numbered by args, in the order given.
func selectCells(l *loaded, args []string) ([]*plan.Program, error) {
	var progs []*plan.Program
	for _, arg := range args {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a cell number", l.name, arg)
		}
		p := findProgram(l.plan, n)
		if p == nil {
			return nil, fmt.Errorf("%s: no cell In [%d] (cells: %s)", l.name, n, cellNumbers(l.plan))
		}
		progs = append(progs, p)
	}
	return progs, nil
}

func findProgram(p *plan.Plan, n int) *plan.Program {
	for _, prog := range p.Programs {
		if prog.Cell.Number == n {
			return prog
		}
	}
	return nil
}

func cellNumbers(p *plan.Plan) string {
	if len(p.Programs) == 0 {
		return "none"
	}
	var s []string
	for _, prog := range p.Programs {
		s = append(s, strconv.Itoa(prog.Cell.Number))
	}
	return strings.Join(s, ", ")
}
