package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writerVerbs are the verbs that write over a file that is there already, besides import --force (see
// TestImportOutRefused): each names the file it writes for lesson a.md, and its arguments.
var writerVerbs = []struct {
	name, target string
	args         []string
}{
	{"export", "nb/a.ipynb", []string{"export", "--out", "nb", "a.md"}},
	{"check --json", "report.json", []string{"check", "--json", "report.json", "a.md"}},
	{"render's site", "site/a.html", []string{"render", "--html", "site", "a.md"}},
}

// TestEveryWriterRefuses: every verb that writes over a file refuses what render refuses for a lesson (a
// read-only file, a file with other hard links, a device, a dangling symbolic link) and leaves it as it was;
// through a symbolic link to a file it writes the file, keeping the link and the file's mode.
func TestEveryWriterRefuses(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir, target string)
		want  string // in stderr; "" when the verb writes through
	}{
		{"read-only", func(t *testing.T, dir, target string) {
			writeFile(t, target, "mine\n")
			if err := os.Chmod(target, 0o444); err != nil {
				t.Fatal(err)
			}
		}, "read-only file; not written"},
		{"hard link", func(t *testing.T, dir, target string) {
			writeFile(t, target, "mine\n")
			if err := os.Link(target, filepath.Join(dir, "other-name")); err != nil {
				t.Fatal(err)
			}
		}, "other hard links"},
		{"device", func(t *testing.T, dir, target string) {
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := mkchar(target, 1, 3); err != nil { // the null device's numbers
				t.Skipf("cannot make a device node: %v", err)
			}
		}, "not a regular file (a character device)"},
		{"dangling symlink", func(t *testing.T, dir, target string) {
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(dir, "nowhere"), target); err != nil {
				t.Fatal(err)
			}
		}, "does not exist"},
		{"symlink to a file", func(t *testing.T, dir, target string) {
			writeFile(t, filepath.Join(dir, "real"), "mine\n")
			if err := os.Chmod(filepath.Join(dir, "real"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(dir, "real"), target); err != nil {
				t.Fatal(err)
			}
		}, ""},
	}
	for _, v := range writerVerbs {
		for _, tc := range cases {
			t.Run(v.name+"/"+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, "a.md"), "# A\n\n"+cell(1, "", mainWith("fmt", `	fmt.Println("hi")`))+"Out [1]:\n\n```text\nhi\n```\n")
				target := filepath.Join(dir, v.target)
				tc.setup(t, dir, target)
				before := lstat(t, target)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				code, stdout, stderr := runner(t, ctx, dir, v.args...)
				if tc.want == "" {
					real := filepath.Join(dir, "real")
					if code != exitOK || lstat(t, target).Mode()&fs.ModeSymlink == 0 || readFile(t, real) == "mine\n" ||
						lstat(t, real).Mode() != 0o600 {
						t.Errorf("exit %d, stderr %s; the link kept: %v, the file written: %q, its mode %v", code, stderr,
							lstat(t, target).Mode()&fs.ModeSymlink != 0, readFile(t, real)[:min(20, len(readFile(t, real)))], lstat(t, real).Mode())
					}
					return
				}
				if code == exitOK || !strings.Contains(stderr, tc.want) {
					t.Errorf("exit %d\nstdout %s\nstderr %s\nwant a failure and %q", code, stdout, stderr, tc.want)
				}
				sameNode(t, target, before)
				if before.Mode().IsRegular() && readFile(t, target) != "mine\n" {
					t.Errorf("%s lost its text", target)
				}
			})
		}
	}
}

// TestImportDeviceNotebook: a device node as the notebook is refused before anything is read from it.
func TestImportDeviceNotebook(t *testing.T) {
	dir := t.TempDir()
	if err := mkchar(filepath.Join(dir, "dev.ipynb"), 1, 5); err != nil { // the zero device's numbers
		t.Skipf("cannot make a device node: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, _, stderr := runner(t, ctx, dir, "import", "dev.ipynb")
	if code != exitBadInput || !strings.Contains(stderr, "not a regular file (a character device)") {
		t.Errorf("import of a device: exit %d %s", code, stderr)
	}
}
