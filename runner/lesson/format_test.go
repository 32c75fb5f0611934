package lesson

import (
	"strings"
	"testing"
)

// TestFormat: the documentation runner help format prints is the doc comment's sections, comment markers and
// the package's own summary left out, every section there.
func TestFormat(t *testing.T) {
	f := Format()
	for _, want := range []string{
		"File format\n===========\n\nA lesson is a CommonMark",
		"\nMarkers the reader cannot see\n=====",
		"\nWhat the runner owns\n=====",
		"\nErrors\n======\n",
		"\n\ttitle: Class 15 — Networking\n", // code blocks keep their tab
	} {
		if !strings.Contains(f, want) {
			t.Errorf("Format() has no %q:\n%s", want, f)
		}
	}
	for _, not := range []string{"Package lesson parses", "\n//", "package lesson"} {
		if strings.Contains(f, not) {
			t.Errorf("Format() has %q:\n%s", not, f)
		}
	}
}
