package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"classnotes/runner/build"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// StarterCheck is what Check found of the starter of an exercise (the program the handout gets), in the
// teacher's copy.
type StarterCheck struct {
	// Problem is "" when the starter compiles and does not pass; else StarterDoesNotCompile or StarterPasses.
	Problem string
	// Messages are the compiler's, for a starter that does not compile, at the teacher's positions: the lesson's
	// line for an inline cell, the snippet file's for an src= one.
	Messages string
}

// Problems of a starter.
const (
	StarterDoesNotCompile = "its starter (what the handout gets) does not compile"
	StarterPasses         = "its starter (what the handout gets) already matches the recorded output: the exercise needs no work"
	StarterNotRun         = "its starter (what the handout gets) could not be run"
)

// checkStarters sets the StarterCheck of each exercise of results, in the teacher's copy: every starter is
// built, and run unless its solution was skipped (a net cell, offline).
func (x *execution) checkStarters(ctx context.Context, results []*Result) error {
	skipped := map[int]bool{}
	for _, r := range results {
		skipped[r.Cell().Number] = r.Skipped != ""
	}
	for _, r := range results {
		if ex := r.Program.Exercise; ex != nil && ex.Teacher {
			st, err := x.starter(ctx, r.Program, skipped[r.Cell().Number])
			if err != nil {
				return err
			}
			r.Starter = st
		}
	}
	return nil
}

// Starters builds the starter of each exercise of l's teacher's copy, the program its students get, and says,
// by cell number, whether it compiles: for handout, which refuses to hand out one that does not. Nothing runs.
func (e *Engine) Starters(ctx context.Context, l *Lesson) (map[int]*StarterCheck, error) {
	x := &execution{e: e, l: l}
	checks := map[int]*StarterCheck{}
	for _, p := range l.Plan.Programs {
		if ex := p.Exercise; ex != nil && ex.Teacher {
			st, err := x.starter(ctx, p, true)
			if err != nil {
				return nil, err
			}
			checks[p.Cell.Number] = st
		}
	}
	return checks, nil
}

// starter builds the starter of prog and, unless buildOnly, runs it as its cell runs alone, with the servers
// it needs (plan.Plan.Needs), and compares what it prints with the recorded output.
func (x *execution) starter(ctx context.Context, prog *plan.Program, buildOnly bool) (*StarterCheck, error) {
	st := prog.Exercise.Starter
	if buildOnly {
		work, err := run.TempDir("starter-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(work)
		b := &build.Builder{Dir: work, Cache: x.e.cfg.Cache, GoVersion: x.e.tc.GoVersion}
		built, err := b.Build(ctx, []*plan.Program{st})
		if err != nil {
			return nil, err
		}
		if !built[0].OK() {
			return &StarterCheck{Problem: StarterDoesNotCompile, Messages: x.teacherPositions(prog, built[0].Messages)}, nil
		}
		return &StarterCheck{}, nil
	}
	results := withServers(x.l.Plan, []*plan.Program{st})
	sx := &execution{e: x.e, l: x.l}
	if err := sx.run(ctx, results); err != nil {
		return nil, fmt.Errorf("In [%d]: starter: %w", prog.Cell.Number, err)
	}
	r := results[len(results)-1]
	switch {
	case r.Build != nil && !r.Build.OK():
		return &StarterCheck{Problem: StarterDoesNotCompile, Messages: x.teacherPositions(prog, r.Build.Messages)}, nil
	case !r.Ran():
		return &StarterCheck{Problem: StarterNotRun + ": " + r.NotRun}, nil
	}
	src := x.l.Source()
	c := prog.Cell
	if rec, ok := recorded(src, c); ok && normalizer(src).Compare(rec, r.Text, c.Attrs.Compare).Match {
		return &StarterCheck{Problem: StarterPasses}, nil
	}
	return &StarterCheck{}, nil
}

// compilerPos matches the position a compiler message starts with: "main.go:7:2: ".
var compilerPos = regexp.MustCompile(`^([^\s:]+\.go):(\d+):(\d+)(.*)$`)

// teacherPositions rewrites the positions of the compiler's messages about a starter of prog as positions in
// the teacher's files: a line of an inline cell's starter as the lesson's line, a line of an src= package's
// file as the line of the file on disk, whose regions the starter replaced.
func (x *execution) teacherPositions(prog *plan.Program, msgs string) string {
	ex := prog.Exercise
	lines := strings.SplitAfter(msgs, "\n")
	for i, line := range lines {
		m := compilerPos.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		var file string
		var teacher []int
		if prog.IsInline() {
			teacher = ex.Lines["main.go"]
		} else {
			file = filepath.Join(prog.Dir, filepath.Base(m[1]))
			teacher = ex.Lines[file]
		}
		if n >= 1 && n <= len(teacher) {
			n = teacher[n-1]
		}
		c := prog.Cell
		var pos string
		if prog.IsInline() {
			body := x.l.Source().Pos(c.Code.Body)
			pos = fmt.Sprintf("%s:%d:%d", x.l.Name, body.Line+n-1, col+len(c.Code.Indent))
		} else {
			pos = fmt.Sprintf("%s:%d:%d", filepath.Join(filepath.Dir(x.l.Name), filepath.Dir(filepath.FromSlash(c.Attrs.Src)), filepath.Base(m[1])), n, col)
		}
		lines[i] = pos + m[4] + strings.TrimPrefix(line, strings.TrimSuffix(line, "\n"))
	}
	return strings.Join(lines, "")
}
