package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/engine"
	"classnotes/runner/files"
)

func checkFlags(fs *pflag.FlagSet) {
	fs.Bool("offline", false, "do not run net cells; report them as skipped")
	fs.String("json", "", "also write a report of every cell to this file")
	fs.Duration("timeout", engine.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	fs.Bool("stale", false, "build and run nothing: list the recorded outputs whose code has changed since")
	cacheFlag(fs)
	reportFlags(fs)
}

// Statuses of a checked cell.
const (
	statusMatch   = "match"
	statusDiffers = "differs"
	statusSkipped = "skipped"
	statusFailed  = "failed"
)

// cellReport is one cell in the JSON report. Its shape is kept stable for the tools that read it.
type cellReport struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Cell       int    `json:"cell"`
	Status     string `json:"status"`
	Reason     string `json:"reason,omitempty"`
	DurationMS int64  `json:"duration_ms"`
	Diff       string `json:"diff,omitempty"`
	// Exercise is "solved" or "not yet" for an exercise of a handout, "solution" for one of the teacher's
	// copy; Starter, in the teacher's copy, what is wrong with the exercise's starter.
	Exercise string `json:"exercise,omitempty"`
	Starter  string `json:"starter,omitempty"`
}

type checkReport struct {
	Cells   []cellReport   `json:"cells"`
	Summary map[string]int `json:"summary"`
}

// exerciseLine returns the summary line of the exercises of report ("" when there are none): for a handout,
// how many are solved; for the teacher's copy, whether every starter compiles and needs work.
func (r *checkReport) exerciseLine() string {
	solved, notYet, solutions, starters := 0, 0, 0, 0
	for _, c := range r.Cells {
		switch c.Exercise {
		case "solved":
			solved++
		case "not yet":
			notYet++
		case "solution":
			solutions++
			if c.Starter != "" {
				starters++
			}
		}
	}
	var parts []string
	if solved+notYet > 0 {
		parts = append(parts, fmt.Sprintf("exercises: %d of %d solved", solved, solved+notYet))
	}
	if solutions > 0 {
		state := "every starter compiles and needs work"
		if starters > 0 {
			state = fmt.Sprintf("%d with a starter that does not compile or already passes", starters)
		}
		parts = append(parts, fmt.Sprintf("exercises: %d with solutions; %s", solutions, state))
	}
	return strings.Join(parts, "\n")
}

// check runs every cell fresh and compares its output with the notes, writing nothing into the lessons.
func (a *App) check(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	jsonFile, _ := fs.GetString("json")
	target, err := classTargetOf(fs)
	if err != nil {
		a.errorf("check: %v", err)
		return exitBadInput
	}
	e, closeEngine, err := a.engine("check", fs)
	if err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	if stale, _ := fs.GetBool("stale"); stale {
		return a.checkStale(e, args)
	}
	lessons, allLoaded := a.loadAll(e, args)
	if jsonFile != "" {
		if err := a.reportNotLesson(jsonFile, lessons); err != nil {
			a.errorf("check: --json: %v", err)
			return exitBadInput
		}
	}
	if a.warnNoCells("check", lessons) {
		allLoaded = false // nothing was checked: that is no success
	}
	code := exitOK
	report := &checkReport{Cells: []cellReport{}, Summary: map[string]int{}}
	var classRep *classReport
	if target != nil {
		classRep = &classReport{target: target}
	}
	for _, l := range lessons {
		results, err := e.Check(ctx, l, nil)
		if ctx.Err() != nil {
			a.errorf("interrupted")
			return exitSignal
		}
		if err != nil {
			fmt.Fprintf(a.Stderr, "%s: %v\n", l.Name, err)
			code = exitBadInput
			continue
		}
		for _, r := range results {
			cr := a.checkCell(l, r)
			report.Cells = append(report.Cells, cr)
			if classRep != nil {
				classRep.add(l, r, cr)
			}
			report.Summary[cr.Status]++
			if cr.Starter != "" {
				report.Summary["starter"]++
			}
		}
	}
	cells := len(report.Cells)
	summary := fmt.Sprintf("%s: %d match, %d differ, %d skipped", plural(cells, "cell"),
		report.Summary[statusMatch], report.Summary[statusDiffers], report.Summary[statusSkipped])
	if n := report.Summary[statusFailed]; n > 0 {
		summary += fmt.Sprintf(", %d failed", n)
	}
	fmt.Fprintln(a.Stdout, summary)
	if line := report.exerciseLine(); line != "" {
		fmt.Fprintln(a.Stdout, line)
	}
	notSolved := 0
	for _, c := range report.Cells {
		if c.Exercise == "not yet" {
			notSolved++ // also one not run (a net exercise, offline): solved only when it matched
		}
	}
	if report.Summary[statusDiffers]+report.Summary[statusFailed]+report.Summary["starter"]+notSolved > 0 {
		code = max(code, exitFailed)
	}
	if !allLoaded {
		code = exitBadInput
	}
	if jsonFile != "" {
		if err := a.writeReport(jsonFile, report); err != nil {
			a.errorf("check: %v", err)
			code = exitBadInput
		}
	}
	if classRep != nil {
		a.sendClassReport(ctx, classRep) // last, and whatever becomes of it, the check's exit code stays
	}
	return code
}

// checkStale lists, without building or running anything, the cells whose recorded output is missing or was
// made from other code than the cell's now.
func (a *App) checkStale(e *engine.Engine, args []string) int {
	lessons, allLoaded := a.loadAll(e, args)
	if a.warnNoCells("check", lessons) {
		allLoaded = false
	}
	cells, stale := 0, 0
	for _, l := range lessons {
		for _, p := range l.Plan.Programs {
			cells++
			if !p.Stale() {
				continue
			}
			stale++
			c := p.Cell
			if c.Out == nil {
				fmt.Fprintf(a.Stdout, "%s:%d: In [%d]: %s\n", l.Name, c.Pos.Line, c.Number, a.named(engine.NoRecord.Reason()))
			} else {
				fmt.Fprintf(a.Stdout, "%s:%d: In [%d]: the recorded output is stale: its code changed since it was rendered; run `%s render`\n",
					l.Name, c.Out.Pos.Line, c.Number, a.name())
			}
		}
	}
	fmt.Fprintf(a.Stdout, "%s: %d stale\n", plural(cells, "cell"), stale)
	switch {
	case !allLoaded:
		return exitBadInput
	case stale > 0:
		return exitFailed
	}
	return exitOK
}

// checkCell compares one cell's fresh output with the notes and prints what is wrong.
func (a *App) checkCell(l *engine.Lesson, r *engine.Result) cellReport {
	c := r.Cell()
	cr := cellReport{File: l.Name, Line: c.Pos.Line, Cell: c.Number, DurationMS: r.Duration().Milliseconds()}
	where := fmt.Sprintf("%s:%d: In [%d]:", l.Name, c.Pos.Line, c.Number)
	switch cmp := engine.Compare(l, r); {
	case r.Skipped != "":
		cr.Status, cr.Reason = statusSkipped, r.Skipped
	case r.Program.Expected() && cmp.Verdict == engine.Differs:
		// An exercise of a handout: a program that fails (the starter's panic) is not solved yet, like one that
		// prints something else; the difference says what is missing.
		cr.Status, cr.Reason, cr.Diff = statusDiffers, "exercise not solved yet: the output differs from the expected one", cmp.Diff
		fmt.Fprintf(a.Stdout, "%s %s\n", where, cr.Reason)
		if c.Attrs.Hide {
			fmt.Fprintf(a.Stdout, "    (the expected output is hidden: only whether yours matches it is known)\n")
		} else {
			a.printDiff(a.Stdout, cr.Diff)
		}
	case r.Failed():
		cr.Status, cr.Reason = statusFailed, r.Outcome()
		fmt.Fprintf(a.Stdout, "%s %s\n", where, r.Outcome())
	case cmp.Verdict == engine.Ignored:
		cr.Status, cr.Reason = statusSkipped, cmp.Verdict.Reason()
	case cmp.Verdict == engine.NoRecord:
		cr.Status, cr.Reason = statusDiffers, a.named(cmp.Verdict.Reason())
		fmt.Fprintf(a.Stdout, "%s %s\n", where, cr.Reason)
	case cmp.Verdict == engine.Matches:
		cr.Status = statusMatch
	default:
		cr.Status, cr.Reason, cr.Diff = statusDiffers, engine.Differs.Reason(), cmp.Diff
		fmt.Fprintf(a.Stdout, "%s %s\n", where, cr.Reason)
		a.printDiff(a.Stdout, cr.Diff)
	}
	switch ex := r.Program.Exercise; {
	case ex == nil:
	case r.Program.Expected() && cr.Status == statusMatch:
		cr.Exercise = "solved"
	case r.Program.Expected():
		cr.Exercise = "not yet"
	case ex.Teacher:
		cr.Exercise = "solution"
		if st := r.Starter; st != nil && st.Problem != "" {
			cr.Starter = st.Problem
			fmt.Fprintf(a.Stdout, "%s exercise: %s\n", where, st.Problem)
			if st.Messages != "" {
				fmt.Fprint(a.Stdout, indent(st.Messages, "    "))
				fmt.Fprintf(a.Stdout, "    Replacing a solution region can leave an import or a variable unused: move what only the solution\n"+
					"    needs into the region, or give the region a // BEGIN STARTER block that uses it.\n")
			}
		}
	}
	return cr
}

// indent returns text with prefix before each of its lines.
func indent(text, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" {
			b.WriteString(prefix + line)
		}
	}
	if !strings.HasSuffix(b.String(), "\n") && b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// reportNotLesson refuses a report path that names a lesson: "check --json lessons/a.md" reads a.md as the
// report's name, and would replace the lesson with the report.
func (a *App) reportNotLesson(path string, lessons []*engine.Lesson) error {
	abs, err := a.abs(path)
	if err != nil {
		return err
	}
	if strings.HasSuffix(abs, ".md") {
		return fmt.Errorf("%s: a report is not written over a Markdown file (a lesson?); name a .json file", path)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil // nothing there yet, or the write will say what is wrong
	}
	for _, l := range lessons {
		if li, err := os.Stat(l.Plan.File); err == nil && os.SameFile(info, li) {
			return fmt.Errorf("%s is the lesson %s; not overwritten with the report", path, l.Name)
		}
	}
	return nil
}

func (a *App) writeReport(path string, report *checkReport) error {
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	abs, err := a.abs(path)
	if err != nil {
		return err
	}
	_, err = files.Write(abs, append(b, '\n'), files.Options{Perm: 0o644, Overwrite: true})
	return err
}

// useColour reports whether output to w may be coloured: w is a terminal and NO_COLOR is not set.
func (a *App) useColour(w io.Writer) bool {
	return a.isTerminal(w) && a.getenv("NO_COLOR") == ""
}

// printDiff prints a unified diff, coloured on a terminal.
func (a *App) printDiff(w io.Writer, d string) {
	if !a.useColour(w) {
		io.WriteString(w, d)
		return
	}
	for _, line := range strings.SplitAfter(d, "\n") {
		colour := ""
		switch {
		case strings.HasPrefix(line, "---"), strings.HasPrefix(line, "+++"):
			colour = "\x1b[1m"
		case strings.HasPrefix(line, "-"):
			colour = "\x1b[31m"
		case strings.HasPrefix(line, "+"):
			colour = "\x1b[32m"
		case strings.HasPrefix(line, "@@"):
			colour = "\x1b[36m"
		}
		if colour == "" {
			io.WriteString(w, line)
			continue
		}
		fmt.Fprintf(w, "%s%s\x1b[0m\n", colour, strings.TrimSuffix(line, "\n"))
	}
}
