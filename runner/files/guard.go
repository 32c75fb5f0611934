package files

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrChanged is returned by Replace when the file on disk is no longer the one that was read.
var ErrChanged = errors.New("the file changed on disk since it was read; not overwritten, what is on disk is kept")

// ErrReadOnly is returned by Replace when the file is read-only: its user may not write it, or no write bit is
// set in its mode. Root may write any file, but, as an editor asks before it overwrites a read-only file, the
// runner honours the mode and refuses a lesson with no write bit (0444).
var ErrReadOnly = errors.New("read-only file; not written")

// ErrHardLinked is returned by Replace when the file has more than one name. Replacing it by rename would
// leave the other names with the old text, and writing it in place could leave a mix of old and new text if
// the runner were killed, so it is not written; copy the file to break the link.
var ErrHardLinked = errors.New("the file has other hard links, which replacing it would break; not written")

// errNotRegular is returned by ReadFile for a file that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// Original is a file as it was read: its bytes, and what fstat(2) said of it then, which tell whether it has
// changed since. ReadFile makes one; a caller that reads the file itself may fill it in, with the bytes and the
// FileInfo of the same open file (a nil Info makes Replace refuse with ErrChanged).
type Original struct {
	Path  string      // the file's path; a symbolic link is followed
	Bytes []byte      // the contents read
	Info  fs.FileInfo // the file read (its Stat), taken before reading
}

// MaxSize is the size of the largest file ReadFile reads: 64 MiB, far beyond any lesson a person writes, small
// enough that a mistaken path (a log, a disk image) cannot exhaust the runner's memory.
const MaxSize = 64 << 20

// ReadFile reads the file at path, following symbolic links. It reads only a regular file, which is all that
// Replace can replace (a named pipe is opened without waiting for a writer, and refused, as is a device), and
// at most MaxSize bytes.
func ReadFile(path string) (*Original, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s); not read", errNotRegular, fileKind(info.Mode()))}
	}
	if info.Size() > MaxSize {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%d bytes, larger than the %d MiB the runner reads (a lesson or a notebook); not read", info.Size(), MaxSize>>20)}
	}
	b, err := readAll(io.LimitReader(f, MaxSize+1), info.Size())
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSize {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("grew past the %d MiB the runner reads while it was read; not read", MaxSize>>20)}
	}
	return &Original{Path: path, Bytes: b, Info: info}, nil
}

// fileKind names the type of a file that is not regular.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

// Replace replaces the file with new. When new equals the bytes read it writes nothing, and still answers
// ErrChanged if the file changed meanwhile, so that "nothing to write" never hides an edit. It refuses with
// ErrChanged when the file on disk is not the one read (another file, or other contents, size or modification
// time), with ErrReadOnly when it is read-only and with ErrHardLinked when it has other names. It writes new
// into a temporary file in the same directory, with the file's permissions, owner and group (as far as the
// runner's user may give them), waits for the disk, checks the file once more and renames the temporary file
// over it, so that readers see the old or the new file, never a mix. A symbolic link is followed, and the file
// it points to is replaced. Extended attributes (ACLs, SELinux labels) and the setuid, setgid and sticky bits
// are not carried over.
//
// It also removes the temporary files that runners killed while writing left beside the file (see removeStale).
func (o *Original) Replace(new []byte) (written bool, err error) {
	real, err := filepath.EvalSymlinks(o.Path)
	if err == nil {
		unlock := lockPath(real)
		defer unlock()
		removeStale(real, time.Now())
	}
	if err != nil {
		return false, err
	}
	info, err := o.unchanged(real)
	if err != nil {
		return false, err // even when there is nothing to write: "not written" must not hide an edit
	}
	if bytes.Equal(o.Bytes, new) {
		return false, nil
	}
	if err := writable(real, info); err != nil {
		return false, err
	}
	dir, base := filepath.Split(real)
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+".*"+tempSuffix)
	if err != nil {
		return false, err
	}
	err = fill(tmp, new, info)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = o.rename(tmp.Name(), real, info)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return false, err
	}
	syncDir(dir)
	return true, nil
}

// pathLocks holds a mutex for each file Replace has replaced in this process, by its real path.
var pathLocks sync.Map // string → *sync.Mutex

// lockPath locks the file at the real path real for this process and returns its unlock. Two replacements of
// one file (two Accepts of two runs of one lesson in the classroom server) then never interleave: the second
// checks the file after the first has renamed its own over it, finds it changed and refuses, instead of
// passing its check a moment before the first renames and then renaming over the first's text, both saying
// they wrote. Between processes the window described at rename remains.
func lockPath(real string) (unlock func()) {
	m, _ := pathLocks.LoadOrStore(real, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// beforeRename, when not nil, is called once the temporary file is on disk, before the last check of the
// file; tests change the file there.
var beforeRename func()

// checked, when not nil, is called once the file passed its last check, right before the rename; tests hold
// a replacement there while another runs.
var checked func()

// afterRead, when not nil, is called by unchanged between reading the file and its last lstat; tests change the
// file there.
var afterRead func()

// rename checks that the file at real is still the one read, with the attributes info it had when the
// temporary file was made, and renames tmp over it.
//
// The check comes as late as it can: after the temporary file is on disk (fsync may take long), and its last
// step, an lstat(2), is the last system call before rename(2). What remains:
//   - a save that lands between that lstat and the rename: a few microseconds;
//   - a write that keeps the size and lands while the check reads the file, in the same tick of the file
//     system's clock as the file's previous change (timestamps are coarse, a few milliseconds), so that neither
//     the times, nor the size, nor the bytes already read show it;
//   - a write through a descriptor that an editor opened before the check and writes through after it: it
//     lands in the replaced file. No check by name can see that; only a lease (fcntl F_SETLEASE) could.
//
// Linux's renameat2(RENAME_EXCHANGE) could swap the files, check the one swapped out, and swap back if it
// changed. That would close the first gap (a save by rename or by truncating lands before the swap and is seen,
// or after it and wins) but not the others; it would show readers the runner's text for a moment each time it
// backs out; and a runner killed between the two swaps would leave the author's edit under a temporary name,
// for the next run to remove. The plain rename keeps the author's text under the file's name at every moment,
// which is worth more than those microseconds.
func (o *Original) rename(tmp, real string, info fs.FileInfo) error {
	if beforeRename != nil {
		beforeRename()
	}
	now, err := o.unchanged(real)
	if err != nil {
		return err
	}
	if !sameAttrs(info, now) {
		return ErrChanged
	}
	if checked != nil {
		checked()
	}
	return renameOver(tmp, real)
}

// unchanged returns the FileInfo of the file at real if it is the file read, with its size, modification time
// and bytes; otherwise ErrChanged. Its last step is an lstat(2) that finds the same file unchanged since the
// bytes were read.
func (o *Original) unchanged(real string) (fs.FileInfo, error) {
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !sameVersion(o.Info, before) {
		return nil, ErrChanged
	}
	b, err := readAll(f, before.Size())
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(b, o.Bytes) {
		return nil, ErrChanged
	}
	if afterRead != nil {
		afterRead()
	}
	after, err := os.Lstat(real)
	if err != nil {
		return nil, err
	}
	if !sameVersion(before, after) || !sameAttrs(before, after) {
		return nil, ErrChanged
	}
	return after, nil
}

// sameVersion reports whether b is the same file as a, with the same size and modification time.
func sameVersion(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// writeTemp writes to the temporary file; tests replace it to fail as a full disk does.
var writeTemp = (*os.File).Write

// fill writes data into the temporary file f with the permissions, owner and group of the file described by
// info, and waits for the disk.
func fill(f *os.File, data []byte, info fs.FileInfo) error {
	if _, err := writeTemp(f, data); err != nil {
		return err
	}
	keepOwner(f, info)
	if err := f.Chmod(info.Mode().Perm()); err != nil { // after chown, which may clear mode bits
		return err
	}
	return syncTemp(f)
}

// syncTemp waits for the temporary file to reach the disk before it is renamed or linked into place, so that
// after a power cut the file's name holds the old text or the new, never an empty file; tests watch it.
var syncTemp = (*os.File).Sync

// syncDir waits for the rename in dir to reach the disk. It is done on a best-effort basis: the file is
// already replaced, and some file systems do not sync directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// readAll reads f, of the given size, to its end.
func readAll(f io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	_, err := buf.ReadFrom(f)
	return buf.Bytes(), err
}

// The temporary file that replaces the file NAME is named .NAME.PID.RANDOM.tmp, after the writing runner's
// process ID.
const tempSuffix = ".tmp"

func tempPrefix(base string) string { return "." + base + "." }

// staleAge is the age after which a temporary file is stale whoever wrote it: far longer than writing a lesson
// takes, the time for a temporary file to be written, synced and renamed.
const staleAge = 10 * time.Minute

// removeStale removes the temporary files left beside the file at real by runners killed while writing it.
// A temporary file is stale when the process named in its name no longer exists, or when its status last
// changed more than staleAge ago (the process ID may have been reused, or the file may come from another
// machine or PID namespace sharing the directory, or from a runner that put no process ID in the name). A
// runner writing the file right now keeps its temporary file, since its process exists and the file is fresh.
// Were a live runner's file removed all the same (a runner in another PID namespace), its rename would fail
// and the lesson would stay as it is: a temporary file only ever holds the runner's new text, never the
// author's. Errors are ignored: a file left is only clutter, removed by a later run.
func removeStale(real string, now time.Time) {
	dir, base := filepath.Split(real)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := tempPID(e.Name(), base)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if pid > 0 && processGone(pid) || now.Sub(changed(info)) > staleAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// tempPID reports whether name is the name of a temporary file for the file base, and returns the process ID
// in it: 0 when it has none (.NAME.RANDOM.tmp, as earlier runners named them).
func tempPID(name, base string) (pid int, ok bool) {
	middle, ok := strings.CutPrefix(name, tempPrefix(base))
	if !ok {
		return 0, false
	}
	if middle, ok = strings.CutSuffix(middle, tempSuffix); !ok {
		return 0, false
	}
	fields := strings.Split(middle, ".")
	for _, f := range fields {
		if f == "" || strings.Trim(f, "0123456789") != "" {
			return 0, false
		}
	}
	switch len(fields) {
	case 1:
		return 0, true
	case 2:
		pid, err := strconv.Atoi(fields[0])
		return pid, err == nil
	}
	return 0, false
}
