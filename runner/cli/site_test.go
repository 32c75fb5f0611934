package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIncrementalSite: an unchanged render draws no page again (files untouched); a change draws only the pages
// it shows on; a page kept from earlier renders is byte for byte the page a render from scratch draws; a
// deleted page or a damaged manifest is drawn again.
func TestIncrementalSite(t *testing.T) {
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	a := filepath.Join(dir, "lessons", "a.md")
	b := filepath.Join(dir, "lessons", "b.md")
	writeFile(t, a, "# A\n\nSee [B](b.md).\n\n"+cell(1, "", mainWith("fmt", `	fmt.Println("\x1b[32ma\x1b[0m")`)))
	writeFile(t, b, "# B\n\n"+cell(1, "", mainWith("fmt", `	fmt.Println("b")`)))
	render := func(args ...string) {
		t.Helper()
		code, _, stderr := runner(t, context.Background(), dir, append([]string{"render", "--cache", cacheDir, "--html", "site"}, args...)...)
		if code != exitOK {
			t.Fatalf("render %v: exit %d\n%s", args, code, stderr)
		}
	}
	page := func(name string) string { return filepath.Join(dir, "site", name) }
	past := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	age := func() {
		t.Helper()
		for _, n := range []string{"a.html", "b.html", "index.html"} {
			if err := os.Chtimes(page(n), past, past); err != nil {
				t.Fatal(err)
			}
		}
	}
	touched := func(name string) bool { return !stat(t, page(name)).ModTime().Equal(past) }

	render("lessons")
	age()
	render("lessons")
	for _, n := range []string{"a.html", "b.html", "index.html"} {
		if touched(n) {
			t.Errorf("unchanged render drew %s again", n)
		}
	}

	writeFile(t, b, strings.Replace(readFile(t, b), "# B", "# B, edited", 1))
	render("lessons")
	if touched("a.html") || !touched("b.html") || !touched("index.html") {
		t.Errorf("after editing b.md: a.html drawn %v, b.html %v, index %v; want false, true, true", touched("a.html"), touched("b.html"), touched("index.html"))
	}
	if !strings.Contains(readFile(t, page("b.html")), "B, edited") {
		t.Errorf("b.html does not show the edit")
	}

	// Kept pages are what a render from scratch draws.
	kept := map[string]string{}
	for _, n := range []string{"a.html", "b.html", "index.html"} {
		kept[n] = readFile(t, page(n))
	}
	code, _, stderr := runner(t, context.Background(), dir, "render", "--cache", cacheDir, "--html", "fresh", "lessons")
	if code != exitOK {
		t.Fatalf("fresh render: %d\n%s", code, stderr)
	}
	for n, want := range kept {
		if got := readFile(t, filepath.Join(dir, "fresh", n)); got != want {
			t.Errorf("%s kept differs from %s drawn from scratch", n, n)
		}
	}

	// A page deleted, or a manifest damaged, is drawn again; --force draws everything.
	age()
	if err := os.Remove(page("a.html")); err != nil {
		t.Fatal(err)
	}
	render("lessons")
	if !touched("a.html") || touched("b.html") {
		t.Errorf("after deleting a.html: a drawn %v, b drawn %v", touched("a.html"), touched("b.html"))
	}
	// A page the manifest vouches for is not read back, so a page scribbled over stays until a render draws it
	// again; and a page drawn again with the bytes already on disk is not written (see files.Write).
	scribble := func() {
		for _, n := range []string{"a.html", "b.html"} {
			writeFile(t, page(n), "scribbled\n")
		}
	}
	drawnAgain := func() bool {
		return strings.HasPrefix(readFile(t, page("a.html")), "<!DOCTYPE html>") && strings.HasPrefix(readFile(t, page("b.html")), "<!DOCTYPE html>")
	}
	scribble()
	render("lessons")
	if readFile(t, page("a.html")) != "scribbled\n" || readFile(t, page("b.html")) != "scribbled\n" {
		t.Errorf("pages the manifest vouches for were drawn again")
	}
	writeFile(t, page(manifestName), "{not json")
	render("lessons")
	if !drawnAgain() {
		t.Errorf("after damaging the manifest, the pages were not drawn again")
	}
	scribble()
	render("--force", "lessons")
	if !drawnAgain() {
		t.Errorf("--force did not draw every page")
	}
}
