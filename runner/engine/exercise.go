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
	"classnotes/runner/output"
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
)

// checkStarters builds and runs the starter of each exercise of results that ran, in the teacher's copy, after
// every cell has run (no server is up then): a starter must compile, and must not already print the recorded
// output.
func (x *execution) checkStarters(ctx context.Context, results []*Result) error {
	var todo []*Result
	var progs []*plan.Program
	for _, r := range results {
		if ex := r.Program.Exercise; ex != nil && ex.Teacher && r.Ran() {
			todo = append(todo, r)
			progs = append(progs, ex.Starter)
		}
	}
	if len(progs) == 0 {
		return nil
	}
	work, err := run.TempDir("starter-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b := &build.Builder{Dir: work, Cache: x.e.cfg.Cache, GoVersion: x.e.tc.GoVersion}
	built, err := b.Build(ctx, progs)
	if err != nil {
		return err
	}
	src := x.l.Source()
	for i, r := range todo {
		st, c := progs[i], r.Cell()
		if !built[i].OK() {
			r.Starter = &StarterCheck{Problem: StarterDoesNotCompile, Messages: x.teacherPositions(r.Program, built[i].Messages)}
			continue
		}
		dir, cleanup, err := workDir(st)
		if err != nil {
			return err
		}
		res, err := run.Run(ctx, built[i].Binary, nil, run.Options{Dir: dir, Timeout: st.Timeout})
		cleanup()
		if err != nil {
			return fmt.Errorf("In [%d]: starter: %w", c.Number, err)
		}
		r.Starter = &StarterCheck{}
		text := output.Text(res.Printed, res.Dropped, res.Status)
		if rec, ok := recorded(src, c); ok && normalizer(src).Compare(rec, text, c.Attrs.Compare).Match {
			r.Starter.Problem = StarterPasses
		}
	}
	return nil
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
