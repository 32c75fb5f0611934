package run

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"classnotes/runner/internal/filelock"
)

// MarkerVar is the environment variable that marks the processes of a program: Start sets it to a value of its
// own for each program, <runner id>/<n>, and every descendant that keeps its environment inherits it.
const MarkerVar = "CLASSNOTES_RUN"

// The runner's own temporary directory, os.TempDir()/classnotes-<runner id>, made by the first TempDir, holds
// the directories of its builds and cells. A file named lock in it is locked (flock, LockFileEx on Windows) for the runner's whole life; the kernel releases
// the lock when the runner dies, however it dies. A later runner that can take the lock knows that the owner has
// ended: it removes the directory and kills the programs still marked with the owner's id (RemoveStale).

const sessionPrefix = "classnotes-"

// staleAge is how old a runner's directory without a lock file must be to be removed: a runner makes its
// directory first and puts the lock in it right after, so a young one may be being made.
const staleAge = time.Minute

// sessionID is this runner's id: its pid and random hex digits, so that it is not mistaken for an earlier
// runner with the same pid.
var sessionID = newSessionID()

var session struct {
	once sync.Once
	mu   sync.Mutex
	dir  string   // the directory, once made
	lock *os.File // open, and so locked, until Cleanup; it must stay referenced: a finalizer would close it
	err  error    // why there is no directory
	seq  atomic.Uint64
}

var errCleanedUp = errors.New("removed by Cleanup")

func newSessionID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%d-%x", os.Getpid(), b)
}

// validSessionID reports whether id has the form of a runner id.
func validSessionID(id string) bool {
	pid, random, ok := strings.Cut(id, "-")
	if _, err := strconv.Atoi(pid); err != nil || !ok || random == "" {
		return false
	}
	return strings.Trim(random, "0123456789abcdef") == ""
}

// startSession makes the runner's directory, once.
func startSession() {
	session.once.Do(func() {
		dir, lock, err := makeSessionDir()
		session.mu.Lock()
		session.dir, session.lock, session.err = dir, lock, err
		session.mu.Unlock()
	})
}

func makeSessionDir() (string, *os.File, error) {
	dir := filepath.Join(os.TempDir(), sessionPrefix+sessionID)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", nil, err
	}
	// The lock is taken under another name and then renamed into place, so that a file named lock is always
	// locked by its owner until the owner ends. Windows renames no open file (os opens files without
	// FILE_SHARE_DELETE): there the file is made as lock and locked right after, and another runner that looks
	// in between takes this one for ended (it then fails to remove the directory, whose lock is open).
	var f *os.File
	var err error
	if runtime.GOOS == "windows" {
		f, err = os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	} else {
		f, err = os.CreateTemp(dir, "lock-")
	}
	if err == nil {
		err = filelock.Lock(f, true)
		if err == nil && runtime.GOOS != "windows" {
			err = os.Rename(f.Name(), filepath.Join(dir, "lock"))
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, f, nil
}

// nextMarker returns the marker of a new program. It does not make the runner's directory: the programs of a
// runner that dies before making one cannot be told to be orphans, and are left to Pdeathsig alone.
func nextMarker() string {
	return fmt.Sprintf("%s/%d", sessionID, session.seq.Add(1))
}

// TempDir creates a new directory in the runner's own temporary directory, as os.MkdirTemp does with pattern,
// and returns its path. If the runner dies before removing it, the next runner does (RemoveStale).
func TempDir(pattern string) (string, error) {
	startSession()
	session.mu.Lock()
	dir, err := session.dir, session.err
	session.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("runner temporary directory: %w", err)
	}
	return os.MkdirTemp(dir, pattern)
}

// Cleanup removes the runner's temporary directory and what is left in it. Call it once, when the runner has
// nothing running; TempDir fails after it.
func Cleanup() error {
	session.once.Do(func() {}) // no directory was made, and none is to be made now
	session.mu.Lock()
	defer session.mu.Unlock()
	dir, lock := session.dir, session.lock
	session.dir, session.lock, session.err = "", nil, errCleanedUp
	if dir == "" {
		return nil
	}
	err := os.RemoveAll(dir)
	lock.Close()
	return err
}

// RemoveStale removes what runners that ended without cleaning up (killed by SIGKILL, or crashed) left behind:
// their temporary directories, and the programs they started that still run, found by their marker. It leaves
// alone the directories of runners still running and those it may not open, and any other file.
func RemoveStale() error {
	base := os.TempDir()
	entries, err := os.ReadDir(base)
	if err != nil {
		return fmt.Errorf("remove stale temporary directories: %w", err)
	}
	var dirs, prefixes []string
	var locks []*os.File // held until the directories are gone, so that no other runner removes them too
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), sessionPrefix)
		if !ok || !e.IsDir() || !validSessionID(id) || id == sessionID {
			continue
		}
		dir := filepath.Join(base, e.Name())
		lock, ended := sessionEnded(dir)
		if !ended {
			continue
		}
		dirs, prefixes = append(dirs, dir), append(prefixes, id+"/")
		if lock != nil {
			locks = append(locks, lock)
		}
	}
	if len(prefixes) > 0 {
		endMarked(prefixes)
	}
	var errs []error
	for _, dir := range dirs {
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
		}
	}
	for _, lock := range locks {
		lock.Close()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove stale temporary directories: %w", err)
	}
	return nil
}

// sessionEnded reports whether the runner whose directory is dir has ended. When it has, it returns the lock,
// now held by this runner, or nil for an old directory that has no lock.
func sessionEnded(dir string) (*os.File, bool) {
	f, err := os.Open(filepath.Join(dir, "lock"))
	if errors.Is(err, fs.ErrNotExist) {
		info, err := os.Stat(dir)
		return nil, err == nil && time.Since(info.ModTime()) > staleAge
	}
	if err != nil {
		return nil, false
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		return nil, false
	}
	return f, true
}
