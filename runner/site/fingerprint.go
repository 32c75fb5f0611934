package site

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"sort"
	"sync"
)

// Fingerprint returns a fingerprint of everything page p shows: the lesson's bytes, the runs of its cells (raw
// output and badges), the links between lessons and to the course's files, and how this runner draws pages (Version). A page whose
// fingerprint has not changed need not be drawn again. It is for static pages: a served page is always drawn.
func Fingerprint(p *Page) string {
	h := sha256.New()
	fmt.Fprintf(h, "classnotes page 1\x00%s\x00%s\x00%d\x00", Version(), p.Lesson.Path, len(p.Lesson.Source))
	h.Write(p.Lesson.Source)
	writeSorted(h, p.Links)
	fmt.Fprintf(h, "files\x00%s\x00", p.Files)
	nums := make([]int, 0, len(p.Cells))
	for n := range p.Cells {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		c := p.Cells[n]
		fmt.Fprintf(h, "cell\x00%d\x00%d\x00", n, len(c.Raw))
		h.Write(c.Raw)
		for _, b := range c.Badges {
			fmt.Fprintf(h, "badge\x00%s\x00%s\x00", b.Text, b.Kind)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// IndexFingerprint returns a fingerprint of what the index shows.
func IndexFingerprint(entries []Entry) string {
	h := sha256.New()
	fmt.Fprintf(h, "classnotes index 1\x00%s\x00", Version())
	for _, e := range entries {
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s\x00%t\x00", e.Title, e.Page, e.Cells, e.Outcome, e.Failed)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeSorted(h hash.Hash, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(h, "link\x00%s\x00%s\x00", k, m[k])
	}
}

var (
	versionOnce sync.Once
	version     string
)

// Version identifies how this runner draws pages: its templates and stylesheet, and the build of the runner
// itself (the Go build ID of its executable), so that a new runner draws every page again.
func Version() string {
	versionOnce.Do(func() {
		h := sha256.New()
		io.WriteString(h, pageSource+"\x00"+indexSource+"\x00"+stylesheet())
		io.WriteString(h, buildID())
		version = hex.EncodeToString(h.Sum(nil))[:16]
	})
	return version
}

// buildID returns the Go build ID of the running executable, read from its ELF note, or "" where there is none.
// Reading it costs a few hundred bytes, not the executable.
func buildID() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	b, err := s.Data()
	if err != nil {
		return ""
	}
	return string(b)
}
