package jupyter

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestForKernel: the cells that nbclient must not run (servers) and those whose failure must not stop the run
// (expect=error) get their tags, every other cell none; the source and the cell's classnotes metadata are
// those of a cell without them.
func TestForKernel(t *testing.T) {
	const program = "package main\n\nfunc main() {}\n"
	for _, tc := range []struct {
		attrs string
		tags  []string
	}{
		{"", nil},
		{"net", nil},
		{"compare=unordered", nil},
		{"timeout=5s", nil},
		{"background ready=tcp:127.0.0.1:50007", []string{"skip-execution"}},
		{"background", []string{"skip-execution"}},
		{"expect=error", []string{"raises-exception"}},
		{"background expect=error", []string{"skip-execution", "raises-exception"}},
	} {
		src := "# T\n\nIn [1]:\n\n```go " + tc.attrs + "\n" + program + "```\n"
		cells := rawCells(t, exportOf(t, src, nil))
		if len(cells) != 2 {
			t.Fatalf("%q: %d cells, want 2", tc.attrs, len(cells))
		}
		var meta struct {
			Tags       []string
			Classnotes map[string]any
		}
		if err := json.Unmarshal(cells[1]["metadata"], &meta); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(meta.Tags, tc.tags) {
			t.Errorf("%q: tags %q, want %q", tc.attrs, meta.Tags, tc.tags)
		}
		if got, _ := meta.Classnotes["attrs"].(string); got != tc.attrs {
			t.Errorf("%q: metadata.classnotes.attrs %q", tc.attrs, got)
		}
		var source []string
		if err := json.Unmarshal(cells[1]["source"], &source); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(source, ""); got != "func main() {}" {
			t.Errorf("%q: source %q, want the program without its package clause", tc.attrs, got)
		}
	}
}
