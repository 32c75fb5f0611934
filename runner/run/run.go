package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
)

// DefaultCap is how many bytes of output are kept by default.
const DefaultCap = 1 << 20

// Options say how to run a program.
type Options struct {
	Dir     string        // working directory
	Timeout time.Duration // 0: no limit
	Cap     int           // bytes of output kept; 0 means DefaultCap
	Live    io.Writer     // if not nil, receives the output as it arrives
	Env     []string      // nil: the runner's environment
}

// Result is how a program ran.
type Result struct {
	Printed  []byte // standard output and standard error, merged in arrival order, at most Cap bytes
	Dropped  int64  // bytes printed beyond Cap
	Status   string // how it ended when not a clean exit: "exit status 3", "signal: killed", "timed out after 1s"
	ExitCode int    // the exit code, -1 when killed by a signal or timed out
	TimedOut bool
	Stopped  bool // Stop ended the program; it had not ended by itself
	Duration time.Duration
}

// OK reports whether the program exited with status 0.
func (r *Result) OK() bool { return r.Status == "" }

// drainGrace bounds how long output is read after the program and what it left behind were ended, when a
// process that escaped them still holds the pipe.
const drainGrace = time.Second

// Run runs the program at path with args and waits for it. The error is for the runner's own failures (the
// binary cannot be started, ctx was cancelled); a program that fails is described by the Result.
func Run(ctx context.Context, path string, args []string, opt Options) (*Result, error) {
	p, err := Start(ctx, path, args, opt)
	if err != nil {
		return nil, err
	}
	return p.Wait()
}

// Process is a running program.
type Process struct {
	cmd    *exec.Cmd
	sup    *supervised
	ctx    context.Context    // the caller's
	cancel context.CancelFunc // cancels the program's context, a child of ctx: when the timeout fires, or it ended
	// timedOut is set when the timeout fired. The timeout counts from the moment the program started, so that
	// even the shortest one (timeout=1ns) is the program's timeout, never a failure to start it.
	timedOut atomic.Bool
	opt      Options
	start    time.Time
	capture  *capture
	done     chan struct{} // closed when the program has ended and its output is read
	res      *Result
	err      error
	stopping atomic.Bool // Stop was called before the program ended
	// reaped is set once the program has been waited for: its pid may then be another process's, which Stop
	// must not signal (its group was killed by the supervisor already).
	reaped atomic.Bool
}

// Start starts the program at path with args in a process group of its own, with standard input at end of
// file. When the program ends, so does every process it started that stayed in its group, kept its environment
// or came to the runner as an orphan (see endLeftovers); if the runner dies, the program is killed.
func Start(ctx context.Context, path string, args []string, opt Options) (*Process, error) {
	if opt.Cap <= 0 {
		opt.Cap = DefaultCap
	}
	runCtx, cancel := context.WithCancel(ctx)
	p := &Process{ctx: ctx, cancel: cancel, opt: opt, done: make(chan struct{})}
	pr, pw, err := os.Pipe()
	if err != nil {
		p.cancel()
		return nil, err
	}
	cmd := exec.CommandContext(runCtx, path, args...)
	cmd.Dir = opt.Dir
	cmd.Env = opt.Env
	cmd.Stdout, cmd.Stderr = pw, pw // one pipe: the order of arrival is kept; Stdin stays nil: /dev/null
	// A timeout or the caller's context kills the group at once; Stop interrupts it first.
	cmd.Cancel = func() error { return p.sup.signal(syscall.SIGKILL) }
	p.cmd, p.sup = cmd, supervise(cmd)
	p.capture = &capture{cap: opt.Cap, live: opt.Live}
	started := make(chan error, 1)
	go p.run(pr, pw, started)
	if err := <-started; err != nil {
		pr.Close()
		p.cancel()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	return p, nil
}

// withheld names the variables of the runner's environment that no program it starts sees (see Withhold).
var withheld sync.Map

// Withhold keeps the environment variable name from every program started from now on (cells, the go command,
// helpers), whatever environment the caller gives it: a secret the runner was given (the classroom's token) is
// the runner's alone.
func Withhold(name string) { withheld.Store(name, true) }

// withMarker returns env (the runner's environment when nil) with MarkerVar set to marker, and without the
// withheld variables.
func withMarker(env []string, marker string) []string {
	if env == nil {
		env = os.Environ()
	}
	return append(withoutWithheld(env), MarkerVar+"="+marker)
}

// withoutWithheld returns env without the withheld variables and without MarkerVar (one inherited from a
// runner that runs this one).
func withoutWithheld(env []string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if _, secret := withheld.Load(name); secret || name == MarkerVar {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// run starts the program, waits for it and settles the result, on a goroutine of its own, which the
// supervisor keeps on its OS thread while the program runs (see (*supervised).start).
func (p *Process) run(pr, pw *os.File, started chan<- error) {
	p.start = time.Now()
	err := p.sup.start()
	pw.Close()
	if err != nil {
		started <- err
		return
	}
	if p.opt.Timeout > 0 {
		timer := time.AfterFunc(p.opt.Timeout, func() {
			p.timedOut.Store(true)
			p.cancel()
		})
		defer timer.Stop()
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		p.capture.readFrom(pr)
	}()
	started <- nil
	var stopped bool
	waitErr := p.sup.wait(func() { // it has ended, and so has what it left
		p.reaped.Store(true)
		stopped = p.stopping.Load()
	})
	p.settle(waitErr, stopped, pr, read)
}

// settle finishes reading the output of the ended program and settles the result; stopped says that Stop was
// called before it ended.
func (p *Process) settle(waitErr error, stopped bool, pr *os.File, read <-chan struct{}) {
	defer close(p.done)
	defer p.cancel()
	defer pr.Close()
	res := &Result{Duration: time.Since(p.start), Stopped: stopped}
	// The output is read until every writer has closed the pipe. A process that escaped the supervisor, or that
	// another program still running may have left (see reap_linux.go), may hold it open for ever: give up on it
	// after drainGrace.
	select {
	case <-read:
	case <-time.After(drainGrace):
		pr.SetReadDeadline(time.Now())
		<-read
	}
	res.Printed, res.Dropped = p.capture.result()
	p.res = res
	switch {
	case p.ctx.Err() != nil:
		p.err = p.ctx.Err()
	case p.timedOut.Load():
		res.TimedOut, res.ExitCode = true, -1
		res.Status = fmt.Sprintf("timed out after %v", p.opt.Timeout)
	case waitErr != nil:
		var exit *exec.ExitError
		if !errors.As(waitErr, &exit) {
			p.err = fmt.Errorf("run %s: %w", p.cmd.Path, waitErr)
			return
		}
		res.ExitCode = exit.ExitCode()
		res.Status = exit.Error()
	}
}

// Pid returns the process id of the program, which is also the id of its process group.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done returns a channel closed when the program has ended and all its output has been read.
func (p *Process) Done() <-chan struct{} { return p.done }

// Printed returns what the program has printed so far, up to the cap.
func (p *Process) Printed() []byte {
	out, _ := p.capture.result()
	return out
}

// Wait waits for the program to end and returns how it ended.
func (p *Process) Wait() (*Result, error) {
	<-p.done
	return p.res, p.err
}

// Stop interrupts the program's process group, kills it when it has not ended after grace, and returns how it
// ended: "signal: interrupt", "signal: killed" or, when it ended by itself, its exit status.
func (p *Process) Stop(grace time.Duration) (*Result, error) {
	select {
	case <-p.done:
		return p.res, p.err
	default:
	}
	p.stopping.Store(true) // before the signal: the result settled after it says Stopped
	p.signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.signal(syscall.SIGKILL)
	}
	return p.Wait()
}

// signal sends sig to the program's process group, unless the program has been reaped: its end, which
// settles the result, may take a few seconds more (what it left is ended, its output drained).
func (p *Process) signal(sig syscall.Signal) {
	if !p.reaped.Load() {
		p.sup.signal(sig)
	}
}

// capture keeps the first cap bytes read and counts the rest.
type capture struct {
	mu      sync.Mutex
	cap     int
	buf     []byte
	dropped int64
	live    io.Writer
}

func (c *capture) readFrom(r io.Reader) {
	p := make([]byte, 32<<10)
	for {
		n, err := r.Read(p)
		if n > 0 {
			c.mu.Lock()
			keep := min(n, c.cap-len(c.buf))
			c.buf = append(c.buf, p[:keep]...)
			c.dropped += int64(n - keep)
			c.mu.Unlock()
			if c.live != nil {
				c.live.Write(p[:n])
			}
		}
		if err != nil {
			return
		}
	}
}

func (c *capture) result() ([]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	buf, dropped := c.buf, c.dropped
	if dropped > 0 {
		// Cut at the start of a character, so the cap does not turn a character into U+FFFD.
		for cut := len(buf); cut > 0 && len(buf)-cut < utf8.UTFMax; cut-- {
			if utf8.RuneStart(buf[cut-1]) {
				if r, size := utf8.DecodeRune(buf[cut-1:]); r == utf8.RuneError && size <= 1 && len(buf)-(cut-1) < utf8.UTFMax {
					dropped += int64(len(buf) - (cut - 1))
					buf = buf[:cut-1]
				}
				break
			}
		}
	}
	return buf, dropped
}
