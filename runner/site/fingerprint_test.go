package site

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// TestFingerprintChanges: the page's fingerprint changes with each thing the page shows, even when the change
// keeps every length the fingerprint covers.
func TestFingerprintChanges(t *testing.T) {
	base := Fingerprint(testPage(t))
	if again := Fingerprint(testPage(t)); again != base {
		t.Fatalf("the same page has two fingerprints: %s and %s", base, again)
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, p *Page)
	}{
		{"raw output, same length", func(t *testing.T, p *Page) {
			p.Cells[1].Raw = bytes.Replace(p.Cells[1].Raw, []byte("green"), []byte("GREEN"), 1)
		}},
		{"raw output given to a cell that shows its recorded text", func(t *testing.T, p *Page) {
			p.Cells[2] = &Cell{Raw: []byte("new\n")}
		}},
		{"lesson, same length edit", func(t *testing.T, p *Page) {
			src := bytes.Replace(p.Lesson.Source, []byte("Prose with"), []byte("Prose WITH"), 1)
			l, err := lesson.Parse(p.Lesson.Path, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Source) != len(p.Lesson.Source) || bytes.Equal(l.Source, p.Lesson.Source) {
				t.Fatal("the edit is not a same length edit")
			}
			p.Lesson = l
		}},
		{"lesson, same length edit of a recorded output", func(t *testing.T, p *Page) {
			src := bytes.Replace(p.Lesson.Source, []byte("green <script>"), []byte("GREEN <script>"), 1)
			l, err := lesson.Parse(p.Lesson.Path, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Source) != len(p.Lesson.Source) || bytes.Equal(l.Source, p.Lesson.Source) {
				t.Fatal("the edit is not a same length edit")
			}
			p.Lesson = l
		}},
		{"link target, same length", func(t *testing.T, p *Page) { p.Links["next.md"] = "NEXT.html" }},
		{"link added", func(t *testing.T, p *Page) { p.Links["other.md"] = "other.html" }},
		{"links removed", func(t *testing.T, p *Page) { p.Links = nil }},
		{"badge text, same length", func(t *testing.T, p *Page) { p.Cells[1].Badges[0].Text = "exit 1" }},
		{"badge kind", func(t *testing.T, p *Page) { p.Cells[1].Badges[0].Kind = "fail" }},
		{"badge added", func(t *testing.T, p *Page) {
			p.Cells[1].Badges = append(p.Cells[1].Badges, Badge{Text: "expected error", Kind: "info"})
		}},
		{"badges removed", func(t *testing.T, p *Page) { p.Cells[1].Badges = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPage(t)
			tc.change(t, p)
			if got := Fingerprint(p); got == base {
				t.Errorf("the fingerprint did not change: %s", got)
			}
		})
	}
}

// fingerprintHelperVar makes the test binary, run again by TestFingerprintBuildID, print the fingerprint of
// testPage and nothing else.
const fingerprintHelperVar = "CLASSNOTES_FINGERPRINT_HELPER"

// TestFingerprintHelper prints the fingerprint of testPage when the test binary was started by
// TestFingerprintBuildID; otherwise it does nothing.
func TestFingerprintHelper(t *testing.T) {
	if os.Getenv(fingerprintHelperVar) != "1" {
		t.Skip("run by TestFingerprintBuildID")
	}
	fmt.Printf("fingerprint=%s\n", Fingerprint(testPage(t)))
}

// TestFingerprintBuildID: a runner with another build ID (its executable's Go build ID note) gives the same
// page another fingerprint, so that a new runner draws every page again; a copy of the same runner gives the
// same one. The test runs copies of the test binary, one with a byte of its build ID changed.
func TestFingerprintBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Section(".note.go.buildid")
	if s == nil {
		f.Close()
		t.Fatal("the test binary has no .note.go.buildid section: the build ID cannot reach the fingerprint")
	}
	off, size := int(s.Offset), int(s.Size)
	f.Close()
	// The note: name size, description size and type (4 bytes each), the name "Go\x00\x00", then the ID.
	const idStart = 16
	if size <= idStart || !bytes.HasPrefix(bin[off+12:], []byte("Go\x00\x00")) {
		t.Fatalf("the build ID note is not a Go note: % x", bin[off:off+min(size, 32)])
	}
	dir := t.TempDir()
	run := func(name string, data []byte) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(path, "-test.run=^TestFingerprintHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), fingerprintHelperVar+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		_, fp, ok := strings.Cut(string(out), "fingerprint=")
		fp, _, _ = strings.Cut(fp, "\n")
		if !ok || fp == "" {
			t.Fatalf("%s printed no fingerprint:\n%s", name, out)
		}
		return fp
	}
	same := run("copy.test", bin)
	patched := bytes.Clone(bin)
	if patched[off+idStart] == 'A' {
		patched[off+idStart] = 'B'
	} else {
		patched[off+idStart] = 'A'
	}
	other := run("other.test", patched)
	if want := Fingerprint(testPage(t)); same != want {
		t.Fatalf("a copy of the runner gives the page the fingerprint %s, the runner itself %s", same, want)
	}
	if other == same {
		t.Errorf("a runner with another build ID gives the page the same fingerprint %s", other)
	}
}
