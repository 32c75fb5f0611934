package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"classnotes/runner/run"
)

// Exit codes.
const (
	exitOK       = 0 // every cell exited 0
	exitFailed   = 1 // a cell failed; its output is recorded
	exitBadInput = 2 // bad input or a failure of the runner itself
	exitSignal   = 130
)

// App is the runner with its surroundings, so that every verb runs in-process in tests.
type App struct {
	Stdout, Stderr io.Writer
	Getwd          func() (string, error)
	Getenv         func(string) string
	// IsTerminal reports whether w is a terminal; nil means checking for an *os.File on a terminal.
	IsTerminal func(w io.Writer) bool
}

// verb is one subcommand.
type verb struct {
	name, args, summary string
	run                 func(a *App, ctx context.Context, fs *pflag.FlagSet, args []string) int
	flags               func(fs *pflag.FlagSet)
	noArgs              bool // the verb takes flags only
}

var verbs []verb

func init() {
	verbs = []verb{
		{"render", "[--offline] [--force] [--quiet] [--html DIR | --no-html] [--timeout D] [--cache DIR] [PATH...]", "run the cells whose code changed, whose output is missing or whose run is not in the cache (every cell with --force), write their outputs into the lessons and draw the HTML site (default PATH: lessons/)", (*App).render, renderFlags, false},
		{"run", "[--write] [--keep] [--timeout D] [--cache DIR] FILE CELL...", "run cells of a lesson, streaming their output; write nothing unless --write", (*App).runCells, runFlags, false},
		{"check", "[--offline] [--json FILE] [--stale] [--timeout D] [--cache DIR] [PATH...]", "run every cell fresh and compare with the notes (with --stale, run nothing: list the outputs older than their code); write nothing but the --json report (default PATH: lessons/)", (*App).check, checkFlags, false},
		{"serve", "[--addr HOST:PORT] [--lan] [--open] [--timeout D] [--offline] [--cache DIR] [PATH...]", "serve the lessons as live pages: run cells from the page, stream their output, compare with the notes, accept (default PATH: lessons/)", (*App).serveLessons, serveFlags, false},
		{"export", "[--out DIR] [--cache DIR] [PATH...]", "write each lesson as a Jupyter notebook for the GoNB kernel (default PATH: lessons/)", (*App).export, exportFlags, false},
		{"import", "[--out FILE] [--force] NOTEBOOK.ipynb", "turn a Jupyter notebook into a lesson skeleton to port", (*App).importNotebook, importFlags, false},
		{"list", "[PATH...]", "list lessons and their cells (default PATH: lessons/)", (*App).list, nil, false},
		{"clean", "[--cache DIR]", "empty the cache of built cells and their outputs", (*App).clean, cacheFlag, true},
		{"version", "", "print the runner's version", (*App).version, nil, true},
		{"help", "[VERB]", "show this help, or a verb's", (*App).help, nil, false},
	}
}

// Run runs the verb named by args[0] and returns the exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	run.Withhold("CLASSNOTES_TOKEN") // the classroom's secret: no cell, and no notes, may ever hold it
	if len(args) == 0 {
		a.usage(a.Stderr)
		return exitBadInput
	}
	v := findVerb(args[0])
	if v == nil {
		if args[0] == "-h" || args[0] == "--help" {
			a.usage(a.Stdout)
			return exitOK
		}
		fmt.Fprintf(a.Stderr, "runner: unknown verb %q\n\n", args[0])
		a.usage(a.Stderr)
		return exitBadInput
	}
	fs := pflag.NewFlagSet(v.name, pflag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	fs.Usage = func() { a.verbUsage(a.Stderr, v, fs) }
	fs.SortFlags = false
	if v.flags != nil {
		v.flags(fs)
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(a.Stderr, "runner %s: %v\n\n", v.name, err)
		a.verbUsage(a.Stderr, v, fs)
		return exitBadInput
	}
	if v.noArgs && fs.NArg() > 0 {
		fmt.Fprintf(a.Stderr, "runner %s: takes no arguments, got %q\n\n", v.name, fs.Args())
		a.verbUsage(a.Stderr, v, fs)
		return exitBadInput
	}
	return v.run(a, ctx, fs, fs.Args())
}

func findVerb(name string) *verb {
	for i := range verbs {
		if verbs[i].name == name {
			return &verbs[i]
		}
	}
	return nil
}

func (a *App) usage(w io.Writer) {
	fmt.Fprintf(w, "runner builds and runs the Go cells of classnotes lessons.\n\nUsage:\n  runner VERB [FLAGS] [ARGS]\n\nVerbs:\n")
	for _, v := range verbs {
		fmt.Fprintf(w, "  %-8s %s\n", v.name, v.summary)
	}
	fmt.Fprintf(w, "\nRun \"runner VERB --help\" for a verb's flags. The lesson format is described in the\ndocumentation of package classnotes/runner/lesson (runner/lesson/doc.go).\n")
}

func (a *App) verbUsage(w io.Writer, v *verb, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: runner %s %s\n\n%s.\n", v.name, v.args, strings.ToUpper(v.summary[:1])+v.summary[1:])
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}

func (a *App) help(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	if len(args) == 1 {
		if v := findVerb(args[0]); v != nil {
			vfs := pflag.NewFlagSet(v.name, pflag.ContinueOnError)
			vfs.SortFlags = false // as runner VERB --help lists them
			if v.flags != nil {
				v.flags(vfs)
			}
			a.verbUsage(a.Stdout, v, vfs)
			return exitOK
		}
		fmt.Fprintf(a.Stderr, "runner: unknown verb %q\n", args[0])
		return exitBadInput
	}
	a.usage(a.Stdout)
	return exitOK
}

func (a *App) version(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		v = info.Main.Version
	}
	fmt.Fprintf(a.Stdout, "classnotes runner %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// isTerminal reports whether w is a terminal.
func (a *App) isTerminal(w io.Writer) bool {
	if a.IsTerminal != nil {
		return a.IsTerminal(w)
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// abs returns path made absolute against the app's working directory.
func (a *App) abs(path string) (string, error) {
	if filepath.IsAbs(path) {
		return filepath.Clean(path), nil
	}
	wd, err := a.Getwd()
	if err != nil {
		return "", err
	}
	return filepath.Join(wd, path), nil
}

// errorf prints a runner error.
func (a *App) errorf(format string, args ...any) {
	fmt.Fprintf(a.Stderr, "runner: "+format+"\n", args...)
}
