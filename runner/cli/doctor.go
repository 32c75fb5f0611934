package cli

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"classnotes/runner/engine"
	"classnotes/runner/ready"
	"classnotes/runner/run"
)

func doctorFlags(fs *pflag.FlagSet) {
	fs.Bool("offline", false, "class will be offline: the net cells show their recorded output, so no internet is no failure")
	cacheFlag(fs)
}

// finding is one line of doctor's report.
type finding struct {
	status string // "ok", "note" or "FAIL": FAIL is what would fail in class
	topic  string
	text   string
}

// doctor checks, before class, what the lessons need of this machine: Go, the cache, the lessons themselves,
// the ports their servers bind, the network their net cells need, the browser --open starts, and says what the
// platform guarantees. It changes nothing. Exit 1 when something would fail in class.
func (a *App) doctor(ctx context.Context, fs *pflag.FlagSet, args []string) int {
	var found []finding
	add := func(status, topic, format string, v ...any) {
		found = append(found, finding{status, topic, fmt.Sprintf(format, v...)})
	}
	a.doctorGo(ctx, add)
	a.doctorCache(fs, add)
	e, closeCache, err := a.engine("doctor", fs)
	if err != nil {
		add("FAIL", "engine", "%v", err)
	} else {
		defer closeCache()
		a.doctorLessons(ctx, e, fs, args, add)
	}
	if opener, err := run.Opener(); err != nil {
		add("note", "browser", "%v: serve --open cannot open the page; open the address it prints by hand", err)
	} else {
		add("ok", "browser", "serve --open starts %s", opener)
	}
	for _, g := range run.Guarantees() {
		add("note", "platform", "%s", g)
	}
	failed := false
	for _, f := range found {
		fmt.Fprintf(a.Stdout, "%-4s  %-8s  %s\n", f.status, f.topic, f.text)
		failed = failed || f.status == "FAIL"
	}
	if failed {
		fmt.Fprintf(a.Stdout, "\n%s doctor: something above would fail in class (FAIL)\n", a.name())
		return exitFailed
	}
	return exitOK
}

// doctorGo says which go command builds the cells, and its version.
func (a *App) doctorGo(ctx context.Context, add func(status, topic, format string, v ...any)) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		add("FAIL", "go", "no go command on PATH: no cell can be built (install Go from https://go.dev/dl/)")
		return
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := run.Command(ctx, goBin, []string{"env", "GOVERSION"}, run.CommandOptions{Stdout: &out}); err != nil {
		add("FAIL", "go", "%s env GOVERSION: %v", goBin, err)
		return
	}
	add("ok", "go", "%s (%s), built for %s/%s", strings.TrimSpace(out.String()), goBin, runtime.GOOS, runtime.GOARCH)
}

// doctorCache says where the cache is and how much it holds.
func (a *App) doctorCache(flags *pflag.FlagSet, add func(status, topic, format string, v ...any)) {
	c, err := a.openCache(flags)
	if err != nil {
		add("FAIL", "cache", "%v: every cell would be built and run again, and render would fail", err)
		return
	}
	defer c.Close()
	var files int
	var size int64
	filepath.WalkDir(c.Dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				files++
				size += info.Size()
			}
		}
		return nil
	})
	add("ok", "cache", "%s: %d files, %.1f MB (%s clean empties it)", c.Dir, files, float64(size)/1e6, a.name())
}

// doctorLessons loads the lessons and checks what their cells need: the ports of their servers free, the
// network for their net cells.
func (a *App) doctorLessons(ctx context.Context, e *engine.Engine, flags *pflag.FlagSet, args []string, add func(status, topic, format string, v ...any)) {
	files, err := a.findLessons(args)
	if err != nil {
		add("FAIL", "lessons", "%v", err)
		return
	}
	var netCells []string
	cells := 0
	for _, f := range files {
		l, err := a.load(e, f)
		if err != nil {
			add("FAIL", "lessons", "%s", strings.ReplaceAll(err.Error(), "\n", "\n                "))
			continue
		}
		for _, p := range l.Plan.Programs {
			cells++
			c := p.Cell
			if c.Attrs.Net {
				netCells = append(netCells, fmt.Sprintf("%s In [%d]", f, c.Number))
			}
			probe := c.Attrs.Ready
			if probe == nil || probe.Kind == "out" {
				continue
			}
			where := fmt.Sprintf("%s In [%d] binds %s %s", f, c.Number, probe.Kind, probe.Addr)
			switch taken, err := ready.InUse(probe); {
			case err != nil:
				add("note", "ports", "%s: cannot tell whether it is free: %v", where, err)
			case taken:
				by := ""
				if owner := ready.Owner(probe.Kind, probe.Addr); owner != "" {
					by = " by " + owner
				}
				add("FAIL", "ports", "%s: taken%s; the server cell would stop at once (stop that program, or change the port)", where, by)
			default:
				add("ok", "ports", "%s: free", where)
			}
		}
	}
	add("ok", "lessons", "%s, %s", plural(len(files), "lesson"), plural(cells, "cell"))
	offline, _ := flags.GetBool("offline")
	a.doctorNetwork(ctx, netCells, offline, add)
}

// doctorNetwork says whether the internet answers (a name in public DNS resolves, and its web server accepts a
// connection), and what that means for the net cells. The name is example.com, which IANA keeps for examples:
// no course's own server, and not the Go module proxy, which a machine may reach when nothing else answers.
func (a *App) doctorNetwork(ctx context.Context, netCells []string, offline bool, add func(status, topic, format string, v ...any)) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := internet(ctx, "example.com")
	cells := strings.Join(netCells, ", ")
	switch {
	case err == nil && len(netCells) > 0:
		add("ok", "network", "the internet answers: the net cells (%s) can run", cells)
	case err == nil:
		add("ok", "network", "the internet answers (no lesson has a net cell)")
	case len(netCells) > 0 && offline:
		add("note", "network", "no internet (%v): with --offline the net cells (%s) show their recorded output", err, cells)
	case len(netCells) > 0:
		add("FAIL", "network", "no internet (%v): the net cells (%s) would fail; with --offline, render, check and serve show their recorded output instead", err, cells)
	default:
		add("note", "network", "no internet (%v); no lesson has a net cell", err)
	}
}

// internet resolves host and connects to its port 443.
func internet(ctx context.Context, host string) error {
	addrs, err := net.DefaultResolver.LookupHost(ctx, host)
	if err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(addrs[0], "443"))
	if err != nil {
		return err
	}
	return conn.Close()
}
