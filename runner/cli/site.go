package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"classnotes/runner/files"
	"classnotes/runner/lesson"
	"classnotes/runner/notebook"
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
func (a *App) newSiteWriter(dir string, lessons []*notebook.Lesson) (*siteWriter, error) {
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
		base := filepath.Base(l.Name)
		if other, ok := from[base]; ok {
			return nil, fmt.Errorf("html: %s and %s would both be %s; render them into different --html directories", other, l.Name, pageName(base))
		}
		from[base] = l.Name
		s.pages[base] = pageName(base)
	}
	return s, nil
}

func pageName(base string) string { return strings.TrimSuffix(base, ".md") + ".html" }

// writePage writes the page of lesson l, whose source is now src, showing how its cells went.
func (s *siteWriter) writePage(l *notebook.Lesson, src []byte, results []*notebook.Result) error {
	parsed, err := lesson.Parse(l.Name, src)
	if err != nil {
		return err
	}
	page := &site.Page{Lesson: parsed, Cells: map[int]*site.Cell{}, Links: s.pages}
	failed := 0
	for _, r := range results {
		if cell := site.CellOf(r); cell != nil {
			page.Cells[r.Cell().Number] = cell
		}
		if r.Failed() {
			failed++
		}
	}
	var b bytes.Buffer
	if err := site.WritePage(&b, page); err != nil {
		return err
	}
	name := s.pages[filepath.Base(l.Name)]
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
