package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"classnotes/runner/compare"
	"classnotes/runner/engine"
	"classnotes/runner/jupyter"
	"classnotes/runner/lesson"
	"classnotes/runner/output"
)

var gonbFlag = flag.String("gonb", "", "the directory .ci/gonb sets up (GoNB, goimports, GoNB's kernelspec): TestGoNB runs the exported lessons in it (make test-gonb)")

// TestGoNB executes the exported lessons in GoNB, as a student with GoNB runs them top to bottom (jupyter
// nbconvert --execute, one kernel per notebook), and compares every cell's output with the lesson's Out [N],
// as check does: the lesson's normalisation, its compare= modes, net cells skipped (offline, as CI is).
// Server cells are tagged skip-execution on export (nbclient skips them: they would hold the kernel); the
// test starts each one through the engine when nbclient reaches it (testdata/gonb_hooks.py), as a student
// starts it from a terminal, stops them all at the end, and compares their outputs too: what they printed
// while GoNB's cells talked to them.
//
// It runs alone, after go test ./... (make test-gonb): Class 16's servers listen on fixed ports, which the
// other packages' tests use too. It logs a table of every cell: lesson, cell, verdict, what ran it.
func TestGoNB(t *testing.T) {
	gonb, nbconvert := gonbSetup(t)
	root, work := repoRoot(t), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	exported := filepath.Join(work, "exported")
	if code, stdout, stderr := runner(t, ctx, root, "export", "--out", exported, "lessons"); code != 0 {
		t.Fatalf("export: exit %d\n%s%s", code, stdout, stderr)
	}
	lessons, err := filepath.Glob(filepath.Join(root, "lessons", "*.md"))
	if err != nil || len(lessons) < 2 {
		t.Fatalf("lessons: %q %v", lessons, err)
	}
	e, err := engine.New(engine.Config{Timeout: 10 * time.Second, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows []gonbRow
	for _, path := range lessons {
		name := "lessons/" + filepath.Base(path)
		l, err := e.Load(name, path)
		if err != nil {
			t.Fatal(err)
		}
		nb := strings.TrimSuffix(filepath.Base(path), ".md") + ".ipynb"
		rows = append(rows, runNotebook(t, ctx, e, l, &gonbRun{
			gonb: gonb, nbconvert: nbconvert, exported: filepath.Join(exported, nb), work: work,
		})...)
	}
	var table strings.Builder
	table.WriteString("GoNB, cell by cell:\n| lesson | cell | verdict | how |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&table, "| %s | In [%d] | %s | %s |\n", r.lesson, r.cell, r.verdict, r.how)
	}
	t.Log(table.String())
	for _, r := range rows {
		if r.failed {
			t.Errorf("%s: In [%d]: %s (%s)\n%s", r.lesson, r.cell, r.verdict, r.how, r.diff)
		}
	}
}

// gonbSetup returns the directory .ci/gonb set up and the path of jupyter-nbconvert. The test skips, saying
// why, without -gonb or without what it needs; in CI (CI=true), where .ci/run sets everything up, it fails.
func gonbSetup(t *testing.T) (gonb, nbconvert string) {
	t.Helper()
	if *gonbFlag == "" {
		t.Skip("skipped: no -gonb DIR; make test runs this test alone after go test ./... (make test-gonb), with the GoNB that .ci/gonb sets up")
	}
	missing := func(format string, v ...any) {
		msg := fmt.Sprintf(format, v...)
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; in CI .ci/run sets it up, and this test must run", msg)
		}
		t.Skipf("skipped: %s", msg)
	}
	gonb, err := filepath.Abs(*gonbFlag)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"bin/gonb", "bin/goimports", "jupyter/kernels/gonb/kernel.json"} {
		if _, err := os.Stat(filepath.Join(gonb, f)); err != nil {
			missing("GoNB is not set up in %s (%v): run .ci/gonb", gonb, err)
		}
	}
	nbconvert, err = exec.LookPath("jupyter-nbconvert")
	if err != nil {
		missing("jupyter-nbconvert not found; install Debian's jupyter-nbconvert and python3-jupyter-client")
	}
	// Debian's jupyter-nbconvert runs /usr/bin/python3, where nbclient and jupyter_client are installed.
	if b, err := exec.Command("/usr/bin/python3", "-c", "import nbclient, jupyter_client").CombinedOutput(); err != nil {
		missing("/usr/bin/python3 cannot import nbclient and jupyter_client (%v: %s); install Debian's python3-nbclient and python3-jupyter-client", err, strings.TrimSpace(string(b)))
	}
	return gonb, nbconvert
}

// gonbRow is a line of TestGoNB's table: how one cell went in GoNB.
type gonbRow struct {
	lesson  string
	cell    int
	verdict string // an engine.Verdict's name, or "skipped"
	how     string // what ran the cell, and anything worth knowing
	diff    string
	failed  bool
}

// gonbRun is where one notebook is run: GoNB's directory, nbconvert, the exported notebook, a work directory.
type gonbRun struct {
	gonb, nbconvert, exported, work string
}

// runNotebook runs the exported notebook of lesson l in GoNB and returns a row for each of its cells.
func runNotebook(t *testing.T, ctx context.Context, e *engine.Engine, l *engine.Lesson, g *gonbRun) []gonbRow {
	t.Helper()
	base := strings.TrimSuffix(filepath.Base(g.exported), ".ipynb")
	in, out := filepath.Join(g.work, "in", base+".ipynb"), filepath.Join(g.work, "out", base+".ipynb")
	skipped := prepareNotebook(t, e, l, g.exported, in)
	servers, err := startHook(e, l)
	if err != nil {
		t.Fatal(err)
	}
	log, runErr := g.execute(ctx, t, in, out, servers.addr())
	results, stopErr := servers.stop()
	if stopErr != nil {
		t.Errorf("%s: stopping the servers: %v", l.Name, stopErr)
	}
	if runErr != nil {
		t.Fatalf("%s: jupyter nbconvert --execute: %v\n%s", l.Name, runErr, log)
	}
	var want []int
	for _, p := range l.Plan.Programs {
		want = append(want, p.Cell.Number)
	}
	if got := servers.reached(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: nbclient's hook was called for the cells %v, want %v: did nbconvert load testdata/gonb_hooks.py?", l.Name, got, want)
	}
	executed := readNotebook(t, out)
	var rows []gonbRow
	for _, p := range l.Plan.Programs {
		n := p.Cell.Number
		if skipped[n] != "" {
			rows = append(rows, gonbRow{lesson: l.Name, cell: n, verdict: "skipped", how: skipped[n] + " (the test tags it skip-execution)"})
			continue
		}
		if !p.Cell.Attrs.Background && executed[n] == nil {
			t.Fatalf("%s: the executed notebook has no cell In [%d]", l.Name, n)
		}
		rows = append(rows, cellRow(l, p.Cell, results[n], executed[n]))
	}
	return rows
}

// cellRow compares what a cell printed with its Out [N]: a server's output as the engine recorded it (r), or
// what GoNB showed of any other cell (executed).
func cellRow(l *engine.Lesson, c *lesson.Cell, r *engine.Result, executed *jupyter.Cell) gonbRow {
	row := gonbRow{lesson: l.Name, cell: c.Number}
	var cmp engine.Comparison
	var fresh string
	switch {
	case c.Attrs.Background && r == nil:
		row.verdict, row.how, row.failed = "not run", "the test did not start this server", true
		return row
	case c.Attrs.Background:
		cmp, fresh = engine.Compare(l, r), r.Text
		row.how = "server, skip-execution: the test started it when nbclient reached it, and " + r.Outcome() + " at the end; its clients ran in GoNB"
	default:
		fresh = kernelText(executed)
		cmp = engine.CompareText(l, c, fresh)
		row.how = "GoNB"
		if c.Attrs.Expect == "error" {
			row.how += ", expect=error (raises-exception): the failure and its exit status on stderr"
		}
	}
	row.verdict, row.diff = cmp.Verdict.String(), cmp.Diff
	row.failed = cmp.Verdict == engine.Differs || cmp.Verdict == engine.NoRecord
	if cmp.Verdict == engine.Matches {
		row.how += normalised(l, c, fresh)
	}
	return row
}

// normalised says, of a fresh output that matches the notes, what made it match when it is not the same text:
// the lesson's rules that changed either side, or compare=unordered.
func normalised(l *engine.Lesson, c *lesson.Cell, fresh string) string {
	rec := c.Out.Recorded(l.Source().Source)
	if rec == fresh {
		return ""
	}
	n := &compare.Normalizer{Rules: l.Source().Front.Normalize}
	if fired := n.Compare(rec, fresh, c.Attrs.Compare).Fired; len(fired) > 0 {
		return "; equal after the lesson's normalisation (" + strings.Join(fired, ", ") + ")"
	}
	if c.Attrs.Compare != "" {
		return "; equal as compare=" + c.Attrs.Compare + " compares"
	}
	return "; equal after the built-in normalisation (line endings, trailing spaces and blank lines)"
}

// prepareNotebook copies the exported notebook to in, with the cells the engine skips (net cells, offline)
// tagged skip-execution, and returns why each of those is skipped. It checks that the export tagged every
// server cell skip-execution, without which nbconvert would wait for the server until its timeout.
func prepareNotebook(t *testing.T, e *engine.Engine, l *engine.Lesson, exported, in string) map[int]string {
	t.Helper()
	b, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	skipped := map[int]string{}
	cells, _ := nb["cells"].([]any)
	for _, v := range cells {
		cell, _ := v.(map[string]any)
		meta, _ := cell["metadata"].(map[string]any)
		classnotes, _ := meta["classnotes"].(map[string]any)
		n, ok := classnotes["cell"].(float64)
		if cell["cell_type"] != "code" || !ok {
			continue
		}
		prog := l.Cell(int(n))
		if prog == nil {
			t.Fatalf("%s: the notebook has a cell In [%v] that the lesson has not", l.Name, n)
		}
		tags, _ := meta["tags"].([]any)
		if prog.Cell.Attrs.Background && !containsTag(tags, "skip-execution") {
			t.Fatalf("%s: In [%d] is a server cell, and the export did not tag it skip-execution (tags %v)", l.Name, int(n), tags)
		}
		if why := e.Skips(prog.Cell); why != "" {
			skipped[int(n)] = why
			meta["tags"] = append(tags, "skip-execution")
		}
	}
	b, err = json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(in), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return skipped
}

func containsTag(tags []any, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// execute runs jupyter nbconvert --execute on the notebook in, writing the executed notebook to out, with
// GoNB's kernelspec and goimports from g.gonb, a Jupyter configuration of its own (never the user's) and the
// hooks of testdata/gonb_hooks.py asking hook before each code cell. It returns what nbconvert printed.
func (g *gonbRun) execute(ctx context.Context, t *testing.T, in, out, hook string) ([]byte, error) {
	hooks, err := filepath.Abs(filepath.Join("testdata", "gonb_hooks.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, g.nbconvert, "--config", hooks, "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=120", "--output-dir", filepath.Dir(out), "--output", filepath.Base(out), in)
	// The kernel starts in the notebook's directory, as JupyterLab starts it: the cells run there.
	cmd.Dir = filepath.Dir(in)
	cmd.Env = append(os.Environ(),
		"JUPYTER_DATA_DIR="+filepath.Join(g.gonb, "jupyter"),
		"JUPYTER_CONFIG_DIR="+t.TempDir(),
		"PATH="+filepath.Join(g.gonb, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CLASSNOTES_GONB_HOOK="+hook)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// readNotebook reads the executed notebook at path and returns its code cells by the lesson's cell number.
func readNotebook(t *testing.T, path string) map[int]*jupyter.Cell {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb jupyter.Notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cells := map[int]*jupyter.Cell{}
	for _, c := range nb.Cells {
		classnotes, _ := c.Metadata["classnotes"].(map[string]any)
		if n, ok := classnotes["cell"].(float64); ok && c.CellType == "code" {
			cells[int(n)] = c
		}
	}
	return cells
}

// kernelText returns what GoNB showed of a cell's run in the form recorded under Out [N] (output.Text): its
// stdout and stderr streams in the order they arrived (GoNB ends a failed program's stderr with its exit
// status, as the runner's status line), any error the kernel reported (a compile error) and any text it
// displayed.
func kernelText(c *jupyter.Cell) string {
	var b strings.Builder
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "stream":
			if o.Text != nil {
				b.WriteString(string(*o.Text))
			}
		case "error":
			fmt.Fprintf(&b, "%s: %s\n", o.EName, o.EValue)
			for _, line := range o.Traceback {
				b.WriteString(line + "\n")
			}
		default:
			var text jupyter.Multiline
			if raw, ok := o.Data["text/plain"]; ok && json.Unmarshal(raw, &text) == nil {
				b.WriteString(string(text))
			}
		}
	}
	return output.Text([]byte(b.String()), 0, "")
}
