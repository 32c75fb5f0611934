package cli

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
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
	data, err := os.ReadFile(path)
	if err != nil {
		a.errorf("import: %v", err)
		return exitBadInput
	}
	sk, err := jupyter.Import(args[0], data)
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
	if force, _ := fs.GetBool("force"); !force {
		if _, err := os.Stat(dest); err == nil || !errors.Is(err, iofs.ErrNotExist) {
			a.errorf("import: %s exists; --force overwrites it", out)
			return exitBadInput
		}
	}
	if err := files.WriteAtomic(dest, sk.Lesson, 0o644); err != nil {
		a.errorf("import: %v", err)
		return exitBadInput
	}
	for _, d := range sk.Dropped {
		fmt.Fprintf(a.Stderr, "%s: %s: not imported (not text)\n", args[0], d)
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
