package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"classnotes/runner/cache"
	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/site"
)

// siteWriter writes the HTML pages of rendered lessons and their index.
type siteWriter struct {
	dir     string
	pages   map[string]string // lesson file name → page file name
	entries []site.Entry
}

// newSiteWriter prepares the site in dir for lessons. Two lessons with the same file name would get the same
// page; that is an error.
func (a *App) newSiteWriter(dir string, lessons []*loaded) (*siteWriter, error) {
	abs, err := a.abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	s := &siteWriter{dir: abs, pages: map[string]string{}}
	from := map[string]string{}
	for _, l := range lessons {
		base := filepath.Base(l.name)
		if other, ok := from[base]; ok {
			return nil, fmt.Errorf("html: %s and %s would both be %s; render them into different --html directories", other, l.name, pageName(base))
		}
		from[base] = l.name
		s.pages[base] = pageName(base)
	}
	return s, nil
}

func pageName(base string) string { return strings.TrimSuffix(base, ".md") + ".html" }

// writePage writes the page of lesson l, whose source is now src, showing how its cells went.
func (s *siteWriter) writePage(l *loaded, src []byte, results []*cellResult) error {
	parsed, err := lesson.Parse(l.name, src)
	if err != nil {
		return err
	}
	page := &site.Page{Lesson: parsed, Cells: map[int]*site.Cell{}, Links: s.pages}
	failed := 0
	for _, r := range results {
		page.Cells[r.prog.Cell.Number] = cellView(r)
		if r.failed() {
			failed++
		}
	}
	var b bytes.Buffer
	if err := site.WritePage(&b, page); err != nil {
		return err
	}
	name := s.pages[filepath.Base(l.name)]
	outcome := fmt.Sprintf("all %d ok", len(results))
	if failed > 0 {
		outcome = fmt.Sprintf("%d of %d failed", failed, len(results))
	}
	if len(results) == 0 {
		outcome = "no cells"
	}
	s.entries = append(s.entries, site.Entry{Title: site.Title(parsed), Page: name, Cells: len(results), Outcome: outcome, Failed: failed > 0})
	return files.WriteAtomic(filepath.Join(s.dir, name), b.Bytes(), 0o644)
}

func (s *siteWriter) writeIndex() error {
	var b bytes.Buffer
	if err := site.WriteIndex(&b, s.entries); err != nil {
		return err
	}
	return files.WriteAtomic(filepath.Join(s.dir, "index.html"), b.Bytes(), 0o644)
}

// cellView is what the page shows of how a cell went: its raw output and its badges.
func cellView(r *cellResult) *site.Cell {
	switch {
	case r.skipped != "":
		return &site.Cell{Badges: []site.Badge{{Text: "skipped offline", Kind: "info"}}}
	case r.notRun != "":
		return &site.Cell{Badges: []site.Badge{{Text: "not run: " + r.notRun, Kind: "fail"}}}
	}
	e := r.cached
	if e == nil {
		e = r.entry()
	}
	return &site.Cell{Raw: e.Raw, Badges: badges(e, r.expectsError())}
}

// badges describe a run: how it ended, and how long it took.
func badges(e *cache.Entry, expectError bool) []site.Badge {
	var b []site.Badge
	end := func(text string, failed bool) {
		kind := "ok"
		if failed {
			kind = "fail"
		}
		b = append(b, site.Badge{Text: text, Kind: kind})
	}
	switch {
	case e.NotReady != "" && !e.CompileError:
		end(e.NotReady, true)
	case e.CompileError:
		end("compile error", !expectError)
	case e.TimedOut:
		end(e.Status, !expectError)
	case e.Stopped:
		b = append(b, site.Badge{Text: "server stopped (" + e.Status + ")", Kind: "info"})
	case e.ExitCode == 0:
		end("exit 0", expectError)
	default:
		end(e.Status, !expectError)
	}
	if expectError {
		b = append(b, site.Badge{Text: "expected error", Kind: "info"})
	}
	if !e.CompileError {
		b = append(b, site.Badge{Text: fmt.Sprintf("%.2f s", float64(e.DurationMS)/1000), Kind: "info"})
	}
	return b
}
