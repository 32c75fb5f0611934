// Command bench measures the runner against the go command, on synthetic lessons in a temporary directory,
// and prints the figures with their ratios against the speed targets. It asserts nothing: run it with
// "make bench" and read the table.
//
// What it measures, each the median of -runs runs:
//
//	render warm     render of a 10-cell lesson whose code has not changed (nothing builds or runs)
//	render cold     render of the same lesson after every snippet was edited
//	go run          go run of each of the 10 cells, one after another
//	go build -o     one go build -o DIR of the 10 edited packages
//	exec            running the 10 prebuilt binaries, one after another
//	render force    render --force with every binary cached: each cell runs, nothing builds
//	200×10 warm     render of 200 lessons of 10 unchanged cells each
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

const cells = 10

var runs = flag.Int("runs", 5, "runs of each measurement; the median is shown")

func main() {
	flag.Parse()
	if err := bench(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// env is the benchmark's temporary world: a module with snippets and lessons, the runner binary and a cache.
type env struct {
	dir, runner, cache string
	edits              int
	peakRSS            int64 // kilobytes, the highest VmHWM sampled of a runner process
}

func bench() error {
	dir, err := os.MkdirTemp("", "classnotes-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	e := &env{dir: dir, runner: filepath.Join(dir, "runner"), cache: filepath.Join(dir, "cache")}
	fmt.Fprintln(os.Stderr, "building the runner and the synthetic lessons…")
	if err := e.setup(); err != nil {
		return err
	}

	e.peakRSS = 0 // the figures below leave out the setup's first renders
	warm := e.median(func() error { return e.render("lessons/small.md") })
	// Cold render and go build take turns, so that both meet the machine in the same state.
	cold, goBuild := e.medianPair(func() error {
		if err := e.editSnippets(); err != nil {
			return err
		}
		return e.render("lessons/small.md")
	}, func() error {
		if err := e.editSnippets(); err != nil {
			return err
		}
		return e.goBuild(filepath.Join(dir, "bin"))
	})
	goRun := e.median(e.goRunAll)
	exe := e.median(e.execAll)
	// Bring the lesson and the cache up to date with the last edit, then time runs without builds.
	if err := e.render("lessons/small.md"); err != nil {
		return err
	}
	force := e.median(func() error { return e.render("--force", "lessons/small.md") })
	big := e.median(func() error { return e.render("lessons/big") })

	overhead := (force - exe) / cells
	fmt.Printf("classnotes bench — %s, %s/%s, %d CPUs, %s, median of %d runs\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().Format("2006-01-02"), *runs)
	row := func(name string, d time.Duration) { fmt.Printf("  %-34s %9.3fs\n", name, d.Seconds()) }
	row("render warm (10 cells, unchanged)", warm)
	row("render cold (10 edited snippets)", cold)
	row("go run of each cell", goRun)
	row("go build -o DIR of the 10 packages", goBuild)
	row("exec of the 10 prebuilt binaries", exe)
	row("render --force (binaries cached)", force)
	row("render 200 lessons x 10 cells, warm", big)
	fmt.Printf("\n  %-58s %-12s %s\n", "target", "measured", "")
	check := func(name, measured string, ok bool) {
		verdict := "met"
		if !ok {
			verdict = "NOT met"
		}
		fmt.Printf("  %-58s %-12s %s\n", name, measured, verdict)
	}
	check("1. warm render at least 50x faster than go run of all", fmt.Sprintf("%.0fx", goRun.Seconds()/warm.Seconds()), goRun >= 50*warm)
	check("2. cold render at most 1.2x one go build -o", fmt.Sprintf("%.2fx", cold.Seconds()/goBuild.Seconds()), cold.Seconds() <= 1.2*goBuild.Seconds())
	check("3a. runner overhead per cell at most 5ms over exec", fmt.Sprintf("%.1fms", float64(overhead.Microseconds())/1000), overhead <= 5*time.Millisecond)
	check("3b. peak RSS of a runner in the runs above, at most 64MB", fmt.Sprintf("%.1fMB", float64(e.peakRSS)/1024), e.peakRSS <= 64*1024)
	check("4. 200x10 unchanged cells re-rendered in at most 2s", fmt.Sprintf("%.2fs", big.Seconds()), big <= 2*time.Second)
	return nil
}

// setup builds the runner, writes the module, the 10-cell lesson and the 200×10 lessons, and renders them once.
func (e *env) setup() error {
	if err := e.run("", "go", "build", "-o", e.runner, "classnotes/runner"); err != nil {
		return err
	}
	write := func(rel, content string) error {
		path := filepath.Join(e.dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, []byte(content), 0o644)
	}
	if err := write("go.mod", "module bench\n\ngo 1.26\n"); err != nil {
		return err
	}
	var small strings.Builder
	small.WriteString("# Ten cells\n\n")
	for i := range cells {
		fmt.Fprintf(&small, "In [%d]:\n\n```go src=../snippets/cell%02d/main.go\n```\n\n", i+1, i)
	}
	if err := write("lessons/small.md", small.String()); err != nil {
		return err
	}
	if err := e.editSnippets(); err != nil {
		return err
	}
	// The 200 lessons share one program per cell position, so the first render builds 10 binaries, not 2000.
	for l := range 200 {
		var b strings.Builder
		fmt.Fprintf(&b, "# Lesson %d\n\n", l)
		for i := range cells {
			fmt.Fprintf(&b, "Some prose before cell %d.\n\nIn [%d]:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"cell %d\") }\n```\n\n", i, i+1, i)
		}
		if err := write(fmt.Sprintf("lessons/big/lesson%03d.md", l), b.String()); err != nil {
			return err
		}
	}
	if err := e.render("lessons/small.md"); err != nil {
		return err
	}
	return e.render("lessons/big")
}

// editSnippets writes every snippet anew with a different message, so that each must be built again.
func (e *env) editSnippets() error {
	e.edits++
	for i := range cells {
		path := filepath.Join(e.dir, "snippets", fmt.Sprintf("cell%02d", i), "main.go")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		src := fmt.Sprintf("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"cell %d, edit %d\")\n}\n", i, e.edits)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) packages() []string {
	var pkgs []string
	for i := range cells {
		pkgs = append(pkgs, fmt.Sprintf("./snippets/cell%02d", i))
	}
	return pkgs
}

func (e *env) render(args ...string) error {
	return e.run(e.dir, e.runner, append([]string{"render", "--quiet", "--cache", e.cache}, args...)...)
}

func (e *env) goRunAll() error {
	for _, p := range e.packages() {
		if err := e.run(e.dir, "go", "run", p); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) goBuild(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return e.run(e.dir, "go", append([]string{"build", "-trimpath", "-o", out + "/"}, e.packages()...)...)
}

func (e *env) execAll() error {
	for i := range cells {
		if err := e.run(e.dir, filepath.Join(e.dir, "bin", fmt.Sprintf("cell%02d", i))); err != nil {
			return err
		}
	}
	return nil
}

// run runs a command in dir, failing on a non-zero exit, and notes the runner's peak memory.
func (e *env) run(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	stop := make(chan struct{})
	sampled := make(chan int64)
	if name == e.runner {
		go func() { sampled <- watchRSS(cmd.Process.Pid, stop) }()
	}
	err := cmd.Wait()
	if name == e.runner {
		close(stop)
		e.peakRSS = max(e.peakRSS, <-sampled)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return nil
}

// watchRSS samples the high-water mark of the resident memory of process pid alone (VmHWM, in kilobytes)
// until stop is closed, and returns the last value read. The rusage of a waited-for process would also count
// the go commands and programs it ran.
func watchRSS(pid int, stop <-chan struct{}) int64 {
	var hwm int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					var kb int64
					fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
					hwm = max(hwm, kb)
				}
			}
		}
		select {
		case <-stop:
			return hwm
		case <-tick.C:
		}
	}
}

// medianPair runs f and g in turn, -runs times each, and returns the median duration of each.
func (e *env) medianPair(f, g func() error) (time.Duration, time.Duration) {
	var fs, gs []time.Duration
	for range *runs {
		fs = append(fs, e.timeOnce(f))
		gs = append(gs, e.timeOnce(g))
	}
	return middle(fs), middle(gs)
}

// timeOnce times one run of f; a failure ends the benchmark.
func (e *env) timeOnce(f func() error) time.Duration {
	start := time.Now()
	if err := f(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	return time.Since(start)
}

func middle(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// median runs f -runs times and returns the median duration; a failure ends the benchmark.
func (e *env) median(f func() error) time.Duration {
	var ds []time.Duration
	for range *runs {
		ds = append(ds, e.timeOnce(f))
	}
	return middle(ds)
}
