package build

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"classnotes/runner/plan"
)

// batch is programs of one module built by one go command: one start of the go command and one module load
// instead of one per cell, and the compiler and linker of every package scheduled together. Its src= packages
// have distinct directory names, since go build -o DIR/ names each executable after its directory.
type batch struct {
	module string          // "" for inline cells of lessons in no module, built in a temporary module
	progs  []*plan.Program // src= packages
	inline []*plan.Program // inline cells, one per build key
}

// virtualDir is where, in a module, the inline cells of a batch appear to the go command, through an overlay:
// nothing is written into the module. It starts with a dot, so no pattern of the module's own matches it.
const virtualDir = ".classnotes-cells"

// batches groups the programs that can be built together: src= packages of a module, one per package
// directory, and the inline cells of each module, or of no module, that can be built in a batch exactly as
// alone (see alone). Inline cells are batched only when goVersion names a release, whose language version the
// cells then get as when built alone, and when goFlags, the go command's GOFLAGS, sets no -gcflags or
// -overlay, which the batch's own would replace. A group of one is left to be built alone.
func batches(progs []*plan.Program, goVersion, goFlags string) []*batch {
	inlineOK := plan.Release(goVersion) != "" && !strings.Contains(goFlags, "-gcflags") && !strings.Contains(goFlags, "-overlay")
	var out []*batch
	open := map[string][]*batch{} // by module
	seen := map[string]bool{}     // package directories and inline build keys already placed
	taken := map[string]bool{}    // modules that hold a real virtualDir, whose inline cells are built alone
	first := func(module string) *batch {
		if len(open[module]) == 0 {
			open[module] = []*batch{{module: module}}
			out = append(out, open[module][0])
		}
		return open[module][0]
	}
	for _, p := range progs {
		switch {
		case p.Overlay != nil:
			continue // an exercise's starter: its overlay is its own, built alone
		case p.IsInline():
			if _, checked := taken[p.Module]; !checked && p.Module != "" {
				taken[p.Module] = exists(filepath.Join(p.Module, virtualDir))
			}
			if !inlineOK || seen[p.BuildKey] || taken[p.Module] || alone(p) {
				continue
			}
			seen[p.BuildKey] = true
			b := first(p.Module)
			b.inline = append(b.inline, p)
		case p.Module != "" && !seen[p.Dir]:
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
	}
	kept := out[:0]
	for _, b := range out {
		if b.size() > 1 {
			kept = append(kept, b)
		}
	}
	return kept
}

func (b *batch) size() int { return len(b.progs) + len(b.inline) }

func (b *batch) has(name string) bool {
	for _, p := range b.progs {
		if filepath.Base(p.Dir) == name {
			return true
		}
	}
	return false
}

// without returns the batch less the programs whose build keys are in keys.
func (b *batch) without(keys map[string]bool) *batch {
	rest := &batch{module: b.module}
	for _, p := range b.progs {
		if !keys[p.BuildKey] {
			rest.progs = append(rest.progs, p)
		}
	}
	for _, p := range b.inline {
		if !keys[p.BuildKey] {
			rest.inline = append(rest.inline, p)
		}
	}
	return rest
}

// inlineNames names the inline cells' packages, and so their executables: names no src= package of the batch
// has.
func (b *batch) inlineNames() []string {
	names := make([]string, len(b.inline))
	k := 0
	for i := range b.inline {
		for names[i] == "" || b.has(names[i]) {
			k++
			names[i] = fmt.Sprintf("cell-%d", k)
		}
	}
	return names
}

// batchResult is how one go command for a batch went: the executables by build key when it built, or the
// build keys of the programs its messages name when it did not.
type batchResult struct {
	bins   map[string]string
	blamed map[string]bool
	took   time.Duration
}

// buildBatch builds the programs of bt with one go command, the executables into out, the inline cells'
// sources under work. When the command fails, the caller builds each program alone, to get its own messages.
func (b *Builder) buildBatch(ctx context.Context, bt *batch, out, work string) (*batchResult, error) {
	args := append(append([]string{"build"}, Flags...), "-o", out+string(filepath.Separator))
	dir := bt.module
	pkgs := map[string]*plan.Program{} // by the package's directory, relative to dir
	for _, p := range bt.progs {
		rel, err := filepath.Rel(bt.module, p.Dir)
		if err != nil {
			return nil, err
		}
		pkgs[filepath.ToSlash(rel)] = p
	}
	if len(bt.inline) > 0 {
		if !flagSafe(work) {
			return &batchResult{}, nil // each program is built alone
		}
		inlineDir, flags, err := b.writeInline(bt, work, pkgs)
		if err != nil {
			return nil, err
		}
		if bt.module == "" {
			dir = inlineDir
		}
		args = append(args, flags...)
	}
	for _, rel := range slices.Sorted(maps.Keys(pkgs)) {
		args = append(args, "./"+rel)
	}
	var msgs bytes.Buffer
	start := time.Now()
	err := b.goCmd(ctx, dir, args, &msgs, &msgs)
	r := &batchResult{took: time.Since(start)}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		r.blamed = blamed(msgs.String(), pkgs)
		return r, nil
	}
	r.bins = map[string]string{}
	for rel, p := range pkgs {
		bin := filepath.Join(out, filepath.Base(rel)+exeSuffix) // go build -o DIR/ adds .exe on Windows
		if _, err := os.Stat(bin); err != nil {
			return &batchResult{took: r.took}, nil
		}
		r.bins[p.BuildKey] = bin
	}
	return r, nil
}

// writeInline writes the inline cells of bt as packages under work, adds them to pkgs, and returns the
// directory to run the go command in when bt has no module, and the go build flags that place them.
//
// In a module, an overlay makes each cell appear as a package in virtualDir of the module, so it imports what
// a cell built alone there may import. In no module, they are packages of a temporary module. Either way the
// compiler is told to name a cell's file ./main.go, as when the cell is built alone, so that panics print the
// same paths whichever way a cell was built.
func (b *Builder) writeInline(bt *batch, work string, pkgs map[string]*plan.Program) (string, []string, error) {
	src := filepath.Join(work, "cells")
	overlay := map[string]string{}
	var trims []string
	for i, name := range bt.inlineNames() {
		file := filepath.Join(src, name, "main.go")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.WriteFile(file, bt.inline[i].Inline, 0o644); err != nil {
			return "", nil, err
		}
		trims = append(trims, filepath.Dir(file)+"=>.")
		rel := name
		if bt.module != "" {
			rel = virtualDir + "/" + name
			overlay[filepath.Join(bt.module, virtualDir, name, "main.go")] = file
		}
		pkgs[rel] = bt.inline[i]
	}
	pattern := "./..."
	flags := []string{}
	if bt.module == "" {
		mod := "module classnotes.cells\n\ngo " + moduleVersion(b.GoVersion) + "\n"
		if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(mod), 0o644); err != nil {
			return "", nil, err
		}
	} else {
		pattern = "./" + virtualDir + "/..."
		file, err := overlayFile(overlay, work)
		if err != nil {
			return "", nil, err
		}
		flags = append(flags, "-overlay", file)
	}
	flags = append(flags, "-gcflags="+pattern+"=-lang="+plan.Release(b.GoVersion)+" -trimpath="+strings.Join(trims, ";"))
	return src, flags, nil
}

// flagSafe reports whether path can be named in a -gcflags=-trimpath value, which the go command splits at
// spaces and quotes and the compiler at semicolons and "=>". A temporary directory under a TMPDIR with such
// characters makes each inline cell be built alone.
func flagSafe(path string) bool { return !strings.ContainsAny(path, " \t\n'\";=>") }

// blamed returns the build keys of the packages that the go command's messages name.
func blamed(msgs string, pkgs map[string]*plan.Program) map[string]bool {
	keys := map[string]bool{}
	for rel, p := range pkgs {
		for _, mark := range []string{rel + "/", "/" + rel + "\n"} {
			if strings.Contains(msgs, mark) {
				keys[p.BuildKey] = true
			}
		}
	}
	return keys
}

// alone reports whether an inline cell must be built alone, because as a package of its module in a batch it
// could print something else or compile where it does not alone: it imports "C" (the files cgo generates would
// keep temporary paths), runtime/debug (ReadBuildInfo names the main package's path and module, and the batch's
// -gcflags), or a package with an internal element (allowed from inside the module, not from a cell alone).
func alone(p *plan.Program) bool {
	for _, path := range imports(p) {
		if path == "C" || path == "runtime/debug" || slices.Contains(strings.Split(path, "/"), "internal") {
			return true
		}
	}
	return false
}

var goVersionRE = regexp.MustCompile(`^go((1\.[0-9]+)(\.[0-9]+|rc[0-9]+)?)$`)

// moduleVersion returns the go line's version for a toolchain version ("go1.26.8" → "1.26.8"), or "" when it
// is not a release's.
func moduleVersion(goVersion string) string {
	if m := goVersionRE.FindStringSubmatch(goVersion); m != nil {
		return m[1]
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
