package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a test that records its first failure instead of failing.
type recorder struct {
	testing.TB
	failure string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }

func (r *recorder) Fatalf(format string, args ...any) { r.fail(fmt.Sprintf(format, args...)) }

func (r *recorder) Fatal(args ...any) { r.fail(fmt.Sprint(args...)) }

func (r *recorder) fail(s string) {
	if r.failure == "" {
		r.failure = s
	}
}

// TestCheck: Check passes on the golden bytes only, and a failure names the file and the line that differs.
func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, got, failure string // failure: "" if Check passes, else what its message must hold
	}{
		{path, "one\ntwo\n", ""},
		{path, "one\ntwo\r\n", path + " differs from what the test made at line 2"},
		{path, "one\n", "line 2"},
		{path + ".missing", "one\ntwo\n", "go test -update makes it"},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		Check(r, tt.path, []byte(tt.got))
		if tt.failure == "" && r.failure != "" || !strings.Contains(r.failure, tt.failure) {
			t.Errorf("Check(%s, %q) failed with %q, want a failure with %q", filepath.Base(tt.path), tt.got, r.failure, tt.failure)
		}
	}
}

func TestFirstDiff(t *testing.T) {
	tests := []struct {
		got, want string
		n         int
		g, w      string
	}{
		{"a\nb\nc\n", "a\nB\nc\n", 2, "b\n", "B\n"},
		{"a\r\nb\n", "a\nb\n", 1, "a\r\n", "a\n"},
		{"a\nb\n", "a\nb\nc\n", 3, "", "c\n"},
		{"a\nb", "a\nb\n", 2, "b", "b\n"},
		{"", "x", 1, "", "x"},
	}
	for _, tt := range tests {
		n, g, w := firstDiff([]byte(tt.got), []byte(tt.want))
		if n != tt.n || string(g) != tt.g || string(w) != tt.w {
			t.Errorf("firstDiff(%q, %q) = %d, %q, %q; want %d, %q, %q", tt.got, tt.want, n, g, w, tt.n, tt.g, tt.w)
		}
	}
}
