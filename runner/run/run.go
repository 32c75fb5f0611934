package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
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
	Output   []byte // standard output and standard error, merged in arrival order, at most Cap bytes
	Dropped  int64  // bytes printed beyond Cap
	Status   string // how it ended when not a clean exit: "exit status 3", "signal: killed", "timed out after 1s"
	ExitCode int    // the exit code, -1 when killed by a signal or timed out
	TimedOut bool
	Duration time.Duration
}

// OK reports whether the program exited with status 0.
func (r *Result) OK() bool { return r.Status == "" }

// drainGrace bounds how long output is read after the program ended, when a process outside its group still
// holds the pipe.
const drainGrace = time.Second

// Run runs the program at path with args. The error is for the runner's own failures (the binary cannot be
// started, ctx was cancelled); a program that fails is described by the Result.
func Run(ctx context.Context, path string, args []string, opt Options) (*Result, error) {
	if opt.Cap <= 0 {
		opt.Cap = DefaultCap
	}
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if opt.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, opt.Timeout)
	}
	defer cancel()

	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	cmd := exec.CommandContext(runCtx, path, args...)
	cmd.Dir = opt.Dir
	cmd.Env = opt.Env
	cmd.Stdout, cmd.Stderr = pw, pw // one pipe: the order of arrival is kept
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }

	start := time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	pw.Close()
	capture := &capture{cap: opt.Cap, live: opt.Live}
	done := make(chan struct{})
	go func() {
		defer close(done)
		capture.readFrom(pr)
	}()

	waitErr := cmd.Wait()
	res := &Result{Duration: time.Since(start)}
	killGroup(cmd.Process.Pid) // children left behind by the program go with it
	select {
	case <-done:
	case <-time.After(drainGrace):
		pr.SetReadDeadline(time.Now())
		<-done
	}
	res.Output, res.Dropped = capture.result()

	switch {
	case ctx.Err() != nil:
		return res, ctx.Err()
	case runCtx.Err() == context.DeadlineExceeded:
		res.TimedOut, res.ExitCode = true, -1
		res.Status = fmt.Sprintf("timed out after %v", opt.Timeout)
	case waitErr != nil:
		var exit *exec.ExitError
		if !errors.As(waitErr, &exit) {
			return res, fmt.Errorf("run %s: %w", path, waitErr)
		}
		res.ExitCode = exit.ExitCode()
		res.Status = exit.Error()
	}
	return res, nil
}

// killGroup kills the process group led by pid.
func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
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
