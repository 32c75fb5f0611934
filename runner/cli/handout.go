package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/compare"
	"classnotes/runner/engine"
	"classnotes/runner/exercise"
	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/site"
	"classnotes/runner/splice"
)

func handoutFlags(fs *pflag.FlagSet) {
	fs.String("out", "", "the directory the student edition is written into, outside the course (required)")
	fs.Bool("force", false, "write into DIR when it is not empty, replacing files of the same names (through the same guard as every write)")
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
	if err := h.collect(lessons); err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	written, err := h.write()
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
	fmt.Fprintf(a.Stderr, "handout: %s, %s (%d hidden); %s written to %s\n", plural(len(lessons), "lesson"),
		plural(h.exercises, "exercise"), h.hidden, plural(written, "file"), a.shown(h.out))
	return exitOK
}

// handoutWriter is a handout being made: the files of the student edition by their path relative to the
// course's root, and where they go.
type handoutWriter struct {
	a          *App
	root, out  string // the course's root; the handout's directory, both absolute
	force      bool
	files      map[string][]byte
	exercises  int
	hidden     int
	lessonSet  map[string]bool // the lessons handed out, absolute
	lessonBase map[string]string
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
	if inside(resolved(outAbs), realRoot) {
		return nil, fmt.Errorf("--out %s: inside the course (%s), where the solutions are: write the handout outside it", out, a.shown(root))
	}
	if entries, err := os.ReadDir(outAbs); err == nil && len(entries) > 0 && !force {
		return nil, fmt.Errorf("--out %s: not empty; --force writes the handout into it", out)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--out %s: %v", out, err)
	}
	h := &handoutWriter{a: a, root: root, out: outAbs, force: force, files: map[string][]byte{},
		lessonSet: map[string]bool{}, lessonBase: map[string]string{}}
	for _, l := range lessons {
		h.lessonSet[l.Plan.File] = true
		h.lessonBase[filepath.Base(l.Plan.File)] = filepath.Base(l.Plan.File)
	}
	return h, nil
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

// collect gathers the files of the handout. Every problem is reported, positioned, before anything is written.
func (h *handoutWriter) collect(lessons []*engine.Lesson) error {
	var errs []error
	for _, l := range lessons {
		if err := h.lesson(l); err != nil {
			errs = append(errs, err)
		}
		for _, p := range l.Plan.Programs {
			if !p.IsInline() {
				errs = append(errs, h.dir(p.Dir, p.Exercise)...)
			}
			for _, dir := range p.Packages {
				errs = append(errs, h.dir(dir, nil)...)
			}
			if p.Module != "" {
				for _, name := range []string{"go.mod", "go.sum"} {
					if err := h.add(filepath.Join(p.Module, name), nil, true); err != nil {
						errs = append(errs, err)
					}
				}
			}
		}
		for _, link := range site.FileLinks(l.Source(), h.lessonBase) {
			file := filepath.Join(filepath.Dir(l.Plan.File), filepath.FromSlash(link))
			if strings.HasSuffix(file, ".md") && !h.lessonSet[file] {
				continue // another lesson, not handed out: it may hold solutions
			}
			if info, err := os.Stat(file); err == nil && info.Mode().IsRegular() && !strings.HasPrefix(path.Base(link), ".") {
				errs = append(errs, h.add(file, nil, true))
			}
		}
	}
	return lesson.SortErrors(errs...)
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
	return h.add(l.Plan.File, out, false)
}

// dir adds the files of a package directory: its regular files, not hidden, and for an exercise's package its
// files' starters. A Go file that is not an exercise's may hold no solution marker: it would ship its solution.
func (h *handoutWriter) dir(dir string, ex *plan.Exercise) []error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
			continue
		}
		file := filepath.Join(dir, name)
		var data []byte
		if ex != nil {
			data = ex.Files[file]
		}
		if data == nil && strings.HasSuffix(name, ".go") {
			b, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, m := range exercise.Markers(b) {
				errs = append(errs, &lesson.Error{File: h.a.shown(file), Pos: lesson.Pos{Line: m.Line, Col: m.Col},
					Msg: "a solution marker outside an exercise's program: the handout would ship its solution"})
			}
			data = b
		}
		if err := h.add(file, data, true); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// add puts the file at abs, with data (nil: its contents), into the handout, at its place relative to the
// course's root. A file outside the root has no place there: unless optional, it is an error.
func (h *handoutWriter) add(abs string, data []byte, optional bool) error {
	rel, err := filepath.Rel(h.root, abs)
	if err != nil || !filepath.IsLocal(rel) {
		if optional {
			return nil
		}
		return fmt.Errorf("%s: outside the course's root %s; a handout holds the course's files only", h.a.shown(abs), h.a.shown(h.root))
	}
	if _, done := h.files[rel]; done {
		return nil
	}
	if data == nil {
		if data, err = os.ReadFile(abs); err != nil {
			if optional && errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
	}
	h.files[rel] = data
	return nil
}

// write writes the handout's files, in name order, through the guarded writer, and returns how many it wrote.
func (h *handoutWriter) write() (int, error) {
	names := make([]string, 0, len(h.files))
	for rel := range h.files {
		names = append(names, rel)
	}
	slices.Sort(names)
	written := 0
	for _, rel := range names {
		dest := filepath.Join(h.out, rel)
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return written, err
		}
		w, err := files.Write(dest, h.files[rel], files.Options{Perm: 0o644, Overwrite: h.force})
		if err != nil {
			return written, fmt.Errorf("%s: %w", h.a.shown(dest), err)
		}
		if w {
			written++
		}
	}
	return written, nil
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
