package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"classnotes/runner/files"
)

// handoutManifest is the file in a handout's directory that lists the files the handout wrote, one
// slash-separated path a line: handout --force over an earlier handout removes the files it listed that the
// new one does not write (a lesson no longer handed out), and nothing else.
const handoutManifest = ".classnotes-handout"

// manifestHeader is the manifest's first line.
const manifestHeader = "# classnotes handout: the files it wrote; handout --force removes those a new handout does not write\n"

// checkPlaces reports each file of the handout that would be written where it must not: through a symbolic
// link (the file itself is one), or, once its directory's symbolic links are followed, outside the handout's
// directory or inside the course, where it would overwrite the teacher's files.
func (h *handoutWriter) checkPlaces() error {
	var errs []error
	for _, rel := range append(h.names(), handoutManifest) {
		if err := h.place(rel); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// place checks where the file rel of the handout goes (see checkPlaces); its directory need not exist yet.
func (h *handoutWriter) place(rel string) error {
	dest := filepath.Join(h.out, rel)
	if info, err := os.Lstat(dest); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s: a symbolic link; the handout writes no file through one", h.a.shown(dest))
	}
	dir := resolved(filepath.Dir(dest))
	switch {
	case inside(dir, h.realRoot):
		return fmt.Errorf("%s: its directory is inside the course (%s) through a symbolic link: the handout would overwrite the teacher's files", h.a.shown(dest), h.a.shown(h.root))
	case !inside(dir, h.realOut):
		return fmt.Errorf("%s: its directory leads out of %s through a symbolic link (to %s); the handout writes no file there", h.a.shown(dest), h.a.shown(h.out), dir)
	}
	return nil
}

// names returns the handout's files, in name order.
func (h *handoutWriter) names() []string {
	names := make([]string, 0, len(h.files))
	for rel := range h.files {
		names = append(names, rel)
	}
	slices.Sort(names)
	return names
}

// write writes the handout's files, in name order, through the guarded writer, each after its directory is
// made inside DIR (os.Root) and checked again (place); then its manifest, and, over an earlier handout, it
// removes the files that one wrote that this one does not. It returns how many files it wrote and removed.
func (h *handoutWriter) write() (written, removed int, err error) {
	if err := os.MkdirAll(h.out, 0o755); err != nil {
		return 0, 0, err
	}
	root, err := os.OpenRoot(h.out)
	if err != nil {
		return 0, 0, err
	}
	defer root.Close()
	earlier, err := readManifest(filepath.Join(h.out, handoutManifest))
	if err != nil {
		return 0, 0, err
	}
	names := h.names()
	var list strings.Builder
	list.WriteString(manifestHeader)
	for _, rel := range names {
		list.WriteString(filepath.ToSlash(rel) + "\n")
	}
	for _, rel := range names {
		w, err := h.writeFile(root, rel, h.files[rel])
		if err != nil {
			return written, 0, err
		}
		if w {
			written++
		}
	}
	if _, err := h.writeFile(root, handoutManifest, []byte(list.String())); err != nil {
		return written, 0, err
	}
	for _, name := range earlier {
		rel := filepath.FromSlash(name)
		if _, ok := h.files[rel]; ok || rel == handoutManifest {
			continue
		}
		gone, err := h.remove(root, rel)
		if err != nil {
			return written, removed, err
		}
		if gone {
			removed++
		}
	}
	return written, removed, nil
}

// writeFile writes data to the file rel of the handout, through the guarded writer.
func (h *handoutWriter) writeFile(root *os.Root, rel string, data []byte) (bool, error) {
	dest := filepath.Join(h.out, rel)
	if err := root.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return false, fmt.Errorf("%s: %w", h.a.shown(dest), err)
	}
	if err := h.place(rel); err != nil {
		return false, err
	}
	w, err := files.Write(dest, data, files.Options{Perm: 0o644, Overwrite: h.force})
	if err != nil {
		return false, fmt.Errorf("%s: %w", h.a.shown(dest), err)
	}
	return w, nil
}

// remove removes the file rel of an earlier handout, and reports whether it did: only a regular file, inside
// DIR (os.Root) and outside the course once symbolic links are followed (place), never a link.
func (h *handoutWriter) remove(root *os.Root, rel string) (bool, error) {
	info, err := root.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil || !info.Mode().IsRegular() {
		return false, nil // not what a handout wrote: left alone
	}
	if err := h.place(rel); err != nil {
		return false, nil
	}
	if err := root.Remove(rel); err != nil {
		return false, fmt.Errorf("%s: %w", h.a.shown(filepath.Join(h.out, rel)), err)
	}
	// The directories it leaves empty go too (Remove refuses one that is not empty), up to DIR.
	for dir := filepath.Dir(rel); dir != "." && root.Remove(dir) == nil; dir = filepath.Dir(dir) {
	}
	return true, nil
}

// readManifest returns the files an earlier handout's manifest at name lists, as valid slash-separated paths
// inside the handout's directory (anything else in it is ignored); none when there is no manifest.
func readManifest(name string) ([]string, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line != "" && !strings.HasPrefix(line, "#") && fs.ValidPath(line) && line != "." && filepath.IsLocal(filepath.FromSlash(line)) {
			names = append(names, line)
		}
	}
	return names, sc.Err()
}
