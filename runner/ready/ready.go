package ready

import (
	"context"
	"errors"
	"fmt"
	"time"

	"classnotes/runner/lesson"
	"classnotes/runner/output"
	"classnotes/runner/run"
)

// ErrExited is returned by Wait when the program ended before it was ready.
var ErrExited = errors.New("exited before it was ready")

// ErrTimeout is returned by Wait when the program was not ready in time.
var ErrTimeout = errors.New("not ready in time")

// interval is how often a probe looks.
const interval = 10 * time.Millisecond

// InUse reports whether the address of a tcp or udp probe is already bound, before the server is started: a
// probe would then mistake that socket for the server's.
func InUse(p *lesson.Probe) (bool, error) {
	if p == nil || p.Kind == "out" {
		return false, nil
	}
	return Bound(p.Kind, p.Addr)
}

// Wait waits until probe p says that proc is ready, proc ends, timeout passes or ctx is done.
func Wait(ctx context.Context, proc *run.Process, p *lesson.Probe, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		ok, err := check(proc, p)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-proc.Done():
			// Look once more: it may have got ready just before it ended.
			if ok, _ := check(proc, p); ok && p.Kind == "out" {
				return nil
			}
			return ErrExited
		case <-deadline.C:
			return ErrTimeout
		case <-tick.C:
		}
	}
}

func check(proc *run.Process, p *lesson.Probe) (bool, error) {
	switch p.Kind {
	case "out":
		return p.Pattern.Match(output.StripANSI(proc.Printed())), nil
	case "tcp", "udp":
		return Bound(p.Kind, p.Addr)
	}
	return false, fmt.Errorf("unknown probe %q", p.Kind)
}
