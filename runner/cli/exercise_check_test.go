package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// netHandout returns the handout of a course whose one lesson has one exercise, a net cell.
func netHandout(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	root := filepath.Join(top, "course")
	writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(root, "lessons", "net.md"), cell(1, "exercise net", exerciseDefault))
	ctx := context.Background()
	render(t, ctx, root)
	out := filepath.Join(top, "handout")
	handOut(t, ctx, root, out)
	return out
}

// TestHandoutSkippedExercise: an exercise that did not run (a net exercise, offline) is not solved: check in
// the handout exits 1.
func TestHandoutSkippedExercise(t *testing.T) {
	ctx, out := context.Background(), netHandout(t)
	code, stdout, _ := runner(t, ctx, out, "check", "--offline")
	if code != exitFailed || !strings.Contains(stdout, "exercises: 0 of 1 solved") {
		t.Errorf("check --offline in the handout: exit %d\n%s", code, stdout)
	}
}
