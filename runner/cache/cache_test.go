package cache

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const fp = "0123456789abcdef0123456789abcdef"

// open opens a cache in dir, closed at the end of the test.
func open(t *testing.T, dir string) *Cache {
	t.Helper()
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// must fails the test at once on a setup error, which could otherwise make every later check vacuous.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutputRoundTrip(t *testing.T) {
	c := open(t, t.TempDir())
	if _, ok := c.Get(fp); ok {
		t.Fatal("empty cache has an entry")
	}
	want := &Entry{Raw: []byte("\x1b[32mok\x1b[0m\n"), Text: "ok\n", Outcome: "ok", DurationMS: 7}
	if err := c.Put(fp, want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(fp)
	if !ok || string(got.Raw) != string(want.Raw) || got.Text != want.Text || got.DurationMS != 7 {
		t.Errorf("Output = %+v, %v", got, ok)
	}
	if _, ok := c.Get("../../etc/passwd"); ok {
		t.Error("a malformed key was accepted")
	}
}

// TestDamagedEntries: a truncated or altered entry, or a binary without a matching sum, is a miss.
func TestDamagedEntries(t *testing.T) {
	c := open(t, t.TempDir())
	must(t, c.Put(fp, &Entry{Text: "hello\n"}))
	path := filepath.Join(c.Dir, "out", fp)
	b, err := os.ReadFile(path)
	must(t, err)
	if _, ok := c.Get(fp); !ok {
		t.Fatal("the sound entry is a miss")
	}
	for _, damaged := range [][]byte{b[:len(b)-3], append(b[:len(b):len(b)], 'x'), []byte(strings.Replace(string(b), "hello", "jello", 1)), nil} {
		must(t, os.WriteFile(path, damaged, 0o644))
		if e, ok := c.Get(fp); ok {
			t.Errorf("damaged entry %q read as %+v", damaged, e)
		}
	}

	tmp, remove, err := c.BinaryTemp()
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	must(t, os.WriteFile(tmp, []byte("binary"), 0o755))
	bin, err := c.PutBinary(fp, tmp)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Binary(fp); !ok || got != bin {
		t.Fatalf("Binary = %q, %v", got, ok)
	}
	must(t, os.WriteFile(bin, []byte("bina"), 0o755)) // cut short
	if _, ok := c.Binary(fp); ok {
		t.Error("a damaged binary was a hit")
	}
}

// TestConcurrentWriters: runners sharing a cache write the same keys at once; every read sees a whole entry.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			c, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i := range 50 {
				text := strings.Repeat(string(rune('a'+w)), 1000+i)
				if err := c.Put(fp, &Entry{Text: text}); err != nil {
					t.Error(err)
				}
				if e, ok := c.Get(fp); ok && (len(e.Text) < 1000 || strings.Count(e.Text, e.Text[:1]) != len(e.Text)) {
					t.Errorf("read a mixed entry")
				}
			}
		})
	}
	wg.Wait()
	if e, ok := open(t, dir).Get(fp); !ok || len(e.Text) < 1000 {
		t.Errorf("no whole entry after the writers: %+v, %v", e, ok)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "out", ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestClean(t *testing.T) {
	c := open(t, t.TempDir())
	must(t, c.Put(fp, &Entry{}))
	if _, ok := c.Get(fp); !ok {
		t.Fatal("no entry to clean")
	}
	must(t, c.Clean())
	if _, ok := c.Get(fp); ok {
		t.Error("entry survived Clean")
	}
	must(t, c.Put(fp, &Entry{})) // the cache still works after Clean
	if _, ok := c.Get(fp); !ok {
		t.Error("no entry after Clean and PutOutput")
	}
}

// TestCleanInUse: Clean refuses while another runner has the cache open, and works once it is closed.
func TestCleanInUse(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir)
	must(t, c.Put(fp, &Entry{}))
	other := open(t, dir)
	if err := c.Clean(); !errors.Is(err, ErrInUse) {
		t.Fatalf("Clean while in use: %v", err)
	}
	if _, ok := c.Get(fp); !ok {
		t.Fatal("Clean emptied a cache in use")
	}
	must(t, other.Close())
	must(t, c.Clean())
	if _, ok := c.Get(fp); ok {
		t.Error("entry survived Clean")
	}
	// c keeps its shared lock after Clean: another Clean must wait for it.
	if err := open(t, dir).Clean(); !errors.Is(err, ErrInUse) {
		t.Errorf("Clean beside an open cache: %v", err)
	}
}
