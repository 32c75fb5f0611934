package exercise

import (
	"bytes"
	"testing"
)

// FuzzStarter checks, for any source: no panic; errors in order and inside the source; when Find reports no
// error, a handout with no marker line, no solution line that the source has only inside its regions, and lines
// mapped in order (checkHandout); a source without markers (as Markers sees it) is its own handout.
func FuzzStarter(f *testing.F) {
	for _, tt := range starterTests {
		f.Add([]byte(tt.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, lines, errs := Starter(src)
		nlines := len(splitLines(src))
		for i, e := range errs {
			if e.Line < 1 || e.Line > nlines || e.Col < 1 {
				t.Fatalf("error %q outside the source's %d lines", e, nlines)
			}
			if i > 0 && (e.Line < errs[i-1].Line || e.Line == errs[i-1].Line && e.Col < errs[i-1].Col) {
				t.Fatalf("errors not in order: %q", errs)
			}
		}
		if len(errs) == 0 {
			checkHandout(t, src, out, lines)
		}
		if len(Markers(src)) == 0 {
			if len(errs) > 0 || !bytes.Equal(out, src) {
				t.Fatalf("no markers in %q, but Starter = %q, %q", src, out, errs)
			}
		}
	})
}
