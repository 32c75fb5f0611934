package lesson

import "testing"

// FuzzParse: Parse never panics, and every span it returns lies inside the source, in order.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"# T\n\nIn [1]:\n\n```go\npackage main\n```\n\nOut [1]:\n\n```text\nhi\n```\n",
		"---\ntitle: x\nnormalize:\n  - pattern: a\n    replace: b\n---\nIn [2]:\r\n~~~go timeout=1s\r\nx\r\n~~~\r\n",
		"In [1]:\n  ```go src=\"a b.go\" background ready=tcp:127.0.0.1:9\n  ```\nOut [1]:\n````text\n```\n````",
		"In [1]:\n\n```go\n",
		"- In [1]:\n\n  ```go\n  x\n  ```\n> Out [1]:\n",
		"In [1]:\n```go compare=unordered expect=error net\n```\nOut [1]:\n```text\n```",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		l, err := Parse("f.md", src)
		if l == nil {
			if err == nil {
				t.Fatal("no lesson and no error")
			}
			return
		}
		n := len(src)
		for _, c := range l.Cells {
			checkFence(t, c.Code, n)
			if c.Output != nil {
				o := c.Output
				checkFence(t, o.Fence, n)
				if !(c.Code.End <= o.Start && o.Start <= o.Fence.Start && o.End == o.Fence.End) {
					t.Fatalf("output span [%d,%d) out of order with code end %d", o.Start, o.End, c.Code.End)
				}
			}
		}
	})
}

func checkFence(t *testing.T, f Fence, n int) {
	t.Helper()
	if !(0 <= f.Start && f.Start <= f.Body && f.Body <= f.BodyEnd && f.BodyEnd <= f.End && f.End <= n) {
		t.Fatalf("fence offsets out of order or outside the source (size %d): %+v", n, f)
	}
}
