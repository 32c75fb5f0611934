package splice

import (
	"bytes"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// FuzzSplice records an output (made from the fuzzer's text) into every cell of a lesson that parses: the
// result parses again with the same cells, each cell's recorded body is the text written, and splicing the same
// outputs again is byte-identical.
func FuzzSplice(f *testing.F) {
	f.Add([]byte("In [1]:\n\n```go\nx\n```\n"), "hello\n")
	f.Add([]byte("In [1]:\r\n```go\r\nx\r\n```\r\nOut [1]:\r\n```text\r\nold\r\n```"), "a ``` b\n\ntrailing  ")
	f.Add([]byte("---\ntitle: t\n---\nIn [2]:\n  ~~~go\n  x\n  ~~~\n\nIn [1]:\n````go\n```\n````\n"), "")
	f.Add([]byte("text\n\nIn [1]:\n```go\n```"), "~~~\n```\n````")
	f.Fuzz(func(t *testing.T, src []byte, text string) {
		if out, err := Apply(src, nil); err != nil || !bytes.Equal(out, src) {
			t.Fatalf("Apply(src, nil) changed the source")
		}
		l, err := lesson.Parse("f.md", src)
		if err != nil || len(l.Cells) == 0 {
			return
		}
		// What the runner writes: valid UTF-8, LF line endings, no lone CR.
		text = strings.ToValidUTF8(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text), "\uFFFD")
		once := record(t, l, text)
		l2, err := lesson.Parse("f.md", once)
		if err != nil {
			t.Fatalf("spliced lesson does not parse: %v\n%q", err, once)
		}
		if len(l2.Cells) != len(l.Cells) {
			t.Fatalf("cells: %d before, %d after\n%q", len(l.Cells), len(l2.Cells), once)
		}
		want := strings.ReplaceAll(withEOL(text, "\n"), "\n", l.EOL)
		for _, c := range l2.Cells {
			if c.Output == nil {
				t.Fatalf("In [%d] has no output after splicing\n%q", c.Number, once)
			}
			if got := string(c.Output.Fence.Text(once)); got != want {
				t.Fatalf("In [%d] output = %q, want %q", c.Number, got, want)
			}
		}
		if twice := record(t, l2, text); !bytes.Equal(twice, once) {
			t.Fatalf("second splice changed the lesson:\n%q\n%q", once, twice)
		}
	})
}

func record(t *testing.T, l *lesson.Lesson, text string) []byte {
	var edits []Edit
	for _, c := range l.Cells {
		if e, changed := Output(l, c, text, ""); changed {
			edits = append(edits, e)
		}
	}
	out, err := Apply(l.Source, edits)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
