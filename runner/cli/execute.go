package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/output"
	"classnotes/runner/plan"
	"classnotes/runner/run"
)

// cellResult is how one cell went.
type cellResult struct {
	prog  *plan.Program
	build *build.Result
	run   *run.Result // nil when the program did not compile
	text  string      // what is recorded under Out [N]:
}

// failed reports whether the cell did not compile or did not exit 0.
func (r *cellResult) failed() bool { return !r.build.OK() || !r.run.OK() }

// outcome says in a few words how the cell went.
func (r *cellResult) outcome() string {
	switch {
	case !r.build.OK():
		return "compile error"
	case !r.run.OK():
		return r.run.Status
	}
	return "ok"
}

// executor builds and runs the cells of one lesson.
type executor struct {
	app *App
	// live, when not nil, returns the writer that receives a cell's output as it is printed.
	live func(r *cellResult) io.Writer
	// before and after, when not nil, are called around each cell's run.
	before, after func(r *cellResult)
}

// execute builds progs in parallel, then runs them one after another in the order given.
func (e *executor) execute(ctx context.Context, progs []*plan.Program) ([]*cellResult, error) {
	work, err := os.MkdirTemp("", "classnotes-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	b := &build.Builder{Dir: work}
	builds, err := b.Build(ctx, progs)
	if err != nil {
		return nil, err
	}
	results := make([]*cellResult, len(progs))
	for i, p := range progs {
		r := &cellResult{prog: p, build: builds[i]}
		results[i] = r
		if e.before != nil {
			e.before(r)
		}
		if err := e.runCell(ctx, r); err != nil {
			return nil, err
		}
		if e.after != nil {
			e.after(r)
		}
	}
	return results, nil
}

// runCell runs one built cell and records its text.
func (e *executor) runCell(ctx context.Context, r *cellResult) error {
	var live io.Writer
	if e.live != nil {
		live = e.live(r)
	}
	if !r.build.OK() {
		r.text = output.Text([]byte(r.build.Messages), 0, "")
		if live != nil {
			io.WriteString(live, r.text)
		}
		return nil
	}
	dir := r.prog.Dir
	if r.prog.IsInline() {
		tmp, err := os.MkdirTemp("", "classnotes-cell-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	res, err := run.Run(ctx, r.build.Binary, nil, run.Options{Dir: dir, Timeout: r.prog.Timeout, Live: live})
	if err != nil {
		return fmt.Errorf("In [%d]: %w", r.prog.Cell.Number, err)
	}
	r.run = res
	r.text = output.Text(res.Output, res.Dropped, res.Status)
	return nil
}

// seconds formats d for progress lines.
func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
