package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"classnotes/runner/engine"
	"classnotes/runner/files"
	"classnotes/runner/run"
	"classnotes/runner/serve"
)

func serveFlags(fs *pflag.FlagSet) {
	fs.String("addr", "127.0.0.1:8000", "the address to listen on (port 0: a free one); with --lan, default :8000")
	fs.Bool("lan", false, "let anyone on the network view the lessons and follow the runs (the student view); running still needs the token")
	fs.Bool("open", false, "open the teacher's page in the browser (xdg-open; open on macOS; rundll32 on Windows)")
	fs.Duration("timeout", engine.DefaultTimeout, "how long a cell may run when it has no timeout= attribute")
	fs.Bool("offline", false, "do not run net cells")
	fs.String("class-log", "", "with --lan: when serve stops, write the students' reports as CSV to this file, which must not exist (never overwritten)")
	cacheFlag(fs)
}

// serveLessons serves the lessons named by args as live pages until ctx is done (Ctrl-C).
func (a *App) serveLessons(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	addr, _ := fs.GetString("addr")
	lan, _ := fs.GetBool("lan")
	var err error
	if lan && !fs.Changed("addr") {
		addr = ":8000"
	}
	classLog, _ := fs.GetString("class-log")
	if classLog != "" {
		if classLog, err = a.checkClassLog(classLog, lan); err != nil {
			a.errorf("serve: --class-log: %v", err)
			return exitBadInput
		}
	}
	e, closeEngine, err := a.engine("serve", fs)
	if err != nil {
		a.errorf("%v", err)
		return exitBadInput
	}
	defer closeEngine()
	srv, ok := a.newServer(e, args, lan)
	if !ok {
		return exitBadInput
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		a.errorf("serve: %v", err)
		return exitBadInput
	}
	open, _ := fs.GetBool("open")
	a.announce(srv, ln.Addr(), lan, open)
	code := a.serveUntilDone(ctx, srv, ln)
	if classLog != "" {
		a.writeClassLog(srv, classLog)
	}
	return code
}

// newServer finds the lessons named by args and makes the classroom server over them, with the token of
// CLASSNOTES_TOKEN or a new one. It reports whether it could; when not, it has said why.
func (a *App) newServer(e *engine.Engine, args []string, lan bool) (*serve.Server, bool) {
	names, err := a.findLessons(args)
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return nil, false
	}
	var files []string
	for _, n := range names {
		abs, err := a.abs(n)
		if err != nil {
			a.errorf("serve: %v", err)
			return nil, false
		}
		files = append(files, abs)
	}
	token := a.getenv("CLASSNOTES_TOKEN")
	if err := serve.CheckToken(token); token != "" && err != nil {
		a.errorf("serve: CLASSNOTES_TOKEN: %v", err)
		return nil, false
	}
	course, err := a.courseOf(names)
	if err != nil {
		a.errorf("serve: %v", err)
		return nil, false
	}
	srv, err := serve.New(serve.Config{Engine: e, Root: commonDir(files), Files: files, Course: course, Token: token, LAN: lan})
	if err != nil {
		a.errorf("%v", err)
		return nil, false
	}
	return srv, true
}

// announce prints the teacher's address (with the token) as the first line of stdout, warns that --lan lets
// anyone follow, and, with open, starts the browser on a one-time code.
func (a *App) announce(srv *serve.Server, addr net.Addr, lan, open bool) {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1" // the teacher's own browser
	}
	base := "http://" + net.JoinHostPort(host, port)
	url := base + "/?token=" + srv.Token()
	fmt.Fprintf(a.Stdout, "serving %s at %s\n", plural(srv.Lessons(), "lesson"), url)
	if code := srv.ClassCode(); code != "" {
		report := "http://" + net.JoinHostPort(serve.LANAddress(addr), port) + "/"
		fmt.Fprintf(a.Stdout, "class code %s; students report their exercises with:\n  %s check --report %s --code %s --name \"YOUR NAME\"\n",
			code, a.name(), report, code)
	}
	if lan {
		a.errorf("serve: --lan: anyone who can reach this machine on port %s can view the lessons and follow the runs; running, stopping and accepting need the token", port)
	}
	if open {
		// Not a program of a lesson: what it opens (a browser) must outlive every cell, and it is waited for.
		// Its command line is readable by every user of the machine: it carries a one-time code, not the token.
		if err := run.OpenBrowser(srv.OpenURL(base)); err != nil {
			a.errorf("serve: --open: %v; open %s yourself", err, url)
		}
	}
}

// serveUntilDone serves srv's pages on ln, reloading them as their files change, until ctx is done; then it
// stops every program and the server, and says what was left behind.
func (a *App) serveUntilDone(ctx context.Context, srv *serve.Server, ln net.Listener) int {
	hs := srv.HTTPServer()
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go func() {
		if err := srv.Watch(watchCtx); err != nil {
			a.errorf("serve: live reload: %v", err)
		}
	}()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		a.errorf("serve: %v", err)
		return exitBadInput
	case <-ctx.Done():
	}
	srv.Close() // ends every program started, tells the pages, and ends the event streams
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		a.errorf("serve: %v", err)
	}
	hs.Close()
	a.errorf("interrupted; server stopped, %s", leftBehind())
	return exitSignal
}

// checkClassLog checks, before serve starts, the file --class-log names: it needs --lan (without it no student
// can report), must not exist (a log of an earlier class is never overwritten), and its directory must. It
// returns the file's absolute path: the directory serve was started in, whatever happens after.
func (a *App) checkClassLog(name string, lan bool) (string, error) {
	if !lan {
		return "", errors.New("needs --lan: without it, no student can report")
	}
	abs, err := a.abs(name)
	if err != nil {
		return "", err
	}
	if info, err := os.Lstat(abs); err == nil {
		what := "a file"
		switch m := info.Mode(); {
		case m.IsDir():
			what = "a directory"
		case m&fs.ModeNamedPipe != 0:
			what = "a named pipe"
		case m&fs.ModeSymlink != 0:
			what = "a symbolic link"
		case !m.IsRegular():
			what = "a device or special file"
		}
		return "", fmt.Errorf("%s is %s already; the class log is written to a new file only", name, what)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if info, err := os.Stat(filepath.Dir(abs)); err != nil || !info.IsDir() {
		return "", fmt.Errorf("%s: its directory %s does not exist", name, filepath.Dir(abs))
	}
	return abs, nil
}

// writeClassLog writes the class srv kept as CSV into the new file path, through the guarded writer. When it
// cannot, it says why and prints the CSV on stderr, so that the class's reports are not lost.
func (a *App) writeClassLog(srv *serve.Server, path string) {
	var b bytes.Buffer
	if err := srv.Class().WriteCSV(&b); err != nil {
		a.errorf("serve: --class-log: %v", err)
		return
	}
	if _, err := files.Write(path, b.Bytes(), files.Options{Perm: 0o644}); err != nil {
		a.errorf("serve: --class-log: %v; the class log follows:", err)
		a.Stderr.Write(b.Bytes())
		return
	}
	a.errorf("serve: the class log (%s) is in %s", plural(len(srv.Class().Rows()), "student"), path)
}

// commonDir returns the deepest directory holding every file.
func commonDir(files []string) string {
	if len(files) == 0 {
		return "."
	}
	dir := filepath.Dir(files[0])
	for _, f := range files[1:] {
		for !strings.HasPrefix(f, dir+string(filepath.Separator)) && dir != filepath.Dir(dir) {
			dir = filepath.Dir(dir)
		}
	}
	return dir
}

// leftBehind says what is known of the programs a stopped server started: only what run.Remaining checked.
func leftBehind() string {
	pids, ok := run.Remaining()
	switch {
	case len(pids) > 0:
		return fmt.Sprintf("but processes outside the runner's own process group are still running (left by its programs, or by the browser --open started): %v", pids)
	case !ok:
		return "the programs it started stopped (processes they started outside their own process group cannot be checked here)"
	}
	return "every program it started ended, and no process they started is left outside the runner's own process group"
}
