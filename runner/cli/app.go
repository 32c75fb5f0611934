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

	"classnotes/runner/lesson"
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
	// Name is the name the runner was invoked by, which its help and messages use: "classnotes" when
	// installed, "runner" under go run ./runner. "" is "runner".
	Name string
	// Commit is the commit the runner was built from, when the build said it (make install, make run); ""
	// leaves version to the build's VCS information.
	Commit string
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
		{"render", "[--offline] [--force] [--quiet] [--html DIR | --no-html] [--timeout D] [--cache DIR] [PATH...]", "run the cells whose code changed, whose output is missing or whose run is not in the cache (every cell with --force), write their outputs into the lessons and draw the HTML site (default PATH: the course's lessons/)", (*App).render, renderFlags, false},
		{"run", "[--write] [--keep] [--timeout D] [--cache DIR] FILE CELL...", "run cells of a lesson, streaming their output; write nothing unless --write", (*App).runCells, runFlags, false},
		{"check", "[--offline] [--json FILE] [--stale] [--timeout D] [--cache DIR] [--report URL --code CODE --name NAME [--share-diff]] [PATH...]", "run every cell fresh and compare with the notes (with --stale, run nothing: list the outputs older than their code); write nothing but the --json report; in a handout, --report sends the state of each exercise to the teacher's serve (default PATH: the course's lessons/)", (*App).check, checkFlags, false},
		{"serve", "[--addr HOST:PORT] [--lan [--class-log FILE]] [--open] [--timeout D] [--offline] [--cache DIR] [PATH...]", "serve the lessons as live pages: run cells from the page, stream their output, compare with the notes, accept (default PATH: the course's lessons/)", (*App).serveLessons, serveFlags, false},
		{"export", "[--out DIR] [--cache DIR] [PATH...]", "write each lesson as a Jupyter notebook for the GoNB kernel (default PATH: the course's lessons/)", (*App).export, exportFlags, false},
		{"import", "[--out FILE] [--force] NOTEBOOK.ipynb", "turn a Jupyter notebook into a lesson skeleton to port", (*App).importNotebook, importFlags, false},
		{"handout", "--out DIR [--force] [PATH...]", "write the students' edition of the lessons into DIR, outside the course: every exercise's solution replaced by its starter, its recorded output kept as the expected one (only its digest with hide); in it, check says which exercises are solved (default PATH: lessons/)", (*App).handout, handoutFlags, false},
		{"list", "[PATH...]", "list lessons and their cells (default PATH: the course's lessons/)", (*App).list, nil, false},
		{"clean", "[--cache DIR]", "empty the cache of built cells and their outputs", (*App).clean, cacheFlag, true},
		{"doctor", "[--offline] [--cache DIR] [PATH...]", "before class, on one screen: Go, the cache, the lessons and the ports their servers bind, the network their net cells need, the browser serve --open starts, and what this platform guarantees; exit 1 when something would fail in class (default PATH: the course's lessons/)", (*App).doctor, doctorFlags, false},
		{"version", "", "print the runner's version", (*App).version, nil, true},
		{"help", "[VERB | format]", "show this help, a verb's, or (format) the documentation of the lesson format", (*App).help, nil, false},
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
		a.errorf("unknown verb %q\n", args[0])
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
		fmt.Fprintf(a.Stderr, "%s %s: %v\n\n", a.name(), v.name, err)
		a.verbUsage(a.Stderr, v, fs)
		return exitBadInput
	}
	if v.noArgs && fs.NArg() > 0 {
		fmt.Fprintf(a.Stderr, "%s %s: takes no arguments, got %q\n\n", a.name(), v.name, fs.Args())
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
	name := a.name()
	fmt.Fprintf(w, "%s builds and runs the Go cells of classnotes lessons.\n\nUsage:\n  %s VERB [FLAGS] [ARGS]\n\nVerbs:\n", name, name)
	for _, v := range verbs {
		fmt.Fprintf(w, "  %-8s %s\n", v.name, v.summary)
	}
	fmt.Fprintf(w, "\nRun \"%s VERB --help\" for a verb's flags, and \"%s help format\" for the lesson format.\n", name, name)
	fmt.Fprintf(w, "Without PATH, the lessons are those of the course: the lessons/ directory of the nearest directory at or\nabove this one that has one.\n")
}

// name returns the name the runner was invoked by.
func (a *App) name() string {
	if a.Name == "" {
		return "runner"
	}
	return a.Name
}

// named returns a sentence of the engine's with the command it names ("run `runner render`") named as the
// runner was invoked.
func (a *App) named(s string) string {
	return strings.ReplaceAll(s, "`runner ", "`"+a.name()+" ")
}

// formatTopic is the help topic that prints the documentation of the lesson format.
const formatTopic = "format"

func (a *App) verbUsage(w io.Writer, v *verb, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s %s %s\n\n%s.\n", a.name(), v.name, v.args, strings.ToUpper(v.summary[:1])+v.summary[1:])
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}

func (a *App) help(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	if len(args) == 1 && args[0] == formatTopic {
		fmt.Fprint(a.Stdout, lesson.Format())
		return exitOK
	}
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
		a.errorf("unknown verb or topic %q (topics: %s)", args[0], formatTopic)
		return exitBadInput
	}
	a.usage(a.Stdout)
	return exitOK
}

// version prints the runner's version: its module's, and the commit it was built from, which the build stamps
// either way (make passes it to the linker; go build and go install in a checkout record it themselves).
func (a *App) version(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	v, commit := "(devel)", a.Commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		if commit == "" {
			commit = vcsCommit(info)
		}
	}
	if commit == "" {
		commit = "unknown (built without version control information; make install records it)"
	}
	fmt.Fprintf(a.Stdout, "classnotes %s, commit %s, %s %s/%s\n", v, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// vcsCommit returns the commit a build's version control information names, marked "+modified" when the tree
// had changes that were not committed, or "".
func vcsCommit(info *debug.BuildInfo) string {
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && modified == "true" {
		rev += "+modified"
	}
	return rev
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
	fmt.Fprintf(a.Stderr, a.name()+": "+format+"\n", args...)
}
