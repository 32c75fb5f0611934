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
	filesDir := strings.TrimSuffix(filepath.Base(dest), filepath.Ext(dest)) + ".files"
	sk, err := jupyter.ImportFiles(args[0], nb.Bytes, filesDir)
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitBadInput
	}
	force, _ := fs.GetBool("force")
	if err := writeSkeleton(dest, sk, force); err != nil {
		var pe *os.PathError
		if errors.Is(err, files.ErrExists) && errors.As(err, &pe) {
			shown := out
			if rel, rerr := filepath.Rel(filepath.Dir(dest), pe.Path); rerr == nil && pe.Path != dest {
				shown = filepath.Join(filepath.Dir(out), rel)
			}
			a.errorf("import: %s exists; --force overwrites it", shown)
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
	if len(sk.Files) > 0 {
		fmt.Fprintf(a.Stderr, "%s: %d images saved in %s\n", args[0], len(sk.Files), filepath.Join(filepath.Dir(out), filesDir))
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

// writeSkeleton writes the lesson and its images (in a directory beside it) through the guarded writer, all or
// nothing: every name is checked before the first file is written, and what was made is removed when a write
// fails. Without force, nothing that exists is overwritten.
func writeSkeleton(dest string, sk *jupyter.Skeleton, force bool) error {
	dir := filepath.Dir(dest)
	if _, err := os.Lstat(dest); err == nil && !force {
		return &os.PathError{Op: "write", Path: dest, Err: files.ErrExists}
	}
	seen := map[string]bool{}
	paths := make([]string, len(sk.Files))
	for i, f := range sk.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if rel, err := filepath.Rel(dir, p); err != nil || !filepath.IsLocal(rel) || seen[p] {
			return fmt.Errorf("image %s: a name import cannot use (outside the lesson's directory, or twice)", f.Name)
		}
		seen[p] = true
		paths[i] = p
		if _, err := os.Lstat(p); err == nil && !force {
			return &os.PathError{Op: "write", Path: p, Err: files.ErrExists}
		}
	}
	var made []string // files and directories made, removed again when a write fails
	undo := func() {
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i])
		}
	}
	for i, f := range sk.Files {
		if err := mkdirs(filepath.Dir(paths[i]), dir, &made); err != nil {
			undo()
			return err
		}
		_, statErr := os.Lstat(paths[i])
		if _, err := files.Write(paths[i], f.Data, files.Options{Perm: 0o644, Overwrite: force}); err != nil {
			undo()
			return err
		}
		if statErr != nil {
			made = append(made, paths[i])
		}
	}
	if _, err := files.Write(dest, sk.Lesson, files.Options{Perm: 0o644, Overwrite: force}); err != nil {
		undo()
		return err
	}
	return nil
}

// mkdirs makes the directory d and those between it and root, recording each it made.
func mkdirs(d, root string, made *[]string) error {
	if d == root {
		return nil
	}
	if _, err := os.Lstat(d); err == nil {
		return nil
	}
	if err := mkdirs(filepath.Dir(d), root, made); err != nil {
		return err
	}
	if err := os.Mkdir(d, 0o755); err != nil {
		return err
	}
	*made = append(*made, d)
	return nil
}
