package build

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"classnotes/runner/plan"
)

// batch is src= packages of one module, with distinct directory names, built by one go command: one start of
// the go command and one module load instead of one per cell, and the compiler and linker of every package
// scheduled together.
type batch struct {
	module string
	progs  []*plan.Program
}

// batches groups the programs that can be built together: src= cells in a module, one per package.
func batches(progs []*plan.Program) []*batch {
	var out []*batch
	open := map[string][]*batch{} // by module
	seen := map[string]bool{}     // package directories already placed
	for _, p := range progs {
		if p.IsInline() || p.Module == "" || seen[p.Dir] {
			continue
		}
		seen[p.Dir] = true
		var into *batch
		for _, b := range open[p.Module] {
			if !b.has(filepath.Base(p.Dir)) {
				into = b
				break
			}
		}
		if into == nil {
			into = &batch{module: p.Module}
			open[p.Module] = append(open[p.Module], into)
			out = append(out, into)
		}
		into.progs = append(into.progs, p)
	}
	return out
}

func (b *batch) has(name string) bool {
	for _, p := range b.progs {
		if filepath.Base(p.Dir) == name {
			return true
		}
	}
	return false
}

// buildBatch builds the packages of bt with one go command, into dir. It returns the executables by build key,
// or nil when the command failed: the caller then builds each package alone, to get each one's messages.
func (b *Builder) buildBatch(ctx context.Context, bt *batch, dir string) (map[string]string, time.Duration) {
	args := append(append([]string{"build"}, Flags...), "-o", dir+string(filepath.Separator))
	for _, p := range bt.progs {
		rel, err := filepath.Rel(bt.module, p.Dir)
		if err != nil {
			return nil, 0
		}
		args = append(args, "./"+filepath.ToSlash(rel))
	}
	cmd := exec.CommandContext(ctx, b.goCommand(), args...)
	cmd.Dir = bt.module
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, time.Since(start)
	}
	bins := map[string]string{}
	for _, p := range bt.progs {
		bin := filepath.Join(dir, filepath.Base(p.Dir))
		if _, err := os.Stat(bin); err != nil {
			return nil, time.Since(start)
		}
		bins[p.BuildKey] = bin
	}
	return bins, time.Since(start)
}
