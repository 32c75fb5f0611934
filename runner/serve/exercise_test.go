package serve

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/compare"
)

// TestHandoutExercise: serve on a student's handout runs an exercise like any cell, streaming what the student's
// program prints, and its end says whether it matches the expected output (want=): a hidden one with no diff,
// which would show the answer. Accept never replaces an expected output.
func TestHandoutExercise(t *testing.T) {
	want := (&compare.Normalizer{}).Digest("42\n", "")
	exercise := func(n int, attrs, prints, shown string) string {
		return cell(n, attrs, fmt.Sprintf("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(%s) }\n", prints)) +
			fmt.Sprintf("Out [%d]:\n\n```text want=%s\n%s```\n\n", n, want, shown)
	}
	src := "# Handout\n\n" + exercise(1, "exercise", "42", "42\n") + exercise(2, "exercise", "41", "42\n") +
		exercise(3, "exercise hide", "41", "(hidden)\n")
	f := newFixture(t, false, map[string]string{"h.md": src})
	events := f.events(t)
	path := filepath.Join(f.dir, "h.md")
	for _, c := range []struct {
		cell          int
		printed       string
		verdict       string
		diff, badge   string
		noDiffContent string
	}{
		{1, "42\n", "matches", "", "expected output", ""},
		{2, "41\n", "differs", "+41", "expected output", ""},
		{3, "41\n", "differs", "", "expected output hidden", "42"},
	} {
		run := f.startRun(t, "h.md", c.cell)
		got, printed := until(t, events, c.cell, "end")
		end := got[len(got)-1].data
		if printed != c.printed || end["verdict"] != c.verdict || !strings.Contains(fmt.Sprint(end["badges"]), c.badge) {
			t.Errorf("In [%d]: printed %q, end %v", c.cell, printed, end)
		}
		diff, _ := end["diff"].(string)
		if (c.diff == "") != (diff == "") || !strings.Contains(diff, c.diff) || (c.noDiffContent != "" && strings.Contains(diff, c.noDiffContent)) {
			t.Errorf("In [%d]: diff %q", c.cell, diff)
		}
		code, body := f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"h.md","cell":%d,"run":%q}`, c.cell, run), true)
		if code != http.StatusOK || strings.Contains(body, `"written":true`) {
			t.Errorf("In [%d]: accept: %d %s", c.cell, code, body)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != src {
			t.Fatalf("In [%d]: the handout's lesson changed: %v\n%s", c.cell, err, b)
		}
	}
}
