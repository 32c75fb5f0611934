// Command runner builds and runs the Go cells of classnotes lessons and writes their outputs back into the
// lessons. Run "go run ./runner help" for its verbs; "make install" installs it as classnotes.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"classnotes/runner/cli"
	"classnotes/runner/run"
)

// commit is the commit the runner is built from, set by the Makefile (-ldflags -X main.commit=...).
var commit string

func main() {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") // classnotes when installed, runner under go run
	// A runner killed by SIGKILL could not clean up after itself: its temporary directories, and what its
	// cells started that still runs, go now.
	if err := run.RemoveStale(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	}
	// A closed terminal (SIGHUP) and Ctrl-\ (SIGQUIT, which no longer dumps the goroutines) interrupt like Ctrl-C
	// and SIGTERM: the cells are stopped, nothing more is written, and the exit code is 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	app := &cli.App{Stdout: os.Stdout, Stderr: os.Stderr, Getwd: os.Getwd, Getenv: os.Getenv, Name: name, Commit: commit}
	code := app.Run(ctx, os.Args[1:])
	stop()
	if err := run.Cleanup(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	}
	os.Exit(code)
}
