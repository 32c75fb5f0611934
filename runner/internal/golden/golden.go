// Package golden compares what a test makes with a golden file under testdata/, and rewrites the golden files
// when the tests run with -update (`make golden` runs every package that has some). It is for tests only, and
// it is the one place that defines the -update flag: a test package never defines its own.
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the tests make now, instead of comparing")

// Update reports whether the tests run with -update, for a test that must know before it checks (one that
// rewrites a file its own test binary embeds, say).
func Update() bool { return *update }

// Check fails the test unless got is byte for byte the golden file at path; with -update it first writes got
// there. The message names the first line that differs.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update makes it)", err)
	}
	if !bytes.Equal(got, want) {
		line, g, w := firstDiff(got, want)
		t.Errorf("%s differs from what the test made at line %d (go test -update rewrites it):\n got: %q\nwant: %q\nall it made:\n%s",
			path, line, g, w, got)
	}
}

// firstDiff returns the number of the first line where got and want differ, and that line of each (with its
// line ending, so that a lone CR shows).
func firstDiff(got, want []byte) (n int, g, w []byte) {
	for n = 1; ; n++ {
		g, got = cut(got)
		w, want = cut(want)
		if !bytes.Equal(g, w) || len(got) == 0 && len(want) == 0 {
			return n, g, w
		}
	}
}

// cut returns the first line of b, its "\n" included, and the rest.
func cut(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}
