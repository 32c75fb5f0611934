package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// ErrExists is returned by Write when something is at the path already (a file, a directory, a device, a
// symbolic link, even one to nowhere) and Overwrite was not asked for.
var ErrExists = errors.New("exists; not overwritten")

// Options say how Write may write a file.
type Options struct {
	// Perm is the mode of a new file. A file that is replaced keeps its own.
	Perm fs.FileMode
	// Overwrite lets Write replace an existing file, through Original.Replace's guard: only a regular file (a
	// symbolic link is followed, as for a lesson), not read-only, not hard-linked, and not changed while it
	// was replaced. Without it, anything at the path is left alone and ErrExists returned.
	Overwrite bool
}

// Write writes data to the file at path, a file the runner makes (an imported lesson, an exported notebook, a
// site page, a report), and reports whether it wrote: an existing file that holds data already is left as it
// is.
//
// When nothing is at path, the file is made with all of data or not at all: data goes into a temporary file
// beside it, which is then linked to path, an operation that fails rather than replace a file that appeared
// meanwhile. When something is at path, Write returns ErrExists unless opt.Overwrite is set, and then it
// reads the file with ReadFile and replaces it with Replace, which refuse everything a lesson's write-back
// refuses: a device, a named pipe, a directory, a symbolic link to nowhere, a read-only or hard-linked file,
// and a file changed since it was read.
func Write(path string, data []byte, opt Options) (written bool, err error) {
	if _, err := os.Lstat(path); err == nil {
		if !opt.Overwrite {
			return false, &fs.PathError{Op: "write", Path: path, Err: ErrExists}
		}
		return replace(path, data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if err := create(path, data, opt.Perm); err != nil {
		if errors.Is(err, ErrExists) && opt.Overwrite { // made meanwhile: replace it as any existing file
			return replace(path, data)
		}
		return false, err
	}
	return true, nil
}

// replace replaces the existing file at path with data, through the guard.
func replace(path string, data []byte) (bool, error) {
	orig, err := ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if target, lerr := os.Readlink(path); lerr == nil {
			return false, &fs.PathError{Op: "write", Path: path, Err: fmt.Errorf("a symbolic link to %s, which does not exist (%w); not followed", target, fs.ErrNotExist)}
		}
	}
	if err != nil {
		return false, err
	}
	written, err := orig.Replace(data)
	if err != nil && !isPathError(err) {
		err = &fs.PathError{Op: "write", Path: path, Err: err}
	}
	return written, err
}

func isPathError(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe)
}

// create makes the file at path, which does not exist, holding data, with mode perm. It fails with an error
// matching ErrExists when something appeared at path meanwhile, and leaves nothing behind when it fails.
func create(path string, data []byte, perm fs.FileMode) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(path, time.Now()) // those of a runner killed while it made this file before
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+".*"+tempSuffix)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // once linked, the file keeps its name at path
	err = write(tmp, data, perm)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := linkTemp(tmp.Name(), path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) && errors.Is(le.Err, fs.ErrExist) {
			return &fs.PathError{Op: "write", Path: path, Err: ErrExists}
		}
		if errors.As(err, &le) {
			return exclusive(path, data, perm, le)
		}
		return err
	}
	syncDir(dir)
	return nil
}

// linkTemp gives the temporary file its name; tests replace it to make a file appear at path first.
var linkTemp = os.Link

// exclusive is create's way on a file system without hard links (FAT, some network and FUSE file systems):
// the file is made with O_EXCL, so nothing is ever replaced, and removed again if writing it fails, so that
// no part of it stays.
func exclusive(path string, data []byte, perm fs.FileMode, linkErr *os.LinkError) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "write", Path: path, Err: ErrExists}
		}
		return fmt.Errorf("%w (and link: %v)", err, linkErr.Err)
	}
	err = write(f, data, perm)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// write writes data into the new file f, gives it mode perm (past the umask) and waits for the disk.
func write(f *os.File, data []byte, perm fs.FileMode) error {
	if _, err := writeTemp(f, data); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	return syncTemp(f)
}
