package cache

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const fp = "0123456789abcdef0123456789abcdef"

func TestOutputRoundTrip(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Output(fp); ok {
		t.Fatal("empty cache has an entry")
	}
	want := &Entry{Raw: []byte("\x1b[32mok\x1b[0m\n"), Text: "ok\n", Outcome: "ok", DurationMS: 7}
	if err := c.PutOutput(fp, want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Output(fp)
	if !ok || string(got.Raw) != string(want.Raw) || got.Text != want.Text || got.DurationMS != 7 {
		t.Errorf("Output = %+v, %v", got, ok)
	}
	if _, ok := c.Output("../../etc/passwd"); ok {
		t.Error("a malformed key was accepted")
	}
}

// TestDamagedEntries: a truncated or altered entry, or a binary without a matching sum, is a miss.
func TestDamagedEntries(t *testing.T) {
	c, _ := Open(t.TempDir())
	c.PutOutput(fp, &Entry{Text: "hello\n"})
	path := filepath.Join(c.Dir, "out", fp)
	b, _ := os.ReadFile(path)
	for _, damaged := range [][]byte{b[:len(b)-3], append(b[:len(b):len(b)], 'x'), []byte(strings.Replace(string(b), "hello", "jello", 1)), nil} {
		os.WriteFile(path, damaged, 0o644)
		if e, ok := c.Output(fp); ok {
			t.Errorf("damaged entry %q read as %+v", damaged, e)
		}
	}

	tmp, remove, err := c.BinaryTemp()
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	os.WriteFile(tmp, []byte("binary"), 0o755)
	bin, err := c.PutBinary(fp, tmp)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Binary(fp); !ok || got != bin {
		t.Fatalf("Binary = %q, %v", got, ok)
	}
	os.WriteFile(bin, []byte("bina"), 0o755) // cut short
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
			for i := range 50 {
				text := strings.Repeat(string(rune('a'+w)), 1000+i)
				if err := c.PutOutput(fp, &Entry{Text: text}); err != nil {
					t.Error(err)
				}
				if e, ok := c.Output(fp); ok && (len(e.Text) < 1000 || strings.Count(e.Text, e.Text[:1]) != len(e.Text)) {
					t.Errorf("read a mixed entry")
				}
			}
		})
	}
	wg.Wait()
	if left, _ := filepath.Glob(filepath.Join(dir, "out", ".tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestClean(t *testing.T) {
	c, _ := Open(t.TempDir())
	c.PutOutput(fp, &Entry{})
	if err := c.Clean(); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Output(fp); ok {
		t.Error("entry survived Clean")
	}
	if _, err := Open(c.Dir); err != nil {
		t.Error(err)
	}
}
