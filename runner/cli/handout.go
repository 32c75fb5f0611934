package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/compare"
	"classnotes/runner/engine"
	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/splice"
)

func handoutFlags(fs *pflag.FlagSet) {
	fs.String("out", "", "the directory the student edition is written into, outside the course (required)")
	fs.Bool("force", false, "write into DIR when it is not empty, replacing files of the same names (through the same guard as every write, never through a symbolic link), "+
		"and remove the files an earlier handout wrote there that this one does not (its list is DIR/"+handoutManifest+")")
}

// hiddenOutput is what the handout shows in place of the expected output of a hide exercise.
const hiddenOutput = "(hidden: the expected output is not in the handout; check says whether yours matches it)\n"

// handout writes the student edition of the lessons: the lessons, the snippets their cells run, the course's
// packages those import, go.mod and go.sum, and the files the lessons link to, each at its place relative to
// the course's root, with every exercise's solution regions replaced by their starters, and each exercise's
// recorded output kept as its expected output (want=), or only as its digest for hide.
func (a *App) handout(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	out, _ := fs.GetString("out")
	force, _ := fs.GetBool("force")
	if out == "" {
		a.errorf("handout: --out DIR is required: the directory to write the student edition into")
		return exitBadInput
	}
	e, closeEngine, err := a.engine("handout", fs)
	if err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	lessons, ok := a.loadAll(e, args)
	if !ok {
		return exitBadInput
	}
	if a.warnNoCells("handout", lessons) && len(lessons) == 0 {
		return exitBadInput
	}
	h, err := a.newHandout(lessons, out, force)
	if err != nil {
		a.errorf("handout: %v", err)
		return exitBadInput
	}
	// Everything is checked before the first write: the exercises, the files, that no solution is in them, and
	// where each goes.
	if err := h.checkExercises(ctx, e, lessons); err != nil {
		if ctx.Err() != nil {
			a.errorf("handout: interrupted; nothing written")
			return exitSignal
		}
		fmt.Fprintln(a.Stderr, err)
		a.errorf("handout: nothing written")
		return exitBadInput
	}
	if err := h.collect(lessons); err != nil {
		fmt.Fprintln(a.Stderr, err)
		a.errorf("handout: nothing written")
		return exitBadInput
	}
	if err := h.scan(lessons); err != nil {
		fmt.Fprintln(a.Stderr, err)
		a.errorf("handout: nothing written")
		return exitBadInput
	}
	if err := h.checkPlaces(); err != nil {
		fmt.Fprintln(a.Stderr, err)
		a.errorf("handout: nothing written")
		return exitBadInput
	}
	written, removed, err := h.write()
	if err != nil {
		a.errorf("handout: %v", err)
		return exitBadInput
	}
	// The student's copy must load as it is; its fingerprints are its own (see refingerprint).
	for _, l := range lessons {
		rel, _ := filepath.Rel(h.root, l.Plan.File)
		name := filepath.Join(a.shown(h.out), rel)
		hl, err := e.Load(name, filepath.Join(h.out, rel))
		if err != nil {
			fmt.Fprintf(a.Stderr, "%v\n", err)
			a.errorf("handout: written to %s, but its lessons do not load (above)", a.shown(h.out))
			return exitBadInput
		}
		if err := refingerprint(l, hl); err != nil {
			a.errorf("handout: %v", err)
			return exitBadInput
		}
	}
	gone := ""
	if removed > 0 {
		gone = fmt.Sprintf("; %s of the earlier handout removed", plural(removed, "file"))
	}
	fmt.Fprintf(a.Stderr, "handout: %s, %s (%d hidden); %s written to %s%s\n", plural(len(lessons), "lesson"),
		plural(h.exercises, "exercise"), h.hidden, plural(written, "file"), a.shown(h.out), gone)
	return exitOK
}

// handoutWriter is a handout being made: the files of the student edition by their path relative to the
// course's root, and where they go.
type handoutWriter struct {
	a         *App
	root, out string // the course's root; the handout's directory, both absolute
	// realRoot and realOut are root and out with their symbolic links resolved (out's longest existing prefix).
	realRoot, realOut string
	force             bool
	files             map[string][]byte // by path relative to root, filepath-separated
	from              map[string]string // the file each comes from, absolute, for messages
	exercises         int
	hidden            int
	lessonBase        map[string]string
	lessonInfo        []os.FileInfo     // the lessons handed out, to know them by any name
	starters          map[string][]byte // the starter of each exercise's program file, by its real path
}

// newHandout checks where the handout goes: outside the course, and into an empty or new directory unless
// force.
func (a *App) newHandout(lessons []*engine.Lesson, out string, force bool) (*handoutWriter, error) {
	var names []string
	for _, l := range lessons {
		names = append(names, l.Plan.File)
	}
	root, err := a.courseOf(names)
	if err != nil {
		return nil, err
	}
	outAbs, err := a.abs(out)
	if err != nil {
		return nil, err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	realOut := resolved(outAbs)
	if inside(realOut, realRoot) {
		return nil, fmt.Errorf("--out %s: inside the course (%s), where the solutions are: write the handout outside it", out, a.shown(root))
	}
	if entries, err := os.ReadDir(outAbs); err == nil && len(entries) > 0 && !force {
		return nil, fmt.Errorf("--out %s: not empty; --force writes the handout into it", out)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--out %s: %v", out, err)
	}
	h := &handoutWriter{a: a, root: root, out: outAbs, realRoot: realRoot, realOut: realOut, force: force,
		files: map[string][]byte{}, from: map[string]string{}, lessonBase: map[string]string{},
		starters: map[string][]byte{}}
	for _, l := range lessons {
		h.lessonBase[filepath.Base(l.Plan.File)] = filepath.Base(l.Plan.File)
		if info, err := os.Stat(l.Plan.File); err == nil {
			h.lessonInfo = append(h.lessonInfo, info)
		}
		for _, p := range l.Plan.Programs {
			if ex := p.Exercise; ex != nil && ex.Teacher && !p.IsInline() {
				for name, starter := range ex.Files {
					if real, err := filepath.EvalSymlinks(name); err == nil {
						h.starters[real] = starter
					}
				}
			}
		}
	}
	return h, nil
}

// checkExercises reports, positioned, each exercise of the lessons that cannot be handed out: its recorded
// output is stale (the students' check would compare with the output of another program), or its starter,
// the program the students get, does not compile (engine.Engine.Starters builds each).
func (h *handoutWriter) checkExercises(ctx context.Context, e *engine.Engine, lessons []*engine.Lesson) error {
	var errs []error
	for _, l := range lessons {
		var exercises []*plan.Program
		for _, p := range l.Plan.Programs {
			if ex := p.Exercise; ex != nil && ex.Teacher {
				exercises = append(exercises, p)
			}
		}
		if len(exercises) == 0 {
			continue
		}
		for _, p := range exercises {
			if c := p.Cell; c.Out != nil && p.Stale() {
				errs = append(errs, &lesson.Error{File: l.Name, Pos: c.Pos, Msg: fmt.Sprintf(
					"In [%d]: the exercise's recorded output is stale (its program changed since it was recorded), and the students' check compares with it: run `%s render` first", c.Number, h.a.name())})
			}
		}
		checks, err := e.Starters(ctx, l)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", l.Name, err))
			continue
		}
		for _, p := range exercises {
			if st := checks[p.Cell.Number]; st != nil && st.Problem == engine.StarterDoesNotCompile {
				errs = append(errs, &lesson.Error{File: l.Name, Pos: p.Cell.Pos, Msg: fmt.Sprintf(
					"In [%d]: exercise: %s, and the students would get it:\n%s", p.Cell.Number, st.Problem, strings.TrimRight(st.Messages, "\n"))})
			}
		}
	}
	return lesson.SortErrors(errs...)
}

// resolved returns path with the symbolic links of its longest existing prefix resolved.
func resolved(p string) string {
	rest := ""
	for {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// inside reports whether p is dir or lies below it.
func inside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && filepath.IsLocal(rel) || rel == "."
}

// lesson adds the student's edition of lesson l: each exercise's code its starter, its output the expected one.
func (h *handoutWriter) lesson(l *engine.Lesson) error {
	src := l.Source()
	var edits []splice.Edit
	var errs []error
	n := &compare.Normalizer{Rules: src.Front.Normalize}
	for _, p := range l.Plan.Programs {
		ex := p.Exercise
		if ex == nil || !ex.Teacher {
			continue
		}
		c := p.Cell
		if c.Out == nil {
			errs = append(errs, &lesson.Error{File: l.Name, Pos: c.Pos, Msg: fmt.Sprintf(
				"In [%d]: an exercise needs its recorded output, which the students' check compares with: run `%s render` first", c.Number, h.a.name())})
			continue
		}
		starter := ex.Files["main.go"]
		if !p.IsInline() {
			starter = p.Src
			if b, ok := ex.Files[p.SrcFile]; ok {
				starter = b
			}
		}
		ed, changed, err := splice.Code(src, c, starter)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if changed {
			edits = append(edits, ed)
		}
		rec := c.Out.Recorded(src.Source)
		text := rec
		if c.Attrs.Hide {
			text = hiddenOutput
			h.hidden++
		}
		h.exercises++
		edits = append(edits, splice.Edit{Start: c.Out.Start, End: c.Out.End,
			Text: splice.ExpectedBlock(c.Number, text, n.Digest(rec, c.Attrs.Compare), src.EOL)})
	}
	if len(errs) > 0 {
		return lesson.SortErrors(errs...)
	}
	out, err := splice.Apply(src.Source, edits)
	if err != nil {
		return fmt.Errorf("%s: %w", l.Name, err)
	}
	return h.add(l.Plan.File, out)
}

// refingerprint gives the cells of hl, the handout of lesson l, the fp= words of the handout's own code: a cell
// that runs with an exercise (a client and its server) has a fingerprint that covers the exercise's program,
// and the teacher's would be a digest of the solution, which a student could test guesses against. A cell whose
// notes were stale in the teacher's copy stays stale.
func refingerprint(l, hl *engine.Lesson) error {
	src := hl.Source()
	var edits []splice.Edit
	for i, p := range hl.Plan.Programs {
		o := p.Cell.Out
		if o == nil || p.Expected() || i >= len(l.Plan.Programs) || l.Plan.Programs[i].Stale() {
			continue
		}
		if ed, changed := splice.Output(src, p.Cell, o.Recorded(src.Source), plan.Short(p.Fingerprint)); changed {
			edits = append(edits, ed)
		}
	}
	if len(edits) == 0 {
		return nil
	}
	out, err := splice.Apply(src.Source, edits)
	if err != nil {
		return err
	}
	_, err = files.Write(hl.Plan.File, out, files.Options{Perm: 0o644, Overwrite: true})
	return err
}
