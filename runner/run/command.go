package run

import (
	"context"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// CommandGrace is how long a command has to end after the interrupt that the end of its context sends it,
// before it is killed, when CommandOptions.Grace is 0.
const CommandGrace = 2 * time.Second

// CommandOptions say how to run a command.
type CommandOptions struct {
	Dir    string        // working directory
	Env    []string      // nil: the runner's environment
	Stdout io.Writer     // nil: discarded
	Stderr io.Writer     // nil: discarded
	Grace  time.Duration // how long it has to end after the interrupt; 0 means CommandGrace
}

// Command runs name with args, a command the runner needs that is not a cell's program (the go command that
// builds one), under the supervision programs get: a process group of its own, killed when it ends with every
// process it left behind, and Pdeathsig. When ctx ends first, the group is interrupted, and killed if it has
// not ended after the grace period. Command returns when all of that is done, with what exec.Cmd.Run returns:
// nil, an *exec.ExitError for a command that failed, ctx's error when ctx ended it, or why it did not start.
func Command(ctx context.Context, name string, args []string, opt CommandOptions) error {
	grace := opt.Grace
	if grace <= 0 {
		grace = CommandGrace
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = opt.Dir, opt.Env
	cmd.Stdout, cmd.Stderr = opt.Stdout, opt.Stderr
	var s *supervised
	cmd.Cancel = func() error { return s.signal(syscall.SIGINT) }
	// After the grace, os/exec kills the command itself (and stops waiting for its output); wait kills its
	// group and ends what it left.
	cmd.WaitDelay = grace
	s = supervise(cmd)
	if err := s.start(); err != nil {
		return err
	}
	return s.wait(nil)
}
