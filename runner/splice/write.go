package splice

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrChanged is returned by WriteFile when the file on disk is no longer what was read.
var ErrChanged = errors.New("the file changed on disk while its cells ran; not overwritten, the edit on disk is kept")

// WriteFile replaces the file at path, whose contents were old when read, with new. It does nothing when new
// equals old. It refuses with ErrChanged when the file no longer holds old. It writes a temporary file in the
// same directory with the same mode and renames it over the original, so readers see the old or the new file,
// never a mix. A symbolic link is followed, and the file it points to is replaced.
func WriteFile(path string, old, new []byte) (written bool, err error) {
	if bytes.Equal(old, new) {
		return false, nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false, err
	}
	info, err := os.Stat(real)
	if err != nil {
		return false, err
	}
	current, err := os.ReadFile(real)
	if err != nil {
		return false, err
	}
	if !bytes.Equal(current, old) {
		return false, ErrChanged
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".*.tmp")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(new); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Rename(tmp.Name(), real); err != nil {
		return false, fmt.Errorf("replace %s: %w", path, err)
	}
	return true, nil
}
