package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/files"
	"classnotes/runner/jupyter"
)

func importFlags(fs *pflag.FlagSet) {
	fs.String("out", "", "the lesson file to write (default: the notebook's name with .md)")
	fs.Bool("force", false, "overwrite the lesson file if it exists")
}

// importNotebook writes a lesson skeleton made from a Jupyter notebook.
func (a *App) importNotebook(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	if len(args) != 1 {
		a.errorf("import: expected one NOTEBOOK.ipynb, got %d arguments", len(args))
		return exitBadInput
	}
	path, err := a.abs(args[0])
	if err != nil {
		a.errorf("import: %v", err)
		return exitBadInput
	}
	nb, err := files.ReadFile(path) // a regular file only, never a pipe that blocks or a device without end
	if err != nil {
		a.errorf("import: %v", err)
		return exitBadInput
	}
	sk, err := jupyter.Import(args[0], nb.Bytes)
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	out, _ := fs.GetString("out")
	if out == "" {
		out = strings.TrimSuffix(args[0], filepath.Ext(args[0])) + ".md"
	}
	dest, err := a.abs(out)
	if err != nil {
		a.errorf("import: %v", err)
		return exitBadInput
	}
	if info, err := os.Stat(dest); err == nil && os.SameFile(info, nb.Info) {
		a.errorf("import: %s is the notebook itself; not overwritten", out)
		return exitBadInput
	}
	force, _ := fs.GetBool("force")
	if _, err := files.Write(dest, sk.Lesson, files.Options{Perm: 0o644, Overwrite: force}); err != nil {
		if errors.Is(err, files.ErrExists) {
			a.errorf("import: %s exists; --force overwrites it", out)
		} else {
			a.errorf("import: %v", err)
		}
		return exitBadInput
	}
	for _, d := range sk.Dropped {
		fmt.Fprintf(a.Stderr, "%s: %s: not imported (not text)\n", args[0], d)
	}
	for _, w := range sk.Warnings {
		fmt.Fprintf(a.Stderr, "%s: %s\n", args[0], w)
	}
	kind := "In [N] cells"
	if !sk.Go {
		kind = fmt.Sprintf("%s cells to be ported", langOr(sk.Language))
	}
	fmt.Fprintf(a.Stdout, "%s → %s (%s)\n", args[0], out, kind)
	return exitOK
}

func langOr(l string) string {
	if l == "" {
		return "code"
	}
	return l
}
