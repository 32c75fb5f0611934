package files

import (
	"io/fs"
	"os"
	"path/filepath"
)

// WriteAtomic writes data to path: into a temporary file beside it, then renamed over it, with mode perm. When
// anything fails, path is left as it was and the temporary file is removed. It does not wait for the disk
// (no fsync): after a power cut the file may be empty, which the cache survives (it checks its entries). It
// is only for files in the runner's private directories, which no user edits: every other file is written by
// Write or Original.Replace.
func WriteAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return renameOver(f.Name(), path)
}
