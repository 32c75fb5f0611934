package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// editorFiles makes, beside lessons/a.md and lessons/sub/b.md, the files editors leave while a lesson is being
// edited: an Emacs lock (a dangling symbolic link), backups, swap files, a hidden file. None of them is a lesson.
func editorFiles(t *testing.T, dir string) {
	t.Helper()
	lessons := filepath.Join(dir, "lessons")
	writeFile(t, filepath.Join(lessons, "a.md"), cell(1, "", mainWith("fmt", `	fmt.Println("a")`)))
	writeFile(t, filepath.Join(lessons, "sub", "b.md"), "# B\n\nNo cells here.\n")
	for _, lock := range []string{".#a.md", "sub/.#b.md"} {
		if err := os.Symlink("teacher@host.12345:1700000000", filepath.Join(lessons, lock)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"#a.md#", "a.md~", ".a.md.swp", ".hidden.md", "sub/.b.md"} {
		writeFile(t, filepath.Join(lessons, name), "In [1]\n") // not a lesson: an error if it were read
	}
}

// TestFindLessonsSkipsEditorFiles: a directory is searched for lessons without its editors' lock, backup and
// temporary files; an Emacs lock, a dangling link, made render and check exit 2. A file named on the command
// line is read whatever its name.
func TestFindLessonsSkipsEditorFiles(t *testing.T) {
	dir := t.TempDir()
	editorFiles(t, dir)
	app := &App{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getwd: func() (string, error) { return dir, nil }, Getenv: os.Getenv}
	tests := []struct {
		paths   []string
		want    []string
		wantErr string
	}{
		{[]string{"lessons"}, []string{"lessons/a.md", "lessons/sub/b.md"}, ""},
		{[]string{"lessons/sub"}, []string{"lessons/sub/b.md"}, ""},
		{[]string{"lessons/.hidden.md", "lessons/a.md~"}, []string{"lessons/.hidden.md", "lessons/a.md~"}, ""},
		{[]string{"lessons/.#a.md"}, nil, "lessons/.#a.md: no such file or directory"}, // named, so looked for
	}
	for _, tt := range tests {
		got, err := app.findLessons(tt.paths)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("findLessons(%q) = %q, %q; want %q, %q", tt.paths, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

// TestVerbsSkipEditorFiles runs list, render and check on a directory that holds editors' files beside its
// lessons: they succeed, and a lesson named explicitly is still read (and here refused).
func TestVerbsSkipEditorFiles(t *testing.T) {
	dir := t.TempDir()
	editorFiles(t, dir)
	ctx := context.Background()
	for _, args := range [][]string{
		{"list", "lessons"},
		{"render", "--no-html", "lessons"},
		{"check", "lessons"},
	} {
		if code, _, stderr := runner(t, ctx, dir, args...); code != exitOK {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", args, code, exitOK, stderr)
		}
	}
	if out := outputs(t, readFile(t, filepath.Join(dir, "lessons", "a.md")))[1]; out != "a\n" {
		t.Errorf("lessons/a.md: In [1] recorded %q, want %q", out, "a\n")
	}
	code, _, stderr := runner(t, ctx, dir, "list", "lessons/.hidden.md")
	if want := `lessons/.hidden.md:1:1: malformed marker "In [1]": write it as In [1]:`; code != exitBadInput || !strings.Contains(stderr, want) {
		t.Errorf("list lessons/.hidden.md: exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, exitBadInput, want)
	}
}
