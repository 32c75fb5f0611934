// Command runner builds and runs the Go cells of classnotes lessons and writes their outputs back into the
// lessons. Run "go run ./runner help" for its verbs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"classnotes/runner/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := &cli.App{Stdout: os.Stdout, Stderr: os.Stderr, Getwd: os.Getwd, Getenv: os.Getenv}
	code := app.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
