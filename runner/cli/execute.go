package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/cache"
	"classnotes/runner/output"
	"classnotes/runner/plan"
	"classnotes/runner/ready"
	"classnotes/runner/run"
)

// stopGrace is how long a background cell has to end after the interrupt before it is killed.
const stopGrace = 2 * time.Second

// cellResult is how one cell went.
type cellResult struct {
	prog  *plan.Program
	build *build.Result
	run   *run.Result // nil when the program did not compile or did not run
	text  string      // what is recorded under Out [N]:
	// notReady says how a background cell failed to get ready: "not ready after 10s", "address ... in use".
	notReady string
	// notRun says why the cell was not run; its recorded output is then kept as it is.
	notRun string
	// skipped says why the cell was not run on purpose (a net cell with --offline); its recorded output stays.
	skipped string
	// support marks a background cell started only because a chosen cell comes after it (runner run).
	support bool
	// cached, when not nil, is the outcome of an earlier run of the same code: the cell is not run again and
	// its recorded output stays.
	cached *cache.Entry
}

// ran reports whether the cell was built and run in this invocation, so that its output is to be recorded.
func (r *cellResult) ran() bool {
	return r.cached == nil && r.notRun == "" && r.skipped == "" && !r.support && r.build != nil
}

// entry returns the cache entry for a cell that ran.
func (r *cellResult) entry() *cache.Entry {
	e := &cache.Entry{Text: r.text, Outcome: r.outcome(), Failed: r.failed(), NotReady: r.notReady}
	if r.run != nil {
		e.Raw, e.Dropped, e.Status, e.DurationMS = r.run.Output, r.run.Dropped, r.run.Status, r.run.Duration.Milliseconds()
		e.ExitCode, e.TimedOut, e.Stopped = r.run.ExitCode, r.run.TimedOut, r.run.Stopped && r.background()
	} else if !r.build.OK() {
		e.Raw, e.CompileError = []byte(r.build.Messages), true
	}
	return e
}

func (r *cellResult) expectsError() bool { return r.prog.Cell.Attrs.Expect == "error" }

// ended reports whether the cell compiled, ran and exited 0; a background cell stopped by the runner counts.
func (r *cellResult) ended() bool {
	if !r.build.OK() || r.run == nil {
		return false
	}
	return r.run.OK() || r.background() && r.run.Stopped
}

func (r *cellResult) background() bool { return r.prog.Cell.Attrs.Background }

// failed reports whether the cell did not go as the lesson says: it did not run or did not get ready, or it
// failed (did not compile, exited non-zero, timed out) unless it has expect=error, or it has expect=error and
// ended cleanly. A skipped cell has not failed.
func (r *cellResult) failed() bool {
	switch {
	case r.cached != nil:
		return r.cached.Failed
	case r.skipped != "":
		return false
	case r.notRun != "" || r.notReady != "":
		return true
	case r.expectsError():
		return r.ended()
	}
	return !r.ended()
}

// outcome says in a few words how the cell went.
func (r *cellResult) outcome() string {
	switch {
	case r.cached != nil:
		return "unchanged, not run (" + r.cached.Outcome + ")"
	case r.skipped != "":
		return "skipped: " + r.skipped
	case r.notRun != "":
		return "not run: " + r.notRun
	case r.expectsError() && r.ended():
		return "exited cleanly, but the cell has expect=error"
	case r.expectsError() && !r.build.OK():
		return "expected error (compile error)"
	case r.expectsError() && r.notReady == "":
		return "expected error (" + r.run.Status + ")"
	case !r.build.OK():
		return "compile error"
	case r.notReady != "":
		return r.notReady
	case r.background() && r.run.Stopped:
		return "stopped (" + r.run.Status + ")"
	case !r.run.OK():
		return r.run.Status
	}
	return "ok"
}

// executor builds and runs the cells of one lesson.
type executor struct {
	app     *App
	offline bool         // net cells are skipped
	cache   *cache.Cache // if not nil, binaries are taken from it and kept in it
	// live, when not nil, returns the writer that receives a cell's output as it is printed.
	live func(r *cellResult) io.Writer
	// before and after, when not nil, are called when a cell starts and when it is done.
	before, after func(r *cellResult)
}

// server is a background cell that is running.
type server struct {
	r    *cellResult
	proc *run.Process
}

// execute builds the programs in parallel, then runs them one after another in the order given: a background
// cell is started, waited for when it has a ready= probe, and left running until every other cell is done.
// When a background cell fails to get ready, the cells after it are not run.
func (e *executor) execute(ctx context.Context, results []*cellResult) (err error) {
	work, err := run.TempDir("build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	progs := make([]*plan.Program, len(results))
	for i, r := range results {
		progs[i] = r.prog
	}
	builds, err := (&build.Builder{Dir: work, Cache: e.cache}).Build(ctx, progs)
	if err != nil {
		return err
	}
	var servers []*server
	defer func() {
		if stopErr := e.stop(servers); err == nil {
			err = stopErr
		}
	}()
	blocked := ""
	for i, r := range results {
		r.build = builds[i]
		if blocked != "" {
			r.notRun = blocked
			e.done(r)
			continue
		}
		if e.offline && r.prog.Cell.Attrs.Net {
			r.skipped = "needs the internet (net), and --offline"
			e.done(r)
			continue
		}
		if e.before != nil {
			e.before(r)
		}
		if !r.background() {
			if err := e.runCell(ctx, r); err != nil {
				return err
			}
			e.done(r)
			continue
		}
		s, err := e.startServer(ctx, r)
		if err != nil {
			return err
		}
		if s != nil {
			servers = append(servers, s)
		}
		if r.notReady != "" {
			blocked = fmt.Sprintf("In [%d] did not get ready", r.prog.Cell.Number)
			e.done(r)
		}
	}
	return nil
}

func (e *executor) done(r *cellResult) {
	if e.after != nil {
		e.after(r)
	}
}

// runCell runs one built cell to its end and records its text.
func (e *executor) runCell(ctx context.Context, r *cellResult) error {
	if !r.build.OK() {
		e.compileError(r)
		return nil
	}
	dir, cleanup, err := workDir(r.prog)
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := run.Run(ctx, r.build.Binary, nil, run.Options{Dir: dir, Timeout: r.prog.Timeout, Live: e.liveFor(r)})
	if err != nil {
		return fmt.Errorf("In [%d]: %w", r.prog.Cell.Number, err)
	}
	r.run = res
	r.text = output.Text(res.Output, res.Dropped, res.Status)
	return nil
}

func (e *executor) compileError(r *cellResult) {
	r.text = output.Text([]byte(r.build.Messages), 0, "")
	if live := e.liveFor(r); live != nil {
		io.WriteString(live, r.text)
	}
}

func (e *executor) liveFor(r *cellResult) io.Writer {
	if e.live == nil || r.support {
		return nil
	}
	return e.live(r)
}

// startServer starts a background cell and waits until it is ready. It returns the running server, or nil when
// the cell did not start or has already ended; r then records why.
func (e *executor) startServer(ctx context.Context, r *cellResult) (*server, error) {
	if !r.build.OK() {
		e.compileError(r)
		r.notReady = "compile error"
		return nil, nil
	}
	probe := r.prog.Cell.Attrs.Ready
	if inUse, err := ready.InUse(probe); err != nil {
		return nil, err
	} else if inUse {
		r.notReady = fmt.Sprintf("address %s already in use", probe.Addr)
		r.text = output.Text(nil, 0, r.notReady)
		return nil, nil
	}
	dir, cleanup, err := workDir(r.prog)
	if err != nil {
		return nil, err
	}
	proc, err := run.Start(ctx, r.build.Binary, nil, run.Options{Dir: dir, Live: e.liveFor(r)})
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("In [%d]: %w", r.prog.Cell.Number, err)
	}
	s := &server{r: r, proc: proc}
	go func() { <-proc.Done(); cleanup() }()
	if probe == nil {
		return s, nil
	}
	switch err := ready.Wait(ctx, proc, probe, r.prog.Timeout); {
	case errors.Is(err, ready.ErrTimeout):
		r.notReady = fmt.Sprintf("not ready after %v", r.prog.Timeout)
		res, _ := proc.Stop(stopGrace)
		r.run = res
		r.text = output.Text(res.Output, res.Dropped, r.notReady)
		return nil, nil
	case errors.Is(err, ready.ErrExited):
		res, err := proc.Wait()
		if err != nil {
			return nil, err
		}
		r.run = res
		r.notReady = "exited before it was ready"
		r.text = output.Text(res.Output, res.Dropped, res.Status)
		return nil, nil
	case err != nil:
		proc.Stop(stopGrace)
		return nil, err
	}
	return s, nil
}

// stop stops the running servers, last started first, and records their outputs.
func (e *executor) stop(servers []*server) error {
	var errs []error
	for i := len(servers) - 1; i >= 0; i-- {
		s := servers[i]
		res, err := s.proc.Stop(stopGrace)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.r.run = res
		s.r.text = output.Text(res.Output, res.Dropped, res.Status)
		e.done(s.r)
	}
	return errors.Join(errs...)
}

// workDir returns the directory a cell runs in: its snippet's directory, or a fresh temporary one for an
// inline cell, and a function that removes the temporary one.
func workDir(p *plan.Program) (string, func(), error) {
	if !p.IsInline() {
		return p.Dir, func() {}, nil
	}
	tmp, err := run.TempDir("cell-")
	if err != nil {
		return "", nil, err
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// newResults returns a result for each program, ready for execute.
func newResults(progs []*plan.Program) []*cellResult {
	results := make([]*cellResult, len(progs))
	for i, p := range progs {
		results[i] = &cellResult{prog: p}
	}
	return results
}

// seconds formats d for progress lines.
func seconds(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }
