package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// stamp matches the first line each cell of killedLesson prints, different at every run.
var stamp = regexp.MustCompile(`cell (\d+) stamp (\d+)`)

// killedLesson returns a lesson of a few MB: author prose, and cells that each print a line that differs at
// every run and then 500 KB, so that every render with --force writes the lesson anew, some 5 MB.
func killedLesson() string {
	var b strings.Builder
	b.WriteString("# A large lesson\n\n")
	for n := 1; n <= 3; n++ {
		for i := range 12000 {
			fmt.Fprintf(&b, "Prose %d.%d: the author wrote this line to make the lesson large enough to matter.\n", n, i)
		}
		b.WriteString("\n")
		b.WriteString(cell(n, "", mainWith("bufio fmt os strings time", fmt.Sprintf(`	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "cell %d stamp %%d\n", time.Now().UnixNano())
	line := strings.Repeat("x", 99)
	for range 5000 {
		fmt.Fprintln(w, line)
	}
	w.Flush()`, n))))
	}
	return b.String()
}

// rerendered returns the lesson that a complete render of prev writes when its cells print the stamps found in
// got: prev with each cell's stamp replaced by got's.
func rerendered(prev, got string) (string, bool) {
	old, now := stamp.FindAllStringSubmatchIndex(prev, -1), stamp.FindAllStringSubmatch(got, -1)
	if len(old) == 0 || len(old) != len(now) {
		return "", false
	}
	var b strings.Builder
	last := 0
	for i, m := range old {
		if prev[m[2]:m[3]] != now[i][1] {
			return "", false
		}
		b.WriteString(prev[last:m[0]])
		b.WriteString(now[i][0])
		last = m[1]
	}
	b.WriteString(prev[last:])
	return b.String(), true
}

// tempFiles returns the names of the temporary files beside the lesson l.md in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".l.md.") && strings.HasSuffix(e.Name(), ".tmp") {
			names = append(names, e.Name())
		}
	}
	return names
}

// TestRenderKilled kills the runner with SIGKILL at random moments of the render of a large lesson, 50 times:
// the lesson is always the old bytes or the complete new ones, never a mix, and the temporary files the killed
// runners leave are gone after the next complete render.
func TestRenderKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner and renders a 5 MB lesson 50 times")
	}
	dir := t.TempDir()
	bin := buildRunner(t, dir)
	lessons := filepath.Join(dir, "lessons")
	tmp := filepath.Join(dir, "tmp") // what killed runners leave of their own goes here
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(lessons, "l.md")
	writeFile(t, path, killedLesson())
	render := func(ctx context.Context) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, "render", "--force", "--no-html", "--quiet", "l.md")
		cmd.Dir = lessons
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		return cmd
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	full := func() time.Duration {
		t.Helper()
		start := time.Now()
		if out, err := render(ctx).CombinedOutput(); err != nil {
			t.Fatalf("render: %v\n%s", err, out)
		}
		return time.Since(start)
	}
	full() // builds the cells and records their outputs
	var took time.Duration
	for range 2 {
		took = max(took, full())
	}

	var old, rewritten, leftBehind int
	for i := range 50 {
		prev := readFile(t, path)
		cmd := render(ctx)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := rand.N(took)
		time.Sleep(delay)
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil && cmd.ProcessState.ExitCode() != -1 { // -1: killed
			t.Fatalf("kill %d: render: %v", i, err)
		}
		got := readFile(t, path)
		switch want, ok := rerendered(prev, got); {
		case got == prev:
			old++
		case ok && got == want:
			rewritten++
		default:
			t.Fatalf("kill %d after %v: the lesson (%d bytes) is neither the old one (%d bytes) nor a complete render of it",
				i, delay, len(got), len(prev))
		}
		if len(tempFiles(t, lessons)) > 0 {
			leftBehind++
		}
	}
	t.Logf("render takes %v; 50 kills: %d left the old lesson, %d the new one; %d left a temporary file",
		took, old, rewritten, leftBehind)

	full()
	if left := tempFiles(t, lessons); len(left) > 0 {
		t.Errorf("temporary files left after a complete render: %v", left)
	}
}
