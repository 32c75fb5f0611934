package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"classnotes/runner/lesson"
	"classnotes/runner/plan"
	"classnotes/runner/ready"
)

// repoRoot finds the classnotes repository from the working directory: the first directory, from there up,
// whose go.mod declares module classnotes and which holds lessons/ and snippets/.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			if modulePath(b) != "classnotes" {
				break // another module: the repository is not above it either
			}
			for _, sub := range []string{"lessons", "snippets"} {
				if info, err := os.Stat(filepath.Join(dir, sub)); err != nil || !info.IsDir() {
					return "", fmt.Errorf("%s: the classnotes module has no %s/ directory", dir, sub)
				}
			}
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", fmt.Errorf("%s is not in the classnotes repository: run the bench at its root, with make bench", wd)
}

// modulePath returns the module path that a go.mod declares.
func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// copyRepo copies the repository's lessons/, snippets/, go.mod and go.sum into e.repo.
func (e *env) copyRepo(root string) error {
	if err := os.MkdirAll(e.repo, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		if err := copyFile(filepath.Join(root, name), filepath.Join(e.repo, name)); err != nil {
			return err
		}
	}
	for _, tree := range []string{"lessons", "snippets"} {
		err := filepath.WalkDir(filepath.Join(root, tree), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(e.repo, rel), 0o755)
			}
			if !d.Type().IsRegular() {
				return nil
			}
			return copyFile(path, filepath.Join(e.repo, rel))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// repoProgram is one program that the repository's lessons run: a package directory of the copy.
type repoProgram struct {
	pkg    string        // relative to e.repo: "./snippets/class16/tcp/server"
	server bool          // a cell runs it with the background attribute: it never ends by itself
	probe  *lesson.Probe // for a server, the ready= probe of its first background cell; nil when none
	net    bool          // a cell runs it with the net attribute
}

// repoPrograms plans the copied lessons with the runner's own parser and planner and returns every program their cells
// run, once each, in the order the lessons first run them. An inline cell's program is written into a
// package of its own under bench-inline/, so that it can be given to go run like a snippet.
func (e *env) repoPrograms() ([]*repoProgram, error) {
	files, err := e.repoLessons()
	if err != nil {
		return nil, err
	}
	// The planner reads what cells import from the modules' sources, where the go command keeps them.
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMODCACHE: %w", err)
	}
	modCache := strings.TrimSpace(string(out))
	var progs []*repoProgram
	byPkg := map[string]*repoProgram{}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		l, err := lesson.Parse(file, src)
		if err != nil {
			return nil, err
		}
		pl, err := plan.Make(l, file, plan.Options{ModCache: modCache})
		if err != nil {
			return nil, err
		}
		for _, prog := range pl.Programs {
			pkg, err := e.goRunPackage(file, prog)
			if err != nil {
				return nil, err
			}
			p := byPkg[pkg]
			if p == nil {
				p = &repoProgram{pkg: pkg}
				byPkg[pkg] = p
				progs = append(progs, p)
			}
			if c := prog.Cell; c.Attrs.Background && !p.server {
				p.server, p.probe = true, c.Attrs.Ready
			}
			p.net = p.net || prog.Cell.Attrs.Net
		}
	}
	return progs, nil
}

// repoLessons returns the .md files under the copy's lessons/, sorted, leaving out hidden directories.
func (e *env) repoLessons() ([]string, error) {
	var files []string
	top := filepath.Join(e.repo, "lessons")
	err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != top {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// goRunPackage returns the package, relative to e.repo ("./snippets/class16/tcp/server"), that go run is
// given for prog, a program of lesson file: its src= directory, or for an inline cell a package written
// for it under bench-inline/.
func (e *env) goRunPackage(file string, prog *plan.Program) (string, error) {
	dir := prog.Dir
	if prog.IsInline() {
		name := fmt.Sprintf("%s-%d", strings.TrimSuffix(filepath.Base(file), ".md"), prog.Cell.Number)
		dir = filepath.Join(e.repo, "bench-inline", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.go"), prog.Inline, 0o644); err != nil {
			return "", err
		}
	}
	rel, err := filepath.Rel(e.repo, dir)
	if err != nil {
		return "", err
	}
	return "./" + filepath.ToSlash(rel), nil
}

// server is a running server program of the repository's lessons.
type server struct {
	pkg  string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when it has ended
}

// startServers builds the servers (untimed) and starts them, each waited for as its ready= probe says, as
// render would before the cells after it. The caller stops them with stopServers, also after a failure.
func (e *env) startServers(progs []*repoProgram) ([]*server, error) {
	var started []*server
	for i, p := range progs {
		if !p.server {
			continue
		}
		if inUse, err := ready.InUse(p.probe); err != nil {
			return started, err
		} else if inUse {
			return started, fmt.Errorf("server %s: %s is already in use (a render or test running elsewhere?)", p.pkg, p.probe)
		}
		bin := filepath.Join(e.dir, "servers", fmt.Sprintf("server%02d", i))
		if err := e.run(e.repo, "go", "build", "-o", bin, p.pkg); err != nil {
			return started, err
		}
		s := &server{pkg: p.pkg, cmd: exec.Command(bin), out: &syncBuffer{}, done: make(chan struct{})}
		s.cmd.Dir = e.repo
		s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
		if err := s.cmd.Start(); err != nil {
			return started, err
		}
		started = append(started, s)
		go func() { s.cmd.Wait(); close(s.done) }()
		if err := s.waitReady(p.probe); err != nil {
			return started, fmt.Errorf("server %s: %v\n%s", p.pkg, err, s.out.String())
		}
	}
	return started, nil
}

// waitReady waits until probe says the server is ready; with no probe, it does not wait, as render does not.
func (s *server) waitReady(probe *lesson.Probe) error {
	if probe == nil {
		return nil
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		var err error
		if probe.Kind == "out" {
			ok = probe.Pattern.MatchString(s.out.String())
		} else {
			ok, err = ready.Bound(probe.Kind, probe.Addr)
		}
		if err != nil || ok {
			return err
		}
		select {
		case <-s.done:
			return fmt.Errorf("ended before it was ready (%v)", s.cmd.ProcessState)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after 10s (%s)", probe)
		}
	}
}

// stopServers interrupts every server and kills those that have not ended 2s later.
func stopServers(servers []*server) {
	for _, s := range servers {
		s.cmd.Process.Signal(os.Interrupt)
	}
	for _, s := range servers {
		select {
		case <-s.done:
		case <-time.After(2 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
	}
}

// goRunRepo runs go run of each program in progs, one after another, as a user would.
func (e *env) goRunRepo(progs []*repoProgram) error {
	for _, p := range progs {
		if err := e.run(e.repo, "go", "run", p.pkg); err != nil {
			return err
		}
	}
	return nil
}

// syncBuffer is a bytes.Buffer that a program's output and a probe may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
