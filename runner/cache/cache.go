package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"

	"classnotes/runner/files"
	"classnotes/runner/internal/filelock"
)

// Cache is a cache directory.
type Cache struct {
	Dir string
	// lock is the cache's lock file, held shared while the cache is open, so that Clean does not pull a
	// binary away from a runner about to start it.
	lock *os.File
}

// ErrInUse is returned by Clean while another runner has the cache open.
var ErrInUse = errors.New("in use by another runner (a render, check or run); not emptied, try again when it has finished")

// DefaultDir returns the cache directory used when none is given: classnotes under the user's cache directory.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "classnotes"), nil
}

// Open opens the cache in dir, creating it if needed. The caller closes it.
func Open(dir string) (*Cache, error) {
	for _, sub := range []string{"bin", "out"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
	}
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	if err := filelock.Lock(lock, false); err != nil {
		lock.Close()
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{Dir: dir, lock: lock}, nil
}

// Close releases the cache for Clean.
func (c *Cache) Close() error {
	if c.lock == nil {
		return nil
	}
	err := c.lock.Close()
	c.lock = nil
	return err
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{16,128}$`)

func checkKey(key string) error {
	if !keyPattern.MatchString(key) {
		return fmt.Errorf("cache: malformed key %q", key)
	}
	return nil
}

// Entry is the outcome of one run of a cell.
type Entry struct {
	Raw        []byte `json:"raw"`         // what the program printed, escape sequences kept, up to the cap
	Dropped    int64  `json:"dropped"`     // bytes beyond the cap
	Text       string `json:"text"`        // what was recorded under Out [N]:
	Status     string `json:"status"`      // how it ended when not cleanly: "exit status 3", "signal: interrupt"
	Outcome    string `json:"outcome"`     // the runner's words for it: "ok", "compile error", "timed out after 1s"
	Failed     bool   `json:"failed"`      // the cell did not go as the lesson says
	DurationMS int64  `json:"duration_ms"` // how long it ran

	ExitCode     int    `json:"exit_code"`     // -1 when killed by a signal or timed out
	CompileError bool   `json:"compile_error"` // it did not compile; Raw holds the compiler's messages
	TimedOut     bool   `json:"timed_out"`
	Stopped      bool   `json:"stopped"`   // a server cell the runner stopped
	NotReady     string `json:"not_ready"` // how a server cell failed to get ready
}

const outMagic = "classnotes cache entry 2\n"

// Get returns the entry stored under fingerprint fp, and whether there is a sound one.
func (c *Cache) Get(fp string) (*Entry, bool) {
	if checkKey(fp) != nil {
		return nil, false
	}
	b, err := os.ReadFile(c.outPath(fp))
	if err != nil {
		return nil, false
	}
	payload, ok := unseal(b)
	if !ok {
		return nil, false
	}
	var e Entry
	if json.Unmarshal(payload, &e) != nil {
		return nil, false
	}
	return &e, true
}

// Put stores e under fingerprint fp.
func (c *Cache) Put(fp string, e *Entry) error {
	if err := checkKey(fp); err != nil {
		return err
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return files.WriteAtomic(c.outPath(fp), seal(payload), 0o600)
}

func (c *Cache) outPath(fp string) string { return filepath.Join(c.Dir, "out", fp) }

// seal prefixes payload with a header and its SHA-256, so that a damaged entry is recognised.
func seal(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	var b bytes.Buffer
	b.WriteString(outMagic)
	b.WriteString(hex.EncodeToString(sum[:]))
	b.WriteByte('\n')
	b.Write(payload)
	return b.Bytes()
}

func unseal(b []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(b, []byte(outMagic))
	if !ok || len(rest) < 65 || rest[64] != '\n' {
		return nil, false
	}
	payload := rest[65:]
	sum := sha256.Sum256(payload)
	return payload, hex.EncodeToString(sum[:]) == string(rest[:64])
}

// Binary returns the path of the executable stored under build key key, and whether there is a sound one.
func (c *Cache) Binary(key string) (string, bool) {
	if checkKey(key) != nil {
		return "", false
	}
	path := c.binPath(key)
	want, err := os.ReadFile(path + ".sum")
	if err != nil {
		return "", false
	}
	got, err := fileSum(path)
	if err != nil || got != string(want) {
		return "", false
	}
	return path, true
}

// BinaryTemp returns a path, in a new directory inside the cache, where a build may write an executable before
// PutBinary moves it into place, and a function that removes that directory.
func (c *Cache) BinaryTemp() (string, func(), error) {
	dir, err := os.MkdirTemp(filepath.Join(c.Dir, "bin"), ".build-")
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(dir, "cell"+exeSuffix), func() { os.RemoveAll(dir) }, nil
}

// PutBinary moves the executable at tmp, made by BinaryTemp, into place under build key key.
func (c *Cache) PutBinary(key, tmp string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	sum, err := fileSum(tmp)
	if err != nil {
		return "", err
	}
	path := c.binPath(key)
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	// The sum goes last: a binary without its sum is a miss.
	if err := files.WriteAtomic(path+".sum", []byte(sum), 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// RemoveBinary removes the executable stored under build key key, if there is one: its sum first, so that
// a reader never takes a binary whose removal has begun.
func (c *Cache) RemoveBinary(key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	path := c.binPath(key)
	if err := os.Remove(path + ".sum"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func (c *Cache) binPath(key string) string { return filepath.Join(c.Dir, "bin", key+exeSuffix) }

// exeSuffix ends the name of every executable: Windows starts a file only by a name that ends in .exe, the
// name the go command gives an executable it writes into a directory there.
var exeSuffix = map[bool]string{true: ".exe"}[runtime.GOOS == "windows"]

// fileSum returns the size and CRC-32C of a file. A binary is checked each time a cell runs from the cache; the
// CRC, which the processor computes, costs a fraction of a millisecond where SHA-256 would cost several, and
// it catches a truncated or damaged file as surely as a half-written one.
func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	n, err := io.Copy(h, f)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("crc32c %d %08x", n, h.Sum32()), nil
}

// Clean removes everything in the cache. It refuses with ErrInUse while another runner has the cache open.
func (c *Cache) Clean() error {
	if c.lock != nil {
		// Turn this runner's shared lock into the only one, without waiting for the others.
		err := filelock.TryUpgrade(c.lock)
		if errors.Is(err, filelock.ErrLocked) {
			return ErrInUse
		}
		if err != nil {
			return fmt.Errorf("cache: %w", err)
		}
		defer filelock.Downgrade(c.lock)
	}
	var errs []error
	for _, sub := range []string{"bin", "out"} {
		if err := os.RemoveAll(filepath.Join(c.Dir, sub)); err != nil {
			errs = append(errs, err)
		}
		if err := os.MkdirAll(filepath.Join(c.Dir, sub), 0o755); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
