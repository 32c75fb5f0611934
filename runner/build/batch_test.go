package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"classnotes/runner/plan"
)

// countingGo writes a go command that logs each invocation's arguments, a line each, and returns it and the
// log's path.
func countingGo(t *testing.T) (goCmd, log string) {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	log = filepath.Join(dir, "log")
	goCmd = filepath.Join(dir, "go")
	write(t, goCmd, "#!/bin/sh\necho \"$@\" >>'"+log+"'\nexec '"+real+"' \"$@\"\n")
	if err := os.Chmod(goCmd, 0o755); err != nil {
		t.Fatal(err)
	}
	return goCmd, log
}

// goCommands returns the go build commands logged.
func goCommands(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var builds []string
	for _, cmd := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if strings.HasPrefix(cmd, "build ") {
			builds = append(builds, cmd)
		}
	}
	return builds
}

// goVersion is the go command's version, as the engine passes it.
func goVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// cellPrograms are inline cells that print where their file is, as runtime.Caller and a panic see it, and
// what their loop variables are, which a module's go line below 1.22 would change.
var cellPrograms = []string{
	"package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() {\n\t_, file, line, _ := runtime.Caller(0)\n\tfmt.Println(\"one\", file, line)\n}\n",
	"package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"two\")\n\tvar a []int\n\t_ = a[3]\n}\n",
	"package main\n\nimport (\n\t\"fmt\"\n\t\"net\"\n)\n\nfunc main() { fmt.Println(\"three\", net.IPv4len) }\n",
	"package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar fs []func()\n\tfor i := 0; i < 3; i++ {\n\t\tfs = append(fs, func() { fmt.Print(i) })\n\t}\n\tfor _, f := range fs {\n\t\tf()\n\t}\n\tfmt.Println()\n}\n",
}

// runAll runs each built program and returns what it printed, stdout and stderr together.
func runAll(t *testing.T, results []*Result) []string {
	t.Helper()
	var outs []string
	for i, r := range results {
		if !r.OK() {
			t.Fatalf("program %d did not build: %s", i, r.Messages)
		}
		out, _ := exec.Command(r.Binary).CombinedOutput()
		outs = append(outs, string(out))
	}
	return outs
}

// TestBatchInline builds inline cells, of a lesson in a module and of one in none, with one go command, and
// checks that each program prints exactly what it prints when built alone, file names in panics and loop
// variables under a module's go line of 1.21 included, and that nothing was written into the module.
func TestBatchInline(t *testing.T) {
	version := goVersion(t)
	for _, inModule := range []bool{true, false} {
		t.Run(map[bool]string{true: "module", false: "no module"}[inModule], func(t *testing.T) {
			module := ""
			if inModule {
				module = t.TempDir()
				write(t, filepath.Join(module, "go.mod"), "module example.com/m\n\ngo 1.21\n")
			}
			var progs []*plan.Program
			for i, src := range cellPrograms {
				progs = append(progs, &plan.Program{Inline: []byte(src), Module: module, BuildKey: string(rune('a' + i))})
			}
			goCmd, log := countingGo(t)
			together, err := (&Builder{Dir: t.TempDir(), Go: goCmd, GoVersion: version}).Build(context.Background(), progs)
			if err != nil {
				t.Fatal(err)
			}
			if cmds := goCommands(t, log); len(cmds) != 1 {
				t.Errorf("%d go commands for %d cells:\n%s", len(cmds), len(progs), strings.Join(cmds, "\n"))
			}
			batched := runAll(t, together)
			for i, p := range progs {
				alone, err := (&Builder{Dir: t.TempDir()}).Build(context.Background(), []*plan.Program{p})
				if err != nil {
					t.Fatal(err)
				}
				if want := runAll(t, alone)[0]; batched[i] != want {
					t.Errorf("cell %d built in a batch printed\n%s\nbuilt alone:\n%s", i, batched[i], want)
				}
			}
			if !strings.Contains(batched[1], "\t./main.go:8 ") || batched[3] != "012\n" {
				t.Errorf("the panic does not name ./main.go:8, or the loop variables are shared:\n%s%s", batched[1], batched[3])
			}
			if inModule {
				entries, err := os.ReadDir(module)
				if err != nil || len(entries) != 1 {
					t.Errorf("the module holds %v (%v); want only go.mod", entries, err)
				}
			}
		})
	}
}

// TestBatchBlame builds a batch in which one cell does not compile: that cell gets the messages it gets alone,
// naming only main.go, and the others are built together again rather than one by one.
func TestBatchBlame(t *testing.T) {
	module := t.TempDir()
	write(t, filepath.Join(module, "go.mod"), "module example.com/m\n\ngo 1.26\n")
	bad := "package main\n\nfunc main() {\n\tundefined()\n}\n"
	srcs := append([]string{bad}, cellPrograms...)
	var progs []*plan.Program
	for i, src := range srcs {
		progs = append(progs, &plan.Program{Inline: []byte(src), Module: module, BuildKey: string(rune('a' + i))})
	}
	goCmd, log := countingGo(t)
	work := t.TempDir()
	results, err := (&Builder{Dir: work, Go: goCmd, GoVersion: goVersion(t)}).Build(context.Background(), progs)
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.OK() || r.Messages != "main.go:4:2: undefined: undefined\n" {
		t.Errorf("the bad cell: binary %q, messages %q", r.Binary, r.Messages)
	}
	runAll(t, results[1:])
	cmds := goCommands(t, log)
	packages := func(cmd string) int { return strings.Count(cmd, " ./.classnotes-cells/") }
	if len(cmds) != 3 || packages(cmds[0]) != 5 || packages(cmds[1]) != 4 || !strings.HasSuffix(cmds[2], "/main.go") {
		t.Errorf("go commands: want the batch, the batch less the bad cell, the bad cell alone; got\n%s", strings.Join(cmds, "\n"))
	}
}

// TestStdNotice checks that a build is noticed as slow when Go's build cache has no standard library built
// with the programs' flags (an empty cache stands for a new Go version), and is not otherwise.
func TestStdNotice(t *testing.T) {
	prog := &plan.Program{Inline: []byte(cellPrograms[2]), BuildKey: "k"}
	var notices []string
	b := &Builder{Dir: t.TempDir(), Notice: func(s string) { notices = append(notices, s) }}
	if _, err := b.Build(context.Background(), []*plan.Program{prog}); err != nil { // the first may notice
		t.Fatal(err)
	}
	notices = nil
	if _, err := b.Build(context.Background(), []*plan.Program{prog}); err != nil {
		t.Fatal(err)
	}
	if len(notices) != 0 {
		t.Errorf("noticed after the standard library was built: %q", notices)
	}

	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "gocache")
	coldGo := filepath.Join(t.TempDir(), "go")
	write(t, coldGo, "#!/bin/sh\nGOCACHE='"+empty+"' exec '"+real+"' \"$@\"\n")
	if err := os.Chmod(coldGo, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	notices = nil
	b = &Builder{Dir: t.TempDir(), Go: coldGo, Notice: func(s string) { notices = append(notices, s); cancel() }}
	if _, err := b.Build(ctx, []*plan.Program{prog}); err != context.Canceled {
		t.Errorf("Build: %v; want it canceled by the notice", err)
	}
	if len(notices) != 1 || notices[0] != StdNotice {
		t.Errorf("with an empty build cache: notices %q", notices)
	}
}

// TestBatchOddTempDir: under a temporary directory whose name -gcflags cannot carry, inline cells are built
// alone, and still built.
func TestBatchOddTempDir(t *testing.T) {
	var progs []*plan.Program
	for i, src := range cellPrograms[:2] {
		progs = append(progs, &plan.Program{Inline: []byte(src), BuildKey: string(rune('a' + i))})
	}
	goCmd, log := countingGo(t)
	dir := filepath.Join(t.TempDir(), "a b;c")
	results, err := (&Builder{Dir: dir, Go: goCmd, GoVersion: goVersion(t)}).Build(context.Background(), progs)
	if err != nil {
		t.Fatal(err)
	}
	if outs := runAll(t, results); !strings.HasPrefix(outs[0], "one ./main.go ") || !strings.HasPrefix(outs[1], "two\n") {
		t.Errorf("printed %q", outs)
	}
	if cmds := goCommands(t, log); len(cmds) != 2 {
		t.Errorf("go commands: want one per cell, got\n%s", strings.Join(cmds, "\n"))
	}
}

func TestStdImports(t *testing.T) {
	progs := []*plan.Program{
		{Inline: []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"C\"\n\t\"example.com/x\"\n\tlib \"h/lib\"\n)\n")},
		{SrcFile: "s/main.go", Src: []byte("package main\n\nimport \"net/http\"\n")},
		{Inline: []byte("not Go")},
	}
	got := strings.Join(stdImports(progs), " ")
	if want := "fmt h/lib net/http runtime"; got != want {
		t.Errorf("stdImports: %q, want %q", got, want)
	}
}
