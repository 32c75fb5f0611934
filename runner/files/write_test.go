//go:build unix

package files

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.md")
	written, err := Write(path, []byte("text\n"), Options{Perm: 0o640})
	if !written || err != nil {
		t.Fatalf("Write = %v, %v; want true, nil", written, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if info := stat(t, path); string(b) != "text\n" || info.Mode() != 0o640 {
		t.Errorf("%s = %q mode %v, want %q mode %v", path, b, info.Mode(), "text\n", fs.FileMode(0o640))
	}
	noLeftovers(t, dir)
}

// TestWriteRefuses writes over each kind of thing a path can name, without and with Overwrite, and checks that
// whatever is refused is left exactly as it was.
func TestWriteRefuses(t *testing.T) {
	type setup func(t *testing.T, dir, path string)
	regular := func(perm fs.FileMode) setup {
		return func(t *testing.T, dir, path string) { setupFile(t, path, "old\n", perm) }
	}
	tests := []struct {
		name      string
		setup     setup
		overwrite bool
		want      error // nil: written
		wantText  string
	}{
		{"regular", regular(0o644), false, ErrExists, "old\n"},
		{"regular, overwrite", regular(0o644), true, nil, "new\n"},
		{"read-only, overwrite", regular(0o444), true, ErrReadOnly, "old\n"},
		{"hard link, overwrite", func(t *testing.T, dir, path string) {
			setupFile(t, path, "old\n", 0o644)
			if err := os.Link(path, filepath.Join(dir, "other")); err != nil {
				t.Fatal(err)
			}
		}, true, ErrHardLinked, "old\n"},
		{"dangling symlink", func(t *testing.T, dir, path string) {
			if err := os.Symlink(filepath.Join(dir, "nowhere"), path); err != nil {
				t.Fatal(err)
			}
		}, false, ErrExists, ""},
		{"dangling symlink, overwrite", func(t *testing.T, dir, path string) {
			if err := os.Symlink(filepath.Join(dir, "nowhere"), path); err != nil {
				t.Fatal(err)
			}
		}, true, fs.ErrNotExist, ""},
		{"fifo", func(t *testing.T, dir, path string) {
			if err := syscall.Mkfifo(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}, false, ErrExists, ""},
		{"fifo, overwrite", func(t *testing.T, dir, path string) {
			if err := syscall.Mkfifo(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}, true, errNotRegular, ""},
		{"directory, overwrite", func(t *testing.T, dir, path string) {
			if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
		}, true, errNotRegular, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.md")
			tt.setup(t, dir, path)
			before, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			written, err := Write(path, []byte("new\n"), Options{Perm: 0o644, Overwrite: tt.overwrite})
			if tt.want == nil {
				if !written || err != nil {
					t.Fatalf("Write = %v, %v; want written", written, err)
				}
				checkFile(t, path, tt.wantText, before.Mode().Perm(), true)
				return
			}
			if written || !errors.Is(err, tt.want) {
				t.Fatalf("Write = %v, %v; want an error matching %q", written, err, tt.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			after, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !os.SameFile(before, after) || before.Mode() != after.Mode() || !before.ModTime().Equal(after.ModTime()) {
				t.Errorf("%s changed: %v %v, was %v %v", path, after.Mode(), after.ModTime(), before.Mode(), before.ModTime())
			}
			if tt.wantText != "" {
				checkFile(t, path, tt.wantText, before.Mode().Perm(), false)
			}
			noLeftovers(t, dir)
		})
	}
}

// TestWriteSymlinkFollowed checks that, with Overwrite, a symbolic link is followed as for a lesson: the file it
// names is replaced and the link stays a link.
func TestWriteSymlinkFollowed(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.md")
	setupFile(t, target, "old\n", 0o600)
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink("target.md", link); err != nil {
		t.Fatal(err)
	}
	if written, err := Write(link, []byte("new\n"), Options{Perm: 0o644, Overwrite: true}); !written || err != nil {
		t.Fatalf("Write = %v, %v", written, err)
	}
	checkFile(t, target, "new\n", 0o600, true)
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", info, err)
	}
}

// TestWriteAppearsMeanwhile makes a file appear at the path between Write's look and its link: it is never
// replaced without Overwrite.
func TestWriteAppearsMeanwhile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.md")
	linkTemp = func(old, new string) error {
		if err := os.WriteFile(new, []byte("theirs\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return os.Link(old, new)
	}
	t.Cleanup(func() { linkTemp = os.Link })
	written, err := Write(path, []byte("ours\n"), Options{Perm: 0o644})
	if written || !errors.Is(err, ErrExists) {
		t.Errorf("Write = %v, %v; want ErrExists", written, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "theirs\n" {
		t.Errorf("%s = %q, want the file that appeared", path, b)
	}
	noLeftovers(t, dir)
}

// TestWriteNoLink is Write on a file system without hard links: the file is made all the same, never over
// another.
func TestWriteNoLink(t *testing.T) {
	dir := t.TempDir()
	linkTemp = func(old, new string) error { return &os.LinkError{Op: "link", Old: old, New: new, Err: syscall.EPERM} }
	t.Cleanup(func() { linkTemp = os.Link })
	path := filepath.Join(dir, "out.md")
	if written, err := Write(path, []byte("new\n"), Options{Perm: 0o644}); !written || err != nil {
		t.Fatalf("Write = %v, %v", written, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("%s = %q", path, b)
	}
	noLeftovers(t, dir)
}

func TestWriteDiskFull(t *testing.T) {
	dir := t.TempDir()
	writeTemp = func(f *os.File, b []byte) (int, error) {
		return 0, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	t.Cleanup(func() { writeTemp = (*os.File).Write })
	path := filepath.Join(dir, "out.md")
	if written, err := Write(path, []byte("new\n"), Options{Perm: 0o644}); written || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Write = %v, %v; want ENOSPC", written, err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists after a failed write: %v", path, err)
	}
	noLeftovers(t, dir)
}

// TestWriteRemovesStale: the temporary file a runner killed while making the file left is removed by the next
// Write of it.
func TestWriteRemovesStale(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, tempPrefix("out.md")+strconv.Itoa(deadPID(t))+".123"+tempSuffix)
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(filepath.Join(dir, "out.md"), []byte("new\n"), Options{Perm: 0o644}); err != nil {
		t.Fatal(err)
	}
	noLeftovers(t, dir)
}

// TestWriteAppearsMeanwhileOverwrite: with Overwrite, a file that appears between Write's look and its link is
// replaced through the guard, as if it had been there (Write failed with ErrExists).
func TestWriteAppearsMeanwhileOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.md")
	linkTemp = func(old, new string) error {
		if err := os.WriteFile(new, []byte("theirs\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return os.Link(old, new)
	}
	t.Cleanup(func() { linkTemp = os.Link })
	if written, err := Write(path, []byte("ours\n"), Options{Perm: 0o644, Overwrite: true}); !written || err != nil {
		t.Fatalf("Write = %v, %v; want written", written, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if info := stat(t, path); string(b) != "ours\n" || info.Mode() != 0o600 {
		t.Errorf("%s = %q mode %v; want ours, with the mode of the file that appeared (0600)", path, b, info.Mode())
	}
	noLeftovers(t, dir)
}

// TestSyncedBeforeRename: the temporary file reaches the disk before it takes the file's name, by rename
// (Replace) or by link (Write of a new file); otherwise a power cut could leave the name on an empty file.
func TestSyncedBeforeRename(t *testing.T) {
	var steps []string
	syncTemp = func(f *os.File) error {
		steps = append(steps, "sync")
		return f.Sync()
	}
	checked = func() { steps = append(steps, "rename") }
	linkTemp = func(old, new string) error {
		steps = append(steps, "link")
		return os.Link(old, new)
	}
	t.Cleanup(func() { syncTemp, checked, linkTemp = (*os.File).Sync, nil, os.Link })
	path := filepath.Join(t.TempDir(), "out.md")
	if _, err := Write(path, []byte("new\n"), Options{Perm: 0o644}); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(path, []byte("newer\n"), Options{Perm: 0o644, Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(steps, " "); got != "sync link sync rename" {
		t.Errorf("steps %q, want %q", got, "sync link sync rename")
	}
}
