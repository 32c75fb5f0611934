package splice

import (
	"testing"

	"classnotes/runner/lesson"
)

// TestSpliceKeepsBOM: a lesson that starts with a UTF-8 byte-order mark has its cells found, and splicing an
// output and a program into it keeps the mark and every other byte of the author's.
func TestSpliceKeepsBOM(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{
			name: "cell on the first line",
			src:  "\ufeffIn [1]:\n\n```go src=a.go\nold\n```\n\nEnd.\n",
			want: "\ufeffIn [1]:\n\n```go src=a.go\npackage main\n```\n\nOut [1]:\n\n```text fp=0123456789ab\nhi\n```\n\nEnd.\n",
		},
		{
			name: "front matter, CRLF",
			src:  "\ufeff---\r\ntitle: T\r\n---\r\nIn [1]:\r\n\r\n```go src=a.go\r\n```\r\n\r\nOut [1]:\r\n\r\n```text\r\nold\r\n```\r\n",
			want: "\ufeff---\r\ntitle: T\r\n---\r\nIn [1]:\r\n\r\n```go src=a.go\r\npackage main\r\n```\r\n\r\nOut [1]:\r\n\r\n```text fp=0123456789ab\r\nhi\r\n```\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := parse(t, tt.src)
			if len(l.Cells) != 1 {
				t.Fatalf("cells: %d, want 1", len(l.Cells))
			}
			c := l.Cells[0]
			code, changed, err := Code(l, c, []byte("package main\n"))
			if err != nil || !changed {
				t.Fatalf("Code: %+v %v %v", code, changed, err)
			}
			out, changed := Output(l, c, "hi\n", "0123456789ab")
			if !changed {
				t.Fatal("Output: no edit")
			}
			got := apply(t, l.Source, code, out)
			if string(got) != tt.want {
				t.Fatalf("got\n%q\nwant\n%q", got, tt.want)
			}
			l2, err := lesson.Parse("t.md", got)
			if err != nil || len(l2.Cells) != 1 || l2.Cells[0].Out == nil {
				t.Fatalf("spliced lesson: %v", err)
			}
		})
	}
}
