package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"classnotes/runner/lesson"
)

// testCommit is the commit buildCommand says the runner is built from.
const testCommit = "0123456789abcdef0123456789abcdef01234567+modified"

// buildCommand builds the runner into dir under name, as make install does (go build -trimpath -ldflags=-X
// main.commit=... -o), and returns the path of the command.
func buildCommand(t *testing.T, dir, name string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	// ".." is the runner's package, from runner/cli.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-X main.commit="+testCommit, "-o", bin, "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -trimpath -o %s: %v\n%s", bin, err, out)
	}
	return bin
}

// courseRepo is a course repository that writeCourse wrote.
type courseRepo struct {
	root    string // its root: go.mod, greet/, data/, lessons/
	lesson  string // lessons/hello.md
	src     string // the lesson as written
	outside string // a file outside the course, next to its root, that a symbolic link in data/ leads to
}

// courseLesson is the lesson of writeCourse: front matter of a Jekyll site, links to a data file of the course
// and to what serve must refuse though a lesson links to it (a hidden file, a symbolic link out of the course,
// a path out of it), and a cell that imports the course's own package.
const courseLesson = `---
layout: post
title: Greetings
date: 2026-12-07
tags: [go]
---
# Greetings

The class's machines are in [the hosts file](../data/hosts.txt); not [the answers](../.answers.txt), not
[a link out](../data/out.txt), not [the parent](../../outside.txt).

In [1]:

` + "```go\npackage main\n\nimport (\n\t\"fmt\"\n\n\t\"example.org/course/greet\"\n)\n\nfunc main() { fmt.Println(greet.Hello(\"class\")) }\n```\n"

// writeCourse writes a course repository into dir/course: its own module, example.org/course, with a package
// greet; lessons/hello.md (courseLesson), whose cell imports greet; the data file it links to.
func writeCourse(t *testing.T, dir string) courseRepo {
	t.Helper()
	c := courseRepo{root: filepath.Join(dir, "course"), src: courseLesson, outside: filepath.Join(dir, "outside.txt")}
	c.lesson = filepath.Join(c.root, "lessons", "hello.md")
	writeFile(t, filepath.Join(c.root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
	writeFile(t, filepath.Join(c.root, "greet", "greet.go"), "// Package greet greets.\npackage greet\n\n// Hello greets who.\nfunc Hello(who string) string { return \"Hello, \" + who + \"!\" }\n")
	writeFile(t, filepath.Join(c.root, "data", "hosts.txt"), "127.0.0.1 projector\n")
	writeFile(t, filepath.Join(c.root, ".answers.txt"), "the answers\n")
	writeFile(t, c.outside, "outside the course\n")
	writeFile(t, c.lesson, c.src)
	if err := os.Symlink(c.outside, filepath.Join(c.root, "data", "out.txt")); err != nil {
		t.Fatal(err)
	}
	return c
}

// command runs the command bin with args in dir and returns its exit code, stdout and stderr.
func command(t *testing.T, dir, bin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stdout, &stderr
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// TestInstalledCourse drives the installed command, classnotes, on a course repository outside this one, from
// a subdirectory of the course and from a directory outside it: render and check find the course's lessons,
// the site is written in the course's root with links that lead to the course's files, and serve serves the
// file the lesson links to and nothing else.
func TestInstalledCourse(t *testing.T) {
	top := t.TempDir()
	bin := buildCommand(t, filepath.Join(top, "bin"), "classnotes")
	c := writeCourse(t, top)
	sub := filepath.Join(c.root, "greet") // a subdirectory of the course
	elsewhere := filepath.Join(top, "elsewhere")
	if err := os.MkdirAll(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := command(t, sub, bin, "render")
	if code != exitOK || !strings.Contains(stderr, "render: 1 lesson, 1 cell: 1 run") {
		t.Fatalf("render from %s: exit %d, stderr:\n%s", sub, code, stderr)
	}
	rendered := readFile(t, c.lesson)
	if outputs(t, rendered)[1] != "Hello, class!\n" || !strings.HasPrefix(rendered, c.src[:strings.Index(c.src, "In [1]:")]) {
		t.Errorf("the lesson after render:\n%s", rendered)
	}
	checkSite(t, c, sub)

	if code, stdout, stderr := command(t, sub, bin, "check", "--stale"); code != exitOK || !strings.Contains(stdout, "0 stale") {
		t.Errorf("check --stale from %s: exit %d, stdout:\n%s\nstderr:\n%s", sub, code, stdout, stderr)
	}
	lessons, err := filepath.Rel(elsewhere, filepath.Join(c.root, "lessons"))
	if err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := command(t, elsewhere, bin, "check", lessons); code != exitOK || stdout != "1 cell: 1 match, 0 differ, 0 skipped\n" {
		t.Errorf("check %s from %s: exit %d, stdout:\n%s\nstderr:\n%s", lessons, elsewhere, code, stdout, stderr)
	}
	if err := os.RemoveAll(filepath.Join(c.root, "site")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := command(t, elsewhere, bin, "render", lessons); code != exitOK || !strings.Contains(stderr, "1 unchanged") {
		t.Errorf("render %s from %s: exit %d, stderr:\n%s", lessons, elsewhere, code, stderr)
	}
	checkSite(t, c, elsewhere)
	code, _, stderr = command(t, elsewhere, bin, "render")
	if code != exitBadInput || !strings.Contains(stderr, "no lessons/ directory in "+elsewhere) {
		t.Errorf("render with no course around %s: exit %d, stderr:\n%s", elsewhere, code, stderr)
	}

	code, _, stderr = command(t, elsewhere, bin, "bogus")
	if code != exitBadInput || !strings.HasPrefix(stderr, "classnotes: unknown verb \"bogus\"") || !strings.Contains(stderr, "Usage:\n  classnotes VERB") {
		t.Errorf("classnotes bogus: exit %d, stderr:\n%s", code, stderr)
	}
	if code, stdout, _ := command(t, elsewhere, bin, "help", "format"); code != exitOK || stdout != lesson.Format() {
		t.Errorf("classnotes help format: exit %d, stdout:\n%s", code, stdout)
	}
	if code, stdout, _ := command(t, elsewhere, bin, "version"); code != exitOK || !strings.HasPrefix(stdout, "classnotes (devel), commit "+testCommit+", go") {
		t.Errorf("classnotes version: exit %d, stdout %q, want the commit it was built from", code, stdout)
	}

	serveCourse(t, bin, c, sub)
}

// checkSite checks the site that render, run from dir, wrote for course c: in the course's root, none in dir,
// and the lesson's page links to the data file where it is.
func checkSite(t *testing.T, c courseRepo, dir string) {
	t.Helper()
	site := filepath.Join(c.root, "site")
	page := readFile(t, filepath.Join(site, "hello.html"))
	if !strings.Contains(readFile(t, filepath.Join(site, "index.html")), `href="hello.html"`) {
		t.Errorf("the index does not link to hello.html")
	}
	m := regexp.MustCompile(`<a href="([^"]*)">the hosts file</a>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page has no link to the hosts file:\n%s", page)
	}
	if got := filepath.Join(site, filepath.FromSlash(m[1])); got != filepath.Join(c.root, "data", "hosts.txt") {
		t.Errorf("the page's link %q leads to %s, not to the course's data file", m[1], got)
	}
	if dir != c.root {
		if _, err := os.Stat(filepath.Join(dir, "site")); err == nil {
			t.Errorf("render from %s wrote a site there", dir)
		}
	}
}

// serveCourse starts bin serve in dir, a directory of course c, and checks what it serves of the course's files:
// the lesson's linked data file, and not a hidden file, a symbolic link out of the course, a path out of it, nor
// a file no lesson links to.
func serveCourse(t *testing.T, bin string, c courseRepo, dir string) {
	t.Helper()
	const token = "course-token-0123456789"
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CLASSNOTES_TOKEN="+token)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("serve did not stop on an interrupt; stderr:\n%s", stderr.String())
		}
	}()
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, stdout)
	}()
	var base string
	select {
	case line := <-lines:
		m := regexp.MustCompile(`^serving 1 lesson at (http://127\.0\.0\.1:\d+)/\?token=`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("serve's first line %q; stderr:\n%s", line, stderr.String())
		}
		base = m[1]
	case <-time.After(time.Minute):
		t.Fatalf("serve printed no address in a minute; stderr:\n%s", stderr.String())
	}
	get := func(path string) (int, string) { return bearer(t, "GET", base, token, path, "") }
	if code, page := get("/hello.html"); code != http.StatusOK || !strings.Contains(page, `<a href="/files/data/hosts.txt">the hosts file</a>`) {
		t.Errorf("GET /hello.html: %d, want a page linking to /files/data/hosts.txt:\n%s", code, page)
	}
	if code, body := get("/files/data/hosts.txt"); code != http.StatusOK || body != "127.0.0.1 projector\n" {
		t.Errorf("GET /files/data/hosts.txt: %d %q", code, body)
	}
	for _, path := range []string{"/files/.answers.txt", "/files/data/out.txt", "/files/..%2foutside.txt", "/files/../outside.txt", "/files/go.mod", "/files/greet/greet.go"} {
		if code, body := get(path); code == http.StatusOK || strings.Contains(body, "answers") || strings.Contains(body, "outside the course") || strings.Contains(body, "module") {
			t.Errorf("GET %s: %d %q, want a refusal", path, code, body)
		}
	}
}

// TestHelpFormat: help format prints the lesson format's documentation, and the usage names the topic, not a
// file of this repository.
func TestHelpFormat(t *testing.T) {
	code, stdout, _ := runner(t, context.Background(), t.TempDir(), "help", "format")
	if code != exitOK || stdout != lesson.Format() || !strings.Contains(stdout, "In [N]:") {
		t.Errorf("help format: exit %d, stdout:\n%s", code, stdout)
	}
	_, usage, _ := runner(t, context.Background(), t.TempDir(), "help")
	if !strings.Contains(usage, `"runner help format"`) || strings.Contains(usage, "doc.go") || strings.Contains(usage, "classnotes/runner") {
		t.Errorf("help:\n%s", usage)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "l.md"), "# no cells\n")
	if _, _, stderr := runner(t, context.Background(), dir, "check", "l.md"); !strings.Contains(stderr, "(see runner help format)") {
		t.Errorf("check of a lesson without cells, stderr:\n%s", stderr)
	}
}

// TestInvokedName: the help and the messages name the command as it was invoked.
func TestInvokedName(t *testing.T) {
	var stdout, stderr bytes.Buffer
	app := &App{Stdout: &stdout, Stderr: &stderr, Getwd: func() (string, error) { return t.TempDir(), nil }, Getenv: os.Getenv, Name: "classnotes"}
	app.Run(context.Background(), []string{"render", "--bogus"})
	app.Run(context.Background(), []string{"run", "x.md"})
	app.Run(context.Background(), []string{"help"})
	for _, want := range []string{"classnotes render: unknown flag: --bogus", "Usage: classnotes render", "classnotes: run: want a lesson and at least one cell number: classnotes run FILE CELL..."} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr has no %q:\n%s", want, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "classnotes builds and runs") || !strings.Contains(stdout.String(), `"classnotes help format"`) {
		t.Errorf("help:\n%s", stdout.String())
	}
	if m := regexp.MustCompile("runner:|runner [a-zA-Z]+ |\"runner|`runner").FindString(stdout.String() + stderr.String()); m != "" {
		t.Errorf("the command is named runner (%q):\n%s%s", m, stdout.String(), stderr.String())
	}
}

// TestCourseSite: the site goes into site/ in the root of the lessons' course, found by lessons/ or else by
// go.mod, wherever render runs from, and a page's link to a file of the course leads to it from the site, also
// for a lesson in a subdirectory; --html DIR still names the site's directory, relative to the working
// directory.
func TestCourseSite(t *testing.T) {
	hello := cell(1, "", mainWith("fmt", `	fmt.Println("hi")`))
	for _, tt := range []struct {
		name   string
		lesson string // relative to the course's root
		marker string // a file that makes the course's root one
	}{
		{"lessons/ in a subdirectory", "lessons/week1/a.md", "lessons"},
		{"go.mod, no lessons/", "notes/a.md", "go.mod"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			top := t.TempDir()
			root := filepath.Join(top, "course")
			if tt.marker == "go.mod" {
				writeFile(t, filepath.Join(root, "go.mod"), "module example.org/course\n\ngo 1.26\n")
			}
			writeFile(t, filepath.Join(root, "data", "x.txt"), "x\n")
			lessonPath := filepath.Join(root, filepath.FromSlash(tt.lesson))
			rel, err := filepath.Rel(filepath.Dir(lessonPath), filepath.Join(root, "data", "x.txt"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, lessonPath, "# A\n\n[the data]("+filepath.ToSlash(rel)+")\n\n"+hello)
			if code, _, stderr := runner(t, context.Background(), top, "render", lessonPath); code != exitOK {
				t.Fatalf("render: exit %d, stderr:\n%s", code, stderr)
			}
			site := filepath.Join(root, "site")
			m := regexp.MustCompile(`<a href="([^"]*)">the data</a>`).FindStringSubmatch(readFile(t, filepath.Join(site, "a.html")))
			if m == nil {
				t.Fatal("the page has no link to the data")
			}
			if got := filepath.Join(site, filepath.FromSlash(m[1])); got != filepath.Join(root, "data", "x.txt") {
				t.Errorf("the page's link %q leads to %s", m[1], got)
			}
			if code, _, stderr := runner(t, context.Background(), top, "render", "--html", "out", lessonPath); code != exitOK {
				t.Fatalf("render --html out: exit %d, stderr:\n%s", code, stderr)
			}
			m = regexp.MustCompile(`<a href="([^"]*)">the data</a>`).FindStringSubmatch(readFile(t, filepath.Join(top, "out", "a.html")))
			if m == nil || filepath.Join(top, "out", filepath.FromSlash(m[1])) != filepath.Join(root, "data", "x.txt") {
				t.Errorf("the link of the page in --html out: %q", m)
			}
		})
	}
}

// TestCourseSiteTwoCourses: lessons of two courses, named together, make one site in the first lesson's course
// (not in the directory above both), and each page's link leads to its own course's file.
func TestCourseSiteTwoCourses(t *testing.T) {
	top := t.TempDir()
	var paths []string
	for _, name := range []string{"one", "two"} {
		root := filepath.Join(top, name)
		writeFile(t, filepath.Join(root, "data", "x.txt"), name+"\n")
		path := filepath.Join(root, "lessons", name+".md")
		writeFile(t, path, "# "+name+"\n\n[the data](../data/x.txt)\n\n"+cell(1, "", mainWith("fmt", `	fmt.Println("hi")`)))
		paths = append(paths, path)
	}
	if code, _, stderr := runner(t, context.Background(), top, append([]string{"render"}, paths...)...); code != exitOK {
		t.Fatalf("render: exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(top, "site")); err == nil {
		t.Error("the site went into the directory above both courses")
	}
	site := filepath.Join(top, "one", "site")
	for _, name := range []string{"one", "two"} {
		m := regexp.MustCompile(`<a href="([^"]*)">the data</a>`).FindStringSubmatch(readFile(t, filepath.Join(site, name+".html")))
		if m == nil || filepath.Join(site, filepath.FromSlash(m[1])) != filepath.Join(top, name, "data", "x.txt") {
			t.Errorf("%s's page links to the data as %q", name, m)
		}
	}
}

// courseApp is an App working in dir whose home directory is home (HOME; USERPROFILE on Windows), so that a
// test's home is a temporary directory, never the user's.
func courseApp(dir, home string, stderr io.Writer) *App {
	return &App{Stdout: io.Discard, Stderr: stderr, Getwd: func() (string, error) { return dir, nil }, Getenv: func(k string) string {
		if k == "HOME" || k == "USERPROFILE" || k == "home" {
			return home
		}
		return os.Getenv(k)
	}}
}

// courseLayout writes, under top: a course (c/lessons/); a module with its lessons in notes/ (c/course/go.mod)
// inside it; lessons in no course (loose/a, loose/b); a home directory with a lessons/ of its
// own, a lesson directly in it and lessons in home/notes, in no course.
func courseLayout(t *testing.T) (top, home string) {
	t.Helper()
	top = t.TempDir()
	for _, f := range []string{
		"c/lessons/a.md", "c/course/go.mod", "c/course/notes/a.md", "loose/a/x.md", "loose/b/z.md",
		"home/lessons/l.md", "home/x.md", "home/notes/n.md",
	} {
		text := "# A lesson without cells\n"
		if strings.HasSuffix(f, "go.mod") {
			text = "module example.org/course\n\ngo 1.26\n"
		}
		writeFile(t, filepath.Join(top, filepath.FromSlash(f)), text)
	}
	return top, filepath.Join(top, "home")
}

// TestCourseOf: the course of lessons is the nearest directory with lessons/ or a go.mod above the deepest
// directory holding them all, else above the first lesson, else the first lesson's directory; a go.mod stops
// the search for lessons/ (the module is the course); the home directory and the file system's root are never
// taken, and lessons that would leave nothing else are refused.
func TestCourseOf(t *testing.T) {
	top, home := courseLayout(t)
	in := func(rel string) string { return filepath.Join(top, filepath.FromSlash(rel)) }
	for _, tt := range []struct {
		names []string
		want  string // the course's root, or the error's words
	}{
		{[]string{in("c/lessons/a.md")}, in("c")},
		{[]string{in("c/course/notes/a.md")}, in("c/course")},
		{[]string{in("loose/a/x.md"), in("loose/b/z.md")}, in("loose/a")},
		{[]string{in("home/notes/n.md")}, in("home/notes")},
		{[]string{in("home/x.md")}, "is the home directory, never a course's root"},
		{[]string{in("home/lessons/l.md")}, in("home/lessons")}, // the home directory's lessons/ makes no course
		{[]string{filepath.Join(filepath.VolumeName(top)+string(filepath.Separator), "x.md")}, "is the file system's root, never a course's root"},
	} {
		var stderr bytes.Buffer
		root, err := courseApp(top, home, &stderr).courseOf(tt.names)
		switch {
		case strings.HasPrefix(tt.want, "is the"):
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("courseOf(%q) = %q, %v; want an error saying it %s", tt.names, root, err, tt.want)
			}
		case err != nil || root != tt.want:
			t.Errorf("courseOf(%q) = %q, %v; want %s", tt.names, root, err, tt.want)
		}
	}
	for _, tt := range []struct{ wd, want string }{
		{in("c/lessons"), "."},
		{in("c/course/notes"), "no lessons/ directory in " + in("c/course") + ", the course"},
		{home, "no lessons/ directory in " + home + " or any directory above it"},
		{in("home/notes"), "no lessons/ directory in " + in("home/notes") + " or any directory above it"},
	} {
		got, err := courseApp(tt.wd, home, io.Discard).defaultLessons()
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("the default lessons from %s: %q, want %q", tt.wd, got, tt.want)
		}
	}
}

// TestCourseSiteNoCourse: render of lessons in no course writes the site beside the first lesson, not in the
// directory common to all (which, for lessons far apart, is the file system's root); a lesson in the home
// directory is refused, and nothing is written there.
func TestCourseSiteNoCourse(t *testing.T) {
	top, home := courseLayout(t)
	var stderr bytes.Buffer
	if code := courseApp(top, home, &stderr).Run(context.Background(), []string{"render", "loose/a/x.md", "loose/b/z.md"}); code != exitOK {
		t.Fatalf("render: exit %d, stderr:\n%s", code, &stderr)
	}
	for _, page := range []string{"x.html", "z.html"} {
		if _, err := os.Stat(filepath.Join(top, "loose", "a", "site", page)); err != nil {
			t.Errorf("the site beside the first lesson: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(top, "loose", "site")); err == nil {
		t.Error("the site went into the directory holding both lessons")
	}
	stderr.Reset()
	code := courseApp(top, home, &stderr).Run(context.Background(), []string{"render", filepath.Join(home, "x.md")})
	if code != exitBadInput || !strings.Contains(stderr.String(), home+" is the home directory, never a course's root") {
		t.Errorf("render of a lesson in the home directory: exit %d, stderr:\n%s", code, &stderr)
	}
	if _, err := os.Stat(filepath.Join(home, "site")); err == nil {
		t.Error("render wrote a site into the home directory")
	}
}
