package splice

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const program = "package main\n\nfunc main() {}\n"

// outputText is what the golden tests record for cell n.
func outputText(n int) string {
	if n == 1 {
		return "output of In [1]\nwith a ```` run\n"
	}
	return fmt.Sprintf("output of In [%d]\n", n)
}

// spliceAll records outputText for every cell and program for every src= cell.
func spliceAll(t *testing.T, l *lesson.Lesson) ([]byte, int) {
	t.Helper()
	var edits []Edit
	for _, c := range l.Cells {
		if c.Attrs.Src != "" {
			e, changed, err := Code(l, c, []byte(program))
			if err != nil {
				t.Fatal(err)
			}
			if changed {
				edits = append(edits, e)
			}
		}
		if e, changed := Output(l, c, outputText(c.Number), "0123456789ab"); changed {
			edits = append(edits, e)
		}
	}
	out, err := Apply(l.Source, edits)
	if err != nil {
		t.Fatal(err)
	}
	return out, len(edits)
}

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.md")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lesson.Parse(file, src)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := spliceAll(t, l)
			golden := strings.TrimSuffix(file, ".md") + ".golden"
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update makes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("spliced %s differs from %s:\n%s", file, golden, got)
			}

			// Splicing the result again changes nothing.
			again, err := lesson.Parse(golden, got)
			if err != nil {
				t.Fatal(err)
			}
			if out, n := spliceAll(t, again); n != 0 || !bytes.Equal(out, got) {
				t.Errorf("second splice made %d edits", n)
			}
		})
	}
}

func TestApply(t *testing.T) {
	src := []byte("0123456789")
	if out, err := Apply(src, nil); err != nil || !bytes.Equal(out, src) {
		t.Errorf("Apply(src, nil) = %q, %v", out, err)
	}
	out, err := Apply(src, []Edit{{Start: 8, End: 9, Text: []byte("X")}, {Start: 1, End: 3, Text: []byte("ab")}, {Start: 5, End: 5, Text: []byte("+")}})
	if err != nil || string(out) != "0ab34+567X9" {
		t.Errorf("Apply = %q, %v", out, err)
	}
	for _, bad := range [][]Edit{
		{{Start: 1, End: 5}, {Start: 4, End: 6}},
		{{Start: 5, End: 11}},
		{{Start: 5, End: 4}},
	} {
		if _, err := Apply(src, bad); err == nil {
			t.Errorf("Apply accepted %v", bad)
		}
	}
}

func TestFence(t *testing.T) {
	tests := map[string]string{"": "```", "no ticks": "```", "a `tick`": "```", "``": "```", "```": "````", "x ````` y ``": "``````"}
	for text, want := range tests {
		if got := Fence(text); got != want {
			t.Errorf("Fence(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestOutputBlock(t *testing.T) {
	tests := []struct {
		text, fp, eol, want string
	}{
		{"hi\n", "", "\n", "Out [3]:\n\n```text\nhi\n```"},
		{"hi\n", "0123456789ab", "\n", "Out [3]:\n\n```text fp=0123456789ab\nhi\n```"},
		{"a\nb", "", "\r\n", "Out [3]:\r\n\r\n```text\r\na\r\nb\r\n```"},
		{"", "", "\n", "Out [3]:\n\n```text\n```"},
		{"```\n", "", "\n", "Out [3]:\n\n````text\n```\n````"},
	}
	for _, tt := range tests {
		if got := string(OutputBlock(3, tt.text, tt.fp, tt.eol)); got != tt.want {
			t.Errorf("OutputBlock(%q, %q) = %q, want %q", tt.text, tt.eol, got, tt.want)
		}
	}
}

func TestCodeRefusesClosingLine(t *testing.T) {
	l, err := lesson.Parse("t.md", []byte("In [1]:\n\n```go src=a.go\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Code(l, l.Cells[0], []byte("package main\n\n// ```\nfunc main() {}\n"))
	if err != nil {
		t.Errorf("a backtick run inside a line was refused: %v", err)
	}
	_, _, err = Code(l, l.Cells[0], []byte("package main\n\n/*\n```\n*/\nfunc main() {}\n"))
	if err == nil || !strings.Contains(err.Error(), "t.md:3:1: In [1]: a.go contains a line that would close the ``` fence") {
		t.Errorf("err = %v", err)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.md")
	old := []byte("old\n")
	os.WriteFile(path, old, 0o600)
	before, _ := os.Stat(path)

	if written, err := WriteFile(path, old, old); written || err != nil {
		t.Errorf("unchanged: written %v, err %v", written, err)
	}
	if after, _ := os.Stat(path); !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("unchanged file was touched")
	}
	if written, err := WriteFile(path, old, []byte("new\n")); !written || err != nil {
		t.Fatalf("written %v, err %v", written, err)
	}
	info, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != "new\n" || info.Mode().Perm() != 0o600 {
		t.Errorf("file = %q, mode %v", b, info.Mode().Perm())
	}

	// The file changed on disk since it was read: refuse, keep the edit.
	os.WriteFile(path, []byte("edited by hand\n"), 0o600)
	if _, err := WriteFile(path, []byte("new\n"), []byte("newer\n")); !errors.Is(err, ErrChanged) {
		t.Errorf("err = %v, want ErrChanged", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "edited by hand\n" {
		t.Errorf("the edit on disk was lost: %q", b)
	}

	// A link is followed: the file it points to is replaced, the link stays a link.
	link := filepath.Join(dir, "link.md")
	os.Symlink(path, link)
	if _, err := WriteFile(link, []byte("edited by hand\n"), []byte("via link\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "via link\n" {
		t.Errorf("target = %q", b)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
