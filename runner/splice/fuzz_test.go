package splice

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

// FuzzSplice records an output, made from the fuzzer's text, into every cell of a lesson that parses, and the
// same text as the program of every src= cell: the result parses again with the same cells, each cell's
// recorded output is the text written, no byte outside the runner's regions moved, and splicing the same
// outputs again makes no edit. Apply(src, nil) is src.
func FuzzSplice(f *testing.F) {
	f.Add([]byte("In [1]:\n\n```go\nx\n```\n"), "hello\n")
	f.Add([]byte("In [1]:\r\n```go\r\nx\r\n```\r\nOut [1]:\r\n```text\r\nold\r\n```"), "a ``` b\n\ntrailing  ")
	f.Add([]byte("---\ntitle: t\n---\nIn [2]:\n  ~~~go\n  x\n  ~~~\n\nIn [1]:\n````go\n```\n````\n"), "")
	f.Add([]byte("text\n\nIn [1]:\n```go\n```"), "~~~\n```\n````")
	f.Add([]byte("# T\n\nIn [1]:\n\n```go src=a.go\nold\n```\n\nOut [1]:\n\n```text fp=0123456789ab\nold\n```\n\nEnd.\n"),
		"package main\n\nfunc main() {\n\tprintln(\"```\")\n}\n")
	f.Add([]byte("In [1]:\r\n\r\n   ```go src=\"a b.go\" timeout=2s\r\n   ```\r\n\r\nIn [2]:\r\n\r\n```go\r\n```\r\n"), "```\n")
	f.Add([]byte("<details>\n\nIn [3]:\n\n~~~go background ready=out:ok\n~~~\n\n</details>\n\n- Out [3]:\n"), "\t\n  \n\n")
	f.Add([]byte("In [1]:\n```go\nx\n```\nOut [1]:\n\n`````text\n````\n`````\n---\nIn [2]:\n```go\n```\n"), "é\x00\xff\r")
	f.Fuzz(func(t *testing.T, src []byte, text string) {
		if out, err := Apply(src, nil); err != nil || !bytes.Equal(out, src) {
			t.Fatalf("Apply(src, nil) = %q, %v", out, err)
		}
		l, err := lesson.Parse("f.md", src)
		if err != nil || len(l.Cells) == 0 {
			return
		}
		// What the runner writes: valid UTF-8, LF line endings, no lone CR.
		text = strings.ToValidUTF8(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text), "\uFFFD")
		fp := ""
		if len(text)%2 == 1 {
			fp = "0123456789ab"
		}
		once, codes, _ := record(t, l, text, fp)

		l2, err := lesson.Parse("f.md", once)
		if err != nil {
			t.Fatalf("spliced lesson does not parse: %v\n%q", err, once)
		}
		checkAuthorBytes(t, l, l2)
		for _, c := range l2.Cells {
			o := c.Out
			want := withEOL(cellText(c.Number, text), l.EOL)
			if got := string(o.Fence.Text(once)); got != want || o.Fingerprint != fp {
				t.Fatalf("In [%d] output = %q fp=%q, want %q fp=%q\n%q", c.Number, got, o.Fingerprint, want, fp, once)
			}
			if body, ok := codes[c.Number]; ok && string(c.Code.Text(once)) != body {
				t.Fatalf("In [%d] body = %q, want %q", c.Number, c.Code.Text(once), body)
			}
		}
		if twice, _, n := record(t, l2, text, fp); n != 0 || !bytes.Equal(twice, once) {
			t.Fatalf("second splice made %d edits:\n%q\n%q", n, once, twice)
		}
	})
}

// cellText is the output recorded for cell n: the fuzzer's text, made different for each cell.
func cellText(n int, text string) string { return strconv.Itoa(n) + ": " + text }

// record splices cellText as the output of every cell and text as the program of every src= cell whose fence
// it does not close and would not make look unclosed (lesson.Swallows). It returns the result, the bodies
// written into src= cells, and the number of edits.
func record(t *testing.T, l *lesson.Lesson, text, fp string) ([]byte, map[int]string, int) {
	t.Helper()
	var edits []Edit
	codes := map[int]string{}
	for _, c := range l.Cells {
		if line, _ := lesson.Swallows(c.Code.Marker, []byte(text)); c.Attrs.Src != "" && line == 0 {
			e, changed, err := Code(l, c, []byte(text))
			switch {
			case err != nil:
				if !strings.Contains(err.Error(), "would close the "+c.Code.Marker+" fence") {
					t.Fatalf("Code: %v", err)
				}
			case changed:
				edits = append(edits, e)
				codes[c.Number] = string(e.Text)
			}
		}
		if e, changed := Output(l, c, cellText(c.Number, text), fp); changed {
			edits = append(edits, e)
		}
	}
	out, err := Apply(l.Source, edits)
	if err != nil {
		t.Fatal(err)
	}
	return out, codes, len(edits)
}
