// Command bench measures the runner against the go command and prints the figures with their ratios against
// the speed targets (issue #13, Speed II). It asserts nothing: run it at the repository's root with
// "make bench" and read the table.
//
// It works in a temporary directory holding two modules, the runner built from the working tree, and a runner
// cache of its own (the go command's build cache is the user's). Every render writes the HTML site unless
// --no-html says otherwise. Each figure is the median of -runs runs.
//
// The repository's own lessons: a copy of lessons/, snippets/, go.mod and go.sum, rendered once before the
// timed runs so that the cache is warm. Every render is --offline, as DNS may not reach public names: the net
// cell of Class 15 keeps its recorded output.
//
//	render warm, with the site   render --offline lessons/: nothing changed, nothing builds or runs
//	render warm, --no-html       the same, without writing the site
//	go run of each snippet       go run of every program the lessons run, one go command each, one after
//	                             another, as a user would; except the servers, which never end, and the net
//	                             programs, which --offline leaves out too and whose time is the network's
//
// Since Go 1.24 go run caches the executable it links, so once the first run has built them the median go run
// of unchanged snippets is the go command's own work (loading the packages, checking the cache) and the
// programs' run time.
//
// The programs and which are servers come from the lessons themselves, read with the runner's own parser: a
// program is a server when a cell runs it with the background attribute (the runner's own definition; a
// program that listens is not enough, as Class 15's loopback listens and ends). The clients need their
// servers, so the servers are built beforehand and started, each waited for as its ready= probe says, while
// the clients are timed; they are stopped afterwards.
//
// The synthetic module: one lesson of 10 src= cells, one of 10 inline cells (the program in the fence), and
// 200 lessons of 10 inline cells.
//
//	render warm (src=)        render of the 10-cell src= lesson, unchanged
//	render cold (src=)        the same after every snippet was edited
//	go build -o DIR           one go build -trimpath -o DIR of the 10 edited snippet packages
//	render cold (inline)      render of the 10-inline-cell lesson after the code of every cell was edited
//	go build of each          ten go build -o FILE, one per program, of the same 10 programs (as separate
//	                          packages), edited the same way, with the go command's default flags
//	go run of each cell       go run of each of the 10 snippet packages, one after another
//	exec                      running the 10 prebuilt binaries, one after another
//	render --force            render --force of the src= lesson with every binary cached: each cell runs
//	200x10 warm               render of the 200 lessons, unchanged
//
// Each cold render takes turns with the go builds it is compared with, so that both meet the machine in the
// same state, and every edit is new, so that neither finds the other's work in a cache.
//
// Peak RSS is the highest VmHWM of any runner process (not the go commands or programs it starts), sampled in
// one more, untimed, run of each measurement: the sampler reads /proc every millisecond, which would slow the
// timed runs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

// env is the benchmark's temporary world: the synthetic module, the copy of the repository, the runner binary
// and its cache.
type env struct {
	dir, syn, repo, runner, cache string
	edits                         int
	peakRSS                       int64 // kilobytes, the highest VmHWM sampled of a runner process
	sampleRSS                     bool  // sample the runner's memory: only in runs that are not timed
}

func (e *env) render(dir string, args ...string) error {
	return e.run(dir, e.runner, append([]string{"render", "--quiet", "--cache", e.cache}, args...)...)
}

// figures are what bench measures: medians of wall time, the peak RSS, and the programs they were measured on.
type figures struct {
	programs             int            // the programs the repository's lessons run
	clients, left        []*repoProgram // those timed with go run, and those left out (servers, net programs)
	servers              int            // the servers up while the clients were timed
	repoWarm, repoNoHTML time.Duration  // warm renders of the repository's lessons/, with the site and without
	repoGoRun            time.Duration  // go run of each client
	warm, cold, goBuild  time.Duration  // the src= lesson unchanged and edited; one go build -o DIR
	coldInline           time.Duration  // the inline lesson, edited
	goBuildEach          time.Duration  // ten go builds, one per edited program
	goRun, exe, force    time.Duration  // go run of each cell; exec of the binaries; render --force
	big                  time.Duration  // the 200 lessons, unchanged
	peakRSS              int64          // kilobytes
}

func bench() error {
	if *runs < 1 {
		return fmt.Errorf("-runs must be at least 1")
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "classnotes-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	e := &env{
		dir:    dir,
		syn:    filepath.Join(dir, "synthetic"),
		repo:   filepath.Join(dir, "repo"),
		runner: filepath.Join(dir, "runner"),
		cache:  filepath.Join(dir, "cache"),
	}
	progs, err := e.setup(root)
	if err != nil {
		return err
	}
	e.peakRSS = 0 // the figures below leave out the setup's first renders
	var f figures
	if err := e.measureRepo(&f, progs); err != nil {
		return err
	}
	if err := e.measureSynthetic(&f); err != nil {
		return err
	}
	f.peakRSS = e.peakRSS
	printFigures(&f)
	printTargets(&f)
	return nil
}

// setup builds the runner, writes the synthetic module, copies the repository's lessons and renders them once,
// and returns the programs those lessons run.
func (e *env) setup(root string) ([]*repoProgram, error) {
	fmt.Fprintln(os.Stderr, "building the runner, copying the lessons, writing the synthetic ones, rendering them once…")
	if err := e.run(root, "go", "build", "-o", e.runner, "./runner"); err != nil {
		return nil, err
	}
	if err := e.setupSynthetic(); err != nil {
		return nil, err
	}
	if err := e.copyRepo(root); err != nil {
		return nil, err
	}
	progs, err := e.repoPrograms()
	if err != nil {
		return nil, err
	}
	if err := e.render(e.repo, "--offline", "lessons/"); err != nil {
		return nil, err
	}
	return progs, nil
}

// measureRepo times the warm renders of the repository's lessons, and go run of each of their programs that
// ends by itself offline, with the servers up.
func (e *env) measureRepo(f *figures, progs []*repoProgram) error {
	fmt.Fprintln(os.Stderr, "measuring the repository's lessons…")
	f.programs = len(progs)
	for _, p := range progs {
		if p.server || p.net {
			f.left = append(f.left, p)
		} else {
			f.clients = append(f.clients, p)
		}
	}
	var err error
	if f.repoWarm, err = e.median(func() error { return e.render(e.repo, "--offline", "lessons/") }); err != nil {
		return err
	}
	if f.repoNoHTML, err = e.median(func() error { return e.render(e.repo, "--offline", "--no-html", "lessons/") }); err != nil {
		return err
	}
	servers, err := e.startServers(progs)
	if err == nil {
		f.repoGoRun, err = e.median(func() error { return e.goRunRepo(f.clients) })
	}
	f.servers = len(servers)
	stopServers(servers)
	return err
}

// measureSynthetic times the synthetic lessons: warm, cold after edits (taking turns with the go builds they
// are compared with), go run and exec of the same programs, render --force, and the 200 lessons.
func (e *env) measureSynthetic(f *figures) error {
	fmt.Fprintln(os.Stderr, "measuring the synthetic lessons…")
	var err error
	if f.warm, err = e.median(func() error { return e.render(e.syn, "lessons/small.md") }); err != nil {
		return err
	}
	f.cold, f.goBuild, err = e.medianPair(func() error {
		if err := e.editSnippets(); err != nil {
			return err
		}
		return e.render(e.syn, "lessons/small.md")
	}, func() error {
		if err := e.editSnippets(); err != nil {
			return err
		}
		return e.goBuild(filepath.Join(e.syn, "bin"))
	})
	if err != nil {
		return err
	}
	f.coldInline, f.goBuildEach, err = e.medianPair(func() error {
		if err := e.editInlineLesson(); err != nil {
			return err
		}
		return e.render(e.syn, "lessons/inline.md")
	}, func() error {
		if err := e.editInlinePrograms(); err != nil {
			return err
		}
		return e.goBuildEach(filepath.Join(e.syn, "bin-inline"))
	})
	if err != nil {
		return err
	}
	if f.goRun, err = e.median(e.goRunAll); err != nil {
		return err
	}
	if f.exe, err = e.median(e.execAll); err != nil {
		return err
	}
	// Bring the lesson and the cache up to date with the last edit, then time runs without builds.
	if err := e.render(e.syn, "lessons/small.md"); err != nil {
		return err
	}
	if f.force, err = e.median(func() error { return e.render(e.syn, "--force", "lessons/small.md") }); err != nil {
		return err
	}
	f.big, err = e.median(func() error { return e.render(e.syn, "lessons/big") })
	return err
}

// printFigures prints the medians, one row each, and which programs go run left out.
func printFigures(f *figures) {
	fmt.Printf("classnotes bench — %s, %s/%s, %d CPUs, %s, median of %d runs\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().Format("2006-01-02"), *runs)
	row := func(name string, d time.Duration) { fmt.Printf("  %-52s %9.3fs\n", name, d.Seconds()) }
	fmt.Printf("\n  the repository's lessons/ (%d programs), --offline\n", f.programs)
	row("render warm, with the site", f.repoWarm)
	row("render warm, --no-html", f.repoNoHTML)
	row(fmt.Sprintf("go run of each of %d snippets (%d servers up)", len(f.clients), f.servers), f.repoGoRun)
	for _, p := range f.left {
		why := "server (background): never ends"
		if !p.server {
			why = "net: --offline skips it"
		}
		fmt.Printf("    not go run: %s, %s\n", p.pkg, why)
	}
	fmt.Printf("\n  synthetic lessons of %d cells\n", cells)
	row("render warm (src=, unchanged)", f.warm)
	row("render cold (10 edited src= snippets)", f.cold)
	row("go build -trimpath -o DIR of the 10 packages", f.goBuild)
	row("render cold (10 edited inline cells)", f.coldInline)
	row("go build -o FILE of each of the 10 programs", f.goBuildEach)
	row("go run of each cell", f.goRun)
	row("exec of the 10 prebuilt binaries", f.exe)
	row("render --force (binaries cached)", f.force)
	row("render 200 lessons x 10 cells, warm, with the site", f.big)
}

// printTargets prints each target of issue #13 (and the earlier ones) with the figure it is judged by and
// whether it is met.
func printTargets(f *figures) {
	fmt.Printf("\n  %-66s %s\n", "target", "measured")
	check := func(name, measured string, ok bool) {
		verdict := "met"
		if !ok {
			verdict = "NOT met"
		}
		fmt.Printf("  %-66s %-10s %s\n", name, measured, verdict)
	}
	info := func(name, measured string) { fmt.Printf("  %-66s %s\n", name, measured) }
	ratio := func(slow, fast time.Duration) string { return fmt.Sprintf("%.0fx", slow.Seconds()/fast.Seconds()) }
	overhead := (f.force - f.exe) / cells
	check("1. warm render of lessons/ with the site >= 50x faster than go run", ratio(f.repoGoRun, f.repoWarm), f.repoGoRun >= 50*f.repoWarm)
	check("   stretch: >= 100x", ratio(f.repoGoRun, f.repoWarm), f.repoGoRun >= 100*f.repoWarm)
	info("   the same with --no-html", ratio(f.repoGoRun, f.repoNoHTML))
	check("2. 200 lessons x 10 unchanged cells, with the site, <= 1s", fmt.Sprintf("%.2fs", f.big.Seconds()), f.big <= time.Second)
	check("3. cold render of 10 edited inline cells <= 0.6x ten go builds", fmt.Sprintf("%.2fx", f.coldInline.Seconds()/f.goBuildEach.Seconds()), f.coldInline.Seconds() <= 0.6*f.goBuildEach.Seconds())
	check("4. peak RSS of a runner in the runs above <= 64MB", fmt.Sprintf("%.1fMB", float64(f.peakRSS)/1024), f.peakRSS <= 64*1024)
	fmt.Printf("\n  %s\n", "earlier targets (Speed I), for comparison")
	check("   cold render (src=) <= 1.2x one go build -o DIR", fmt.Sprintf("%.2fx", f.cold.Seconds()/f.goBuild.Seconds()), f.cold.Seconds() <= 1.2*f.goBuild.Seconds())
	check("   runner overhead per cell <= 5ms over exec", fmt.Sprintf("%.1fms", float64(overhead.Microseconds())/1000), overhead <= 5*time.Millisecond)
	check("   warm render (src=) >= 50x faster than go run of each cell", ratio(f.goRun, f.warm), f.goRun >= 50*f.warm)
}
