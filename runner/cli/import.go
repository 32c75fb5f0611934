package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"classnotes/runner/files"
	"classnotes/runner/jupyter"
)

func importFlags(fs *pflag.FlagSet) {
	fs.String("out", "", "the lesson file to write (default: the notebook's name with .md)")
	fs.Bool("force", false, "overwrite the lesson file if it exists, and the images an earlier import saved beside it")
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

// imageName is the name import gives an image it saves (jupyter's saveImage): nothing else in the images'
// directory is import's, and --force removes only such files that this import does not write again.
var imageName = regexp.MustCompile(`^cell-[0-9]+-(output|attachment)-[0-9]+\.(png|jpg|svg)$`)

// writeSkeleton writes the lesson and its images, all or nothing: the images go into a directory of their own
// beside the lesson (never through a symbolic link: through os.Root, into a directory that is not one), first
// under temporary names; then the lesson is written through the guarded writer; only then are the images given
// their names. When a step fails, what was made is removed and what was there is as it was. Without force,
// nothing that exists is overwritten; with it, images an earlier import saved and this one does not are removed.
func writeSkeleton(dest string, sk *jupyter.Skeleton, force bool) error {
	if _, err := os.Lstat(dest); err == nil && !force {
		return &os.PathError{Op: "write", Path: dest, Err: files.ErrExists}
	}
	if len(sk.Files) == 0 {
		_, err := files.Write(dest, sk.Lesson, files.Options{Perm: 0o644, Overwrite: force})
		return err
	}
	dir := filepath.Dir(dest)
	if real, err := filepath.EvalSymlinks(dest); err == nil { // the lesson is a link: its images go beside the file
		dir = filepath.Dir(real)
	}
	sub, names, err := imageDir(sk.Files)
	if err != nil {
		return err
	}
	imagesDir := filepath.Join(dir, sub)
	made := false
	if info, err := os.Lstat(imagesDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(imagesDir, 0o755); err != nil {
			return err
		}
		made = true
	} else if err != nil {
		return err
	} else if !info.IsDir() {
		return fmt.Errorf("%s: not a directory of its own (a symbolic link or a file); import writes images only into a directory it can own", imagesDir)
	}
	root, err := os.OpenRoot(imagesDir)
	if err != nil {
		return err
	}
	defer root.Close()
	var temps []string
	undo := func() {
		for _, t := range temps {
			root.Remove(t)
		}
		if made {
			os.Remove(imagesDir)
		}
	}
	for i, f := range sk.Files {
		if info, err := root.Lstat(names[i]); err == nil && (!force || !info.Mode().IsRegular()) {
			undo()
			if !force {
				return &os.PathError{Op: "write", Path: filepath.Join(imagesDir, names[i]), Err: files.ErrExists}
			}
			return fmt.Errorf("%s: not a regular file (a symbolic link?); not replaced", filepath.Join(imagesDir, names[i]))
		}
		temp := fmt.Sprintf(".import-%d-%s", os.Getpid(), names[i])
		temps = append(temps, temp)
		if err := writeNew(root, temp, f.Data); err != nil {
			undo()
			return err
		}
	}
	if _, err := files.Write(dest, sk.Lesson, files.Options{Perm: 0o644, Overwrite: force}); err != nil {
		undo()
		return err
	}
	for i, t := range temps {
		if err := root.Rename(t, names[i]); err != nil {
			return fmt.Errorf("the lesson is written, but an image is not: %w", err)
		}
	}
	if force {
		return removeStale(root, names)
	}
	return nil
}

// imageDir returns the one directory the images go in, relative to the lesson, and their names in it.
func imageDir(images []jupyter.File) (dir string, names []string, err error) {
	for _, f := range images {
		d, name := path.Split(f.Name)
		d = strings.TrimSuffix(d, "/")
		if dir == "" {
			dir = d
		}
		if d != dir || !filepath.IsLocal(d) || strings.Contains(d, "/") || !imageName.MatchString(name) || slices.Contains(names, name) {
			return "", nil, fmt.Errorf("image %s: a name import cannot use (a bug of import)", f.Name)
		}
		names = append(names, name)
	}
	return dir, names, nil
}

// writeNew writes data to a new file name in root.
func writeNew(root *os.Root, name string, data []byte) error {
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// removeStale removes the images an earlier import saved in root that are not among names.
func removeStale(root *os.Root, names []string) error {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if e.Type().IsRegular() && imageName.MatchString(e.Name()) && !slices.Contains(names, e.Name()) {
			errs = append(errs, root.Remove(e.Name()))
		}
	}
	return errors.Join(errs...)
}
