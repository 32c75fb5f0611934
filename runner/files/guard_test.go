//go:build unix

package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// past is the modification time setupFile gives a file, so that a write shows.
var past = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// setupFile writes a file with mode perm and a modification time in the past.
func setupFile(t *testing.T, path, content string, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
}

// checkFile checks the contents and mode of the file at path, and whether it was modified since setupFile.
func checkFile(t *testing.T, path, content string, perm fs.FileMode, touched bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content || info.Mode().Perm() != perm {
		t.Errorf("%s = %q mode %v, want %q mode %v", path, b, info.Mode().Perm(), content, perm)
	}
	if wasTouched := !info.ModTime().Equal(past); wasTouched != touched {
		t.Errorf("%s modified at %v; want touched=%v", path, info.ModTime(), touched)
	}
}

// noLeftovers fails the test if a temporary file is left in any of dirs.
func noLeftovers(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("temporary file left: %s", filepath.Join(dir, e.Name()))
			}
		}
	}
}

// writeFile replaces the file at path, whose contents were old when read, with new, by ReadFile and Replace.
// The Original it replaces holds old as the bytes read, so that Replace itself must notice a file that no longer
// holds them, and itself write nothing when new is old.
func writeFile(path string, old, new []byte) (written bool, err error) {
	o, err := ReadFile(path)
	if err != nil {
		return false, err
	}
	o.Bytes = old
	return o.Replace(new)
}

func TestWriteFile(t *testing.T) {
	t.Run("unchanged", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "l.md")
		setupFile(t, path, "old\n", 0o600)
		written, err := writeFile(path, []byte("old\n"), []byte("old\n"))
		if written || err != nil {
			t.Errorf("written %v, err %v; want false, nil", written, err)
		}
		checkFile(t, path, "old\n", 0o600, false)
	})

	for _, perm := range []fs.FileMode{0o600, 0o640, 0o755} {
		t.Run(fmt.Sprintf("keeps mode %v", perm), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "l.md")
			setupFile(t, path, "old\r\n", perm)
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			written, err := writeFile(path, []byte("old\r\n"), []byte("new\r\n"))
			if !written || err != nil {
				t.Fatalf("written %v, err %v; want true, nil", written, err)
			}
			checkFile(t, path, "new\r\n", perm, true)
			// Atomic: the new contents came in a new file renamed over the old one, not by rewriting it in
			// place, so a reader never sees half of each.
			after, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if os.SameFile(before, after) {
				t.Errorf("the file was rewritten in place, not replaced")
			}
			noLeftovers(t, dir)
		})
	}

	t.Run("changed on disk", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "l.md")
		setupFile(t, path, "edited by hand\n", 0o644)
		written, err := writeFile(path, []byte("as read\n"), []byte("spliced\n"))
		if written || !errors.Is(err, ErrChanged) {
			t.Errorf("written %v, err %v; want false, ErrChanged", written, err)
		}
		checkFile(t, path, "edited by hand\n", 0o644, false)
		noLeftovers(t, dir)
	})

	t.Run("symlink", func(t *testing.T) {
		dir := t.TempDir()
		for _, d := range []string{"lessons", "real"} {
			if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		target := filepath.Join(dir, "real", "l.md")
		link := filepath.Join(dir, "lessons", "l.md")
		setupFile(t, target, "old\n", 0o600)
		if err := os.Symlink(filepath.Join("..", "real", "l.md"), link); err != nil {
			t.Fatal(err)
		}
		written, err := writeFile(link, []byte("old\n"), []byte("via link\n"))
		if !written || err != nil {
			t.Fatalf("written %v, err %v; want true, nil", written, err)
		}
		checkFile(t, target, "via link\n", 0o600, true)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("the link was replaced by a file (%v)", err)
		}
		noLeftovers(t, filepath.Join(dir, "lessons"), filepath.Join(dir, "real"))

		// A change made through the link is seen too.
		setupFile(t, target, "edited by hand\n", 0o600)
		if _, err := writeFile(link, []byte("via link\n"), []byte("again\n")); !errors.Is(err, ErrChanged) {
			t.Errorf("err %v, want ErrChanged", err)
		}
		checkFile(t, target, "edited by hand\n", 0o600, false)
	})

	t.Run("missing", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "gone.md")
		written, err := writeFile(path, []byte("old\n"), []byte("new\n"))
		if written || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("written %v, err %v; want false, not exist", written, err)
		}
		if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("WriteFile created %s", path)
		}
		noLeftovers(t, dir)
	})
}

// readOriginal writes content with mode perm at dir/l.md and reads it back with ReadFile.
func readOriginal(t *testing.T, dir, content string, perm fs.FileMode) (string, *Original) {
	t.Helper()
	path := filepath.Join(dir, "l.md")
	setupFile(t, path, content, perm)
	o, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(o.Bytes) != content {
		t.Fatalf("ReadFile = %q, want %q", o.Bytes, content)
	}
	return path, o
}

// TestReplaceEdited: an edit is kept, whichever way the editor saves it, whether it comes while the cells run
// (between ReadFile and Replace) or once the temporary file is written and synced, just before the rename.
func TestReplaceEdited(t *testing.T) {
	tests := []struct {
		name             string
		edit             func(t *testing.T, path string)
		want             string // on disk afterwards; "" means no file
		whileRun, atLast error  // Replace's error for an edit at each moment
	}{
		{"in place, same size and times", func(t *testing.T, path string) {
			setupFile(t, path, "OLD\n", 0o644) // only the bytes tell
		}, "OLD\n", ErrChanged, ErrChanged},
		{"appended", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString("more\n"); err != nil {
				t.Fatal(err)
			}
		}, "old\nmore\n", ErrChanged, ErrChanged},
		{"saved by rename, same bytes and times", func(t *testing.T, path string) {
			saved := filepath.Join(filepath.Dir(path), "editor-save")
			setupFile(t, saved, "old\n", 0o644) // only the inode tells
			if err := os.Rename(saved, path); err != nil {
				t.Fatal(err)
			}
		}, "old\n", ErrChanged, ErrChanged},
		{"touched", func(t *testing.T, path string) {
			if err := os.Chtimes(path, time.Now(), time.Now()); err != nil {
				t.Fatal(err)
			}
		}, "old\n", ErrChanged, ErrChanged},
		{"made read-only", func(t *testing.T, path string) {
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
		}, "old\n", ErrReadOnly, ErrChanged},
		{"removed", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "", fs.ErrNotExist, fs.ErrNotExist},
	}
	for _, tt := range tests {
		for _, atLast := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/at last %v", tt.name, atLast), func(t *testing.T) {
				dir := t.TempDir()
				path, o := readOriginal(t, dir, "old\n", 0o644)
				want, called := tt.whileRun, false
				if atLast {
					want = tt.atLast
					beforeRename = func() { called = true; tt.edit(t, path) }
					t.Cleanup(func() { beforeRename = nil })
				} else {
					tt.edit(t, path)
				}
				written, err := o.Replace([]byte("new\n"))
				if atLast && !called {
					t.Fatalf("beforeRename not called (written %v, err %v)", written, err)
				}
				if written || !errors.Is(err, want) {
					t.Errorf("written %v, err %v; want false, %v", written, err, want)
				}
				if got, err := os.ReadFile(path); tt.want == "" && !errors.Is(err, fs.ErrNotExist) ||
					tt.want != "" && string(got) != tt.want {
					t.Errorf("on disk: %q, %v; want the edit %q", got, err, tt.want)
				}
				noLeftovers(t, dir)
			})
		}
	}
}

// TestReplaceNothingToWriteEdited: with nothing to write (the new bytes are the bytes read), an edit made
// since the read is still reported, not answered "not written" as if the file were as read (a classroom
// Accept said {"written": false} for a file saved since its run began).
func TestReplaceNothingToWriteEdited(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(t *testing.T, path string)
		want error
	}{
		{"appended", func(t *testing.T, path string) { setupFile(t, path, "old\nmore\n", 0o644) }, ErrChanged},
		{"touched", func(t *testing.T, path string) {
			if err := os.Chtimes(path, time.Now(), time.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
		}, ErrChanged},
		{"removed", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, fs.ErrNotExist},
		{"unchanged", func(t *testing.T, path string) {}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path, o := readOriginal(t, t.TempDir(), "old\n", 0o644)
			tt.edit(t, path)
			written, err := o.Replace([]byte("old\n"))
			if written || !errors.Is(err, tt.want) || tt.want == nil && err != nil {
				t.Errorf("written %v, err %v; want false, %v", written, err, tt.want)
			}
		})
	}
}

// TestReplaceSavedDuringLastCheck: a save by rename while the last check reads the file is seen by the check's
// final lstat, though the bytes read are the old ones.
func TestReplaceSavedDuringLastCheck(t *testing.T) {
	dir := t.TempDir()
	path, o := readOriginal(t, dir, "old\n", 0o644)
	calls := 0
	afterRead = func() {
		if calls++; calls == 2 { // the check before the rename; the first is before the temporary file
			saved := filepath.Join(dir, "editor-save")
			setupFile(t, saved, "old\n", 0o644)
			if err := os.Rename(saved, path); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() { afterRead = nil })
	written, err := o.Replace([]byte("new\n"))
	if calls != 2 || written || !errors.Is(err, ErrChanged) {
		t.Errorf("%d checks, written %v, err %v; want 2, false, ErrChanged", calls, written, err)
	}
	checkFile(t, path, "old\n", 0o644, false)
	noLeftovers(t, dir)
}

// TestReplaceLinkTurned: a symbolic link turned to another file with the same bytes is a change.
func TestReplaceLinkTurned(t *testing.T) {
	dir := t.TempDir()
	a, b, link := filepath.Join(dir, "a.md"), filepath.Join(dir, "b.md"), filepath.Join(dir, "l.md")
	setupFile(t, a, "old\n", 0o644)
	setupFile(t, b, "old\n", 0o644)
	if err := os.Symlink("a.md", link); err != nil {
		t.Fatal(err)
	}
	o, err := ReadFile(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("b.md", link); err != nil {
		t.Fatal(err)
	}
	if written, err := o.Replace([]byte("new\n")); written || !errors.Is(err, ErrChanged) {
		t.Errorf("written %v, err %v; want false, ErrChanged", written, err)
	}
	checkFile(t, a, "old\n", 0o644, false)
	checkFile(t, b, "old\n", 0o644, false)
	noLeftovers(t, dir)
}

// TestReplaceReadOnly: a file with no write bit is refused, even for root, and left as it is.
func TestReplaceReadOnly(t *testing.T) {
	for _, perm := range []fs.FileMode{0o444, 0o400, 0o555} {
		t.Run(perm.String(), func(t *testing.T) {
			dir := t.TempDir()
			path, o := readOriginal(t, dir, "old\n", perm)
			written, err := o.Replace([]byte("new\n"))
			if written || !errors.Is(err, ErrReadOnly) {
				t.Errorf("written %v, err %v; want false, ErrReadOnly", written, err)
			}
			if err != nil && err.Error() != "read-only file; not written" {
				t.Errorf("message %q", err)
			}
			checkFile(t, path, "old\n", perm, false)
			noLeftovers(t, dir)
		})
	}
}

// TestReplaceKeepsOwner: root writing another user's lesson leaves it theirs.
func TestReplaceKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give a file to another user")
	}
	dir := t.TempDir()
	path, _ := readOriginal(t, dir, "old\n", 0o640)
	if err := os.Chown(path, 1234, 1234); err != nil {
		t.Fatal(err)
	}
	o, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if written, err := o.Replace([]byte("new\n")); !written || err != nil {
		t.Fatalf("written %v, err %v; want true, nil", written, err)
	}
	checkFile(t, path, "new\n", 0o640, true)
	st := stat(t, path).Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 1234 {
		t.Errorf("owner %d:%d, want 1234:1234", st.Uid, st.Gid)
	}
	noLeftovers(t, dir)
}

func stat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestReplaceHardLinked: a file with another name is refused, and both names keep the old text.
func TestReplaceHardLinked(t *testing.T) {
	dir := t.TempDir()
	path, _ := readOriginal(t, dir, "old\n", 0o644)
	other := filepath.Join(dir, "other.md")
	if err := os.Link(path, other); err != nil {
		t.Fatal(err)
	}
	o, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if written, err := o.Replace([]byte("new\n")); written || !errors.Is(err, ErrHardLinked) {
		t.Errorf("written %v, err %v; want false, ErrHardLinked", written, err)
	}
	checkFile(t, path, "old\n", 0o644, false)
	if !os.SameFile(stat(t, path), stat(t, other)) {
		t.Errorf("the link was broken")
	}
	noLeftovers(t, dir)
}

// TestReplaceDiskFull: when the temporary file cannot be written in full, the file is left as it was and the
// temporary file is removed.
func TestReplaceDiskFull(t *testing.T) {
	dir := t.TempDir()
	path, o := readOriginal(t, dir, "old\n", 0o644)
	before := stat(t, path)
	writeTemp = func(f *os.File, b []byte) (int, error) {
		n, err := f.Write(b[:len(b)/2])
		if err != nil {
			return n, err
		}
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	t.Cleanup(func() { writeTemp = (*os.File).Write })
	if written, err := o.Replace([]byte("new text\n")); written || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("written %v, err %v; want false, ENOSPC", written, err)
	}
	checkFile(t, path, "old\n", 0o644, false)
	if !os.SameFile(before, stat(t, path)) {
		t.Errorf("the file was replaced")
	}
	noLeftovers(t, dir)
}

// deadPID returns the process ID of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if !processGone(cmd.Process.Pid) {
		t.Skipf("process ID %d already reused", cmd.Process.Pid)
	}
	return cmd.Process.Pid
}

// TestRemoveStale: the temporary files of dead runners go, those of live runners stay until they are old, and
// other files stay.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.md")
	setupFile(t, path, "old\n", 0o644)
	dead, self := strconv.Itoa(deadPID(t)), strconv.Itoa(os.Getpid())
	files := map[string]string{ // name: when it goes ("dead", "old", "never")
		".l.md." + dead + ".123.tmp":    "dead",
		".l.md." + self + ".456.tmp":    "old", // a runner writing now
		".l.md.789.tmp":                 "old", // an earlier runner's name, without a process ID
		".l.md.swp":                     "never",
		".l.md.x.1.tmp":                 "never",
		".l.md..1.tmp":                  "never",
		".l.md." + dead + ".1.tmp~":     "never",
		".l.md." + dead + ".1.2.tmp":    "never",
		".other.md." + dead + ".12.tmp": "never",
		"l.md." + dead + ".12.tmp":      "never",
	}
	for name := range files {
		setupFile(t, filepath.Join(dir, name), "runner's\n", 0o600)
	}
	if err := os.Mkdir(filepath.Join(dir, ".l.md."+dead+".5.tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	files[".l.md."+dead+".5.tmp"] = "never"
	check := func(gone ...string) {
		t.Helper()
		for name, when := range files {
			_, err := os.Lstat(filepath.Join(dir, name))
			wantGone := strings.Contains(strings.Join(gone, " "), when)
			if wantGone != errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: lstat error %v, want gone=%v", name, err, wantGone)
			}
		}
	}
	removeStale(path, time.Now())
	check("dead")
	removeStale(path, time.Now().Add(staleAge+time.Minute))
	check("dead", "old")
}

// TestReplaceRemovesStale: Replace clears a dead runner's temporary file, even when it writes nothing.
func TestReplaceRemovesStale(t *testing.T) {
	dir := t.TempDir()
	path, o := readOriginal(t, dir, "old\n", 0o644)
	setupFile(t, filepath.Join(dir, ".l.md."+strconv.Itoa(deadPID(t))+".1.tmp"), "new\n", 0o600)
	if written, err := o.Replace([]byte("old\n")); written || err != nil {
		t.Errorf("written %v, err %v; want false, nil", written, err)
	}
	checkFile(t, path, "old\n", 0o644, false)
	noLeftovers(t, dir)
}

// TestReadFileNotRegular: a named pipe or a directory is refused at once.
func TestReadFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, dir} {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(path)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, errNotRegular) {
				t.Errorf("ReadFile(%s) error %v, want %v", path, err, errNotRegular)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(%s) blocks", path)
		}
	}
}

// TestReplaceTwoAtOnce replaces one file from two Originals of it at once, as two Accepts of two runs of one
// lesson do, and holds the first between its last check and its rename while the second runs: exactly one may
// say it wrote, and the file holds what that one wrote.
func TestReplaceTwoAtOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lesson.md")
	setupFile(t, path, "old\n", 0o644)
	first, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		written bool
		err     error
	}
	secondDone := make(chan outcome, 1)
	var once sync.Once
	checked = func() {
		once.Do(func() { // the first replacement, past its check: the second runs now
			go func() {
				w, err := second.Replace([]byte("second\n"))
				secondDone <- outcome{w, err}
			}()
			select {
			case <-secondDone: // it did not wait: it may have renamed its file already
				secondDone <- outcome{true, errors.New("finished while the first was between its check and its rename")}
			case <-time.After(200 * time.Millisecond):
			}
		})
	}
	t.Cleanup(func() { checked = nil })
	written, err := first.Replace([]byte("first\n"))
	if !written || err != nil {
		t.Fatalf("first Replace = %v, %v", written, err)
	}
	got := <-secondDone
	if got.written || !errors.Is(got.err, ErrChanged) {
		t.Errorf("second Replace = %v, %v; want not written, ErrChanged", got.written, got.err)
	}
	checkFile(t, path, "first\n", 0o644, true)
	noLeftovers(t, dir)
}
