package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/lesson"
	"classnotes/runner/output"
	"classnotes/runner/plan"
	"classnotes/runner/ready"
	"classnotes/runner/run"
)

// StopGrace is how long a background cell has to end after the interrupt before it is killed.
const StopGrace = 2 * time.Second

// execution builds and runs cells of one lesson.
type execution struct {
	e   *Engine
	l   *Lesson
	obs Observer
	// hold, when not nil, keeps the servers running after the last cell until it is closed or every server
	// that is not Support has ended.
	hold <-chan struct{}
}

// server is a background cell that is running.
type server struct {
	r      *Result
	proc   *run.Process
	stream *stream
}

func (x *execution) emit(kind EventKind, r *Result) {
	if x.obs != nil {
		x.obs(Event{Kind: kind, Lesson: x.l, Result: r})
	}
}

// run builds the programs of results in parallel, then runs them one after another in the order given: a
// background cell is started, waited for when it has a ready= probe, and left running until every other cell
// is done. When a background cell fails to get ready, the cells after it are not run. The error is for the
// runner's own failures and for ctx being done; how each cell went is in its result.
func (x *execution) run(ctx context.Context, results []*Result) (err error) {
	builds, work, err := x.build(ctx, results)
	if work != "" {
		defer os.RemoveAll(work)
	}
	if err != nil {
		return err
	}
	var servers []*server
	defer func() {
		if stopErr := x.stop(servers); err == nil {
			err = stopErr
		}
		if err == nil {
			err = ctx.Err()
		}
	}()
	blocked := ""
	for _, r := range results {
		r.Build = builds[r]
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case blocked != "":
			r.NotRun = blocked
			x.emit(CellDone, r)
			continue
		case x.e.Skips(r.Cell()) != "":
			r.Skipped = x.e.Skips(r.Cell())
			x.emit(CellDone, r)
			continue
		}
		x.emit(CellStarted, r)
		if !r.Background() {
			if err := x.runCell(ctx, r); err != nil {
				return err
			}
			x.emit(CellDone, r)
			continue
		}
		s, err := x.startServer(ctx, r)
		if err != nil {
			return err
		}
		if s != nil {
			servers = append(servers, s)
			x.emit(ServerReady, r)
		}
		if r.NotReady != "" {
			blocked = fmt.Sprintf("In [%d] did not get ready", r.Cell().Number)
			x.emit(CellDone, r)
		}
	}
	x.wait(ctx, servers)
	return nil
}

// Skips returns why the engine does not run cell c at all, "" when it runs it: a net cell, offline. A front
// end that runs a lesson's cells elsewhere (a notebook's kernel) skips the same cells for the same reason.
func (e *Engine) Skips(c *lesson.Cell) string {
	if e.cfg.Offline && c.Attrs.Net {
		return "needs the internet (net), and --offline"
	}
	return ""
}

// build builds the programs of the results that are to run, in a temporary directory made only when one is
// (and returned, for the caller to remove once the programs, which may be in it, are done).
func (x *execution) build(ctx context.Context, results []*Result) (builds map[*Result]*build.Result, work string, err error) {
	var toBuild []*Result
	var progs []*plan.Program
	for _, r := range results {
		if x.e.Skips(r.Cell()) == "" {
			toBuild = append(toBuild, r)
			progs = append(progs, r.Program)
		}
	}
	builds = map[*Result]*build.Result{}
	if len(progs) == 0 {
		return builds, "", nil
	}
	if work, err = run.TempDir("build-"); err != nil {
		return nil, "", err
	}
	b := &build.Builder{Dir: work, Cache: x.e.cfg.Cache, GoVersion: x.e.tc.GoVersion}
	if x.obs != nil {
		b.Notice = func(text string) { x.obs(Event{Kind: Notice, Lesson: x.l, Text: text}) }
	}
	built, err := b.Build(ctx, progs)
	if err != nil {
		return nil, work, err
	}
	if err := x.builtFromPlan(progs, built); err != nil {
		return nil, work, err
	}
	for i, r := range toBuild {
		builds[r] = built[i]
	}
	return builds, work, nil
}

// builtFromPlan checks that the programs just built were built from the sources they were planned from: a
// file edited during the build (a teacher saving a snippet while a cell builds) would otherwise leave in the
// cache, under the build key of the old sources, an executable of the new ones, which a later run of the old
// sources (the edit undone) would take. The lesson is planned again after the build; a program whose build
// key changed has its executable removed from the cache, and the run is refused.
func (x *execution) builtFromPlan(progs []*plan.Program, built []*build.Result) error {
	fresh := false
	for _, r := range built {
		fresh = fresh || (r.OK() && !r.Cached)
	}
	if !fresh {
		return nil
	}
	again, err := x.e.makePlan(x.l.Source(), x.l.Plan.File, x.e.tc)
	if err != nil {
		return fmt.Errorf("%s: after building: %w", x.l.Name, err)
	}
	var changed []string
	for i, p := range progs {
		if r := built[i]; !r.OK() || r.Cached {
			continue
		}
		now := again.Cell(p.Cell.Number)
		if now != nil && p.IsStarter && now.Exercise != nil {
			now = now.Exercise.Starter
		}
		if now == nil || now.BuildKey != p.BuildKey {
			changed = append(changed, fmt.Sprintf("In [%d]", p.Cell.Number))
			if c := x.e.cfg.Cache; c != nil {
				if err := c.RemoveBinary(p.BuildKey); err != nil {
					return err
				}
			}
		}
	}
	if len(changed) > 0 {
		return fmt.Errorf("%s: %s: the program's files changed while it was built; nothing was run or kept: run again", x.l.Name, strings.Join(changed, ", "))
	}
	return nil
}

// wait keeps the servers running while x holds them: until the hold is released, ctx is done, or every server
// that was chosen (or, when none was, every server started for the chosen cells) has ended by itself.
func (x *execution) wait(ctx context.Context, servers []*server) {
	if x.hold == nil {
		return
	}
	// The servers that were chosen; when none was, those started for the chosen cells.
	var waitFor []*server
	for _, s := range servers {
		if !s.r.Support {
			waitFor = append(waitFor, s)
		}
	}
	if len(waitFor) == 0 {
		waitFor = servers
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for _, s := range waitFor {
			<-s.proc.Done()
		}
	}()
	select {
	case <-x.hold:
	case <-ctx.Done():
	case <-ended:
	}
}

// runCell runs one built cell to its end and records its text.
func (x *execution) runCell(ctx context.Context, r *Result) error {
	live := x.stream(r)
	defer live.close()
	if !r.Build.OK() {
		x.compileError(r, live)
		return nil
	}
	dir, cleanup, err := workDir(r.Program)
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := run.Run(ctx, r.Build.Binary, nil, run.Options{Dir: dir, Timeout: r.Program.Timeout, Live: writer(live)})
	if err != nil {
		return fmt.Errorf("In [%d]: %w", r.Cell().Number, err)
	}
	r.Run = res
	r.Text = output.Text(res.Printed, res.Dropped, res.Status)
	return nil
}

// stream returns the stream of r's output to the observer, nil when there is none to send it to.
func (x *execution) stream(r *Result) *stream {
	if r.Support {
		return nil
	}
	return newStream(x.obs, x.l, r)
}

// writer returns s as a writer for run.Options.Live: nil when there is no stream.
func writer(s *stream) io.Writer {
	if s == nil {
		return nil
	}
	return s
}

func (x *execution) compileError(r *Result, live *stream) {
	r.Text = output.Text([]byte(r.Build.Messages), 0, "")
	if live != nil {
		io.WriteString(live, r.Text)
	}
}

// startServer starts a background cell and waits until it is ready. It returns the running server, or nil when
// the cell did not start or has already ended; r then records why. The server runs until stop ends it, even
// when ctx is done first: then stop interrupts it as it does at the end of a lesson.
func (x *execution) startServer(ctx context.Context, r *Result) (*server, error) {
	live := x.stream(r)
	if !r.Build.OK() {
		x.compileError(r, live)
		live.close()
		r.NotReady = "compile error"
		return nil, nil
	}
	probe := r.Cell().Attrs.Ready
	if inUse, err := ready.InUse(probe); err != nil {
		live.close()
		return nil, err
	} else if inUse {
		live.close()
		r.NotReady = fmt.Sprintf("address %s already in use", probe.Addr)
		r.Text = output.Text(nil, 0, r.NotReady)
		return nil, nil
	}
	dir, cleanup, err := workDir(r.Program)
	if err != nil {
		live.close()
		return nil, err
	}
	proc, err := run.Start(context.WithoutCancel(ctx), r.Build.Binary, nil, run.Options{Dir: dir, Live: writer(live)})
	if err != nil {
		cleanup()
		live.close()
		return nil, fmt.Errorf("In [%d]: %w", r.Cell().Number, err)
	}
	s := &server{r: r, proc: proc, stream: live}
	go func() { <-proc.Done(); cleanup() }()
	if probe == nil {
		return s, nil
	}
	return x.awaitReady(ctx, s, probe)
}

// awaitReady waits until the started server s is ready by its probe, and returns it; or, when it is not (it timed
// out, exited, or was stopped first), records why in its result and returns nil.
func (x *execution) awaitReady(ctx context.Context, s *server, probe *lesson.Probe) (*server, error) {
	r, proc, live := s.r, s.proc, s.stream
	switch err := ready.Wait(ctx, proc, probe, r.Program.Timeout); {
	case errors.Is(err, ready.ErrTimeout):
		r.NotReady = fmt.Sprintf("not ready after %v", r.Program.Timeout)
		res, _ := proc.Stop(StopGrace)
		live.close()
		r.Run = res
		r.Text = output.Text(res.Printed, res.Dropped, r.NotReady)
		return nil, nil
	case errors.Is(err, ready.ErrExited):
		res, err := proc.Wait()
		live.close()
		if err != nil {
			return nil, err
		}
		r.Run = res
		r.NotReady = "exited before it was ready"
		r.Text = output.Text(res.Printed, res.Dropped, res.Status)
		return nil, nil
	case err != nil && ctx.Err() != nil:
		// Stopped before it was seen ready (Stop in class, or Ctrl-C): it ran, and what it printed is its result,
		// as for a server stopped once ready.
		res, _ := proc.Stop(StopGrace)
		live.close()
		r.Run = res
		r.NotReady = "stopped before it was ready"
		r.Text = output.Text(res.Printed, res.Dropped, res.Status)
		x.emit(CellDone, r)
		return nil, err
	case err != nil:
		proc.Stop(StopGrace)
		live.close()
		return nil, err
	}
	return s, nil
}

// stop stops the running servers, last started first, and records their outputs.
func (x *execution) stop(servers []*server) error {
	var errs []error
	for i := len(servers) - 1; i >= 0; i-- {
		s := servers[i]
		res, err := s.proc.Stop(StopGrace)
		s.stream.close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.r.Run = res
		s.r.Text = output.Text(res.Printed, res.Dropped, res.Status)
		x.emit(CellDone, s.r)
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
