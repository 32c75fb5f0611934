package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/pflag"

	"classnotes/runner/engine"
	"classnotes/runner/files"
	"classnotes/runner/jupyter"
	"classnotes/runner/site"
)

func exportFlags(fs *pflag.FlagSet) {
	fs.String("out", "", "the directory to write the notebooks in (default: notebooks/ in the root of the lessons' course)")
	cacheFlag(fs)
}

// export writes a Jupyter notebook for each lesson.
func (a *App) export(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	e, closeEngine, err := a.engine("export", fs)
	if err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	lessons, ok := a.loadAll(e, args)
	out, _ := fs.GetString("out")
	if !fs.Changed("out") {
		if out, err = a.defaultOut(lessonNames(lessons), "notebooks"); err == nil {
			out = a.shown(out)
		}
	}
	dir, err := a.abs(out)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		a.errorf("export: %v", err)
		return exitBadInput
	}
	links, err := site.PageNames(a.withSiblings(lessonNames(lessons)), ".ipynb")
	if err != nil {
		a.errorf("export: %v", err) // before any notebook is written
		return exitBadInput
	}
	for _, l := range lessons {
		b, err := jupyter.Export(exportLesson(l, links))
		var lossy *jupyter.LossyError
		if errors.As(err, &lossy) { // written all the same: the notebook is right, import would not give the lesson back
			fmt.Fprintf(a.Stderr, "%s export: warning: %v\n", a.name(), err)
			err = nil
		}
		if err == nil {
			name := filepath.Join(dir, links[filepath.Base(l.Name)])
			if _, err = files.Write(name, b, files.Options{Perm: 0o644, Overwrite: true}); err == nil {
				fmt.Fprintf(a.Stdout, "%s → %s\n", l.Name, filepath.Join(out, filepath.Base(name)))
			}
		}
		if err != nil {
			a.errorf("export %s: %v", l.Name, err)
			ok = false
		}
	}
	if !ok {
		return exitBadInput
	}
	return exitOK
}

// exportLesson gathers what the notebook of l shows: each cell's program (for a src= cell, its file's). The
// outputs are the lesson's recorded text, never the cache's: a notebook is made of the lesson and its programs
// alone, the same bytes on every machine.
func exportLesson(l *engine.Lesson, links map[string]string) *jupyter.Lesson {
	src := l.Source()
	jl := &jupyter.Lesson{Lesson: src, Title: site.Title(src), Code: map[int][]byte{}, Links: links}
	for _, p := range l.Plan.Programs {
		if p.IsInline() {
			jl.Code[p.Cell.Number] = p.Inline
		} else {
			jl.Code[p.Cell.Number] = p.Src
		}
	}
	return jl
}

// withSiblings returns the lessons named and the other lessons in their directories (as findLessons finds a
// directory's lessons): a notebook's links to the lessons beside it point at their notebooks whether those are
// exported in the same run or not, so that exporting one lesson gives the same notebook as exporting them all.
func (a *App) withSiblings(names []string) []string {
	var dirs []string
	for _, n := range names {
		if d := filepath.Dir(n); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	siblings, _ := a.findLessons(dirs) // what cannot be read there is no lesson to link to
	return a.dedupe(append(slices.Clone(names), siblings...))
}
