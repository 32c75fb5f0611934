package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"classnotes/runner/engine"
	"classnotes/runner/files"
	"classnotes/runner/site"
)

// siteWriter writes the HTML pages of rendered lessons and their index. It draws a page again only when what
// it shows changed: the fingerprint of every page is kept in manifestName beside them.
type siteWriter struct {
	dir     string
	pages   map[string]string // lesson file name → page file name
	files   map[string]string // lesson name → its directory as the pages see it (site.Page.Files)
	entries []site.Entry
	force   bool              // draw every page again
	kept    map[string]string // page file name → fingerprint of the page on disk, as the manifest says
	drawn   int               // pages drawn in this render
}

// manifestName is the file beside the pages that holds their fingerprints.
const manifestName = ".classnotes-pages.json"

// newSiteWriter prepares the site in dir for lessons. A page's links to the course's files lead to them where
// they are, relative to the page, so that they work wherever the course is (see course.go). Two lessons with the same file name would get the same
// page, and a lesson named index.md would lose its page to the index: both are errors (site.PageNames).
func (a *App) newSiteWriter(dir string, lessons []*engine.Lesson) (*siteWriter, error) {
	abs, err := a.abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	names := make([]string, len(lessons))
	for i, l := range lessons {
		names[i] = l.Name
	}
	pages, err := site.PageNames(names, ".html", site.IndexPage)
	if err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	s := &siteWriter{dir: abs, pages: pages, files: map[string]string{}, kept: map[string]string{}}
	for _, l := range lessons {
		lessonAbs, err := a.abs(l.Name)
		if err != nil {
			return nil, err
		}
		if rel, err := filepath.Rel(abs, filepath.Dir(lessonAbs)); err == nil {
			s.files[l.Name] = filepath.ToSlash(rel)
		}
	}
	if m, err := files.ReadFile(filepath.Join(abs, manifestName)); err == nil {
		json.Unmarshal(m.Bytes, &s.kept) // a damaged manifest only means every page is drawn again
	}
	return s, nil
}

// writePage writes the page of lesson l, as WriteBack left it, showing how its cells went.
func (s *siteWriter) writePage(l *engine.Lesson, results []*engine.Result) error {
	parsed := l.Source()
	page := &site.Page{Lesson: parsed, Cells: map[int]*site.Cell{}, Links: s.pages, Files: s.files[l.Name]}
	failed := 0
	for _, r := range results {
		if cell := r.View(); cell != nil {
			page.Cells[r.Cell().Number] = cell
		}
		if r.Failed() {
			failed++
		}
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
	return s.write(name, site.Fingerprint(page), func(w io.Writer) error { return site.WritePage(w, page) })
}

// write draws the page name with draw and writes it, unless the page on disk has fingerprint fp already.
func (s *siteWriter) write(name, fp string, draw func(io.Writer) error) error {
	path := filepath.Join(s.dir, name)
	if !s.force && s.kept[name] == fp {
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
			return nil
		}
	}
	var b bytes.Buffer
	if err := draw(&b); err != nil {
		return err
	}
	if _, err := files.Write(path, b.Bytes(), files.Options{Perm: 0o644, Overwrite: true}); err != nil {
		return err
	}
	s.kept[name] = fp
	s.drawn++
	return nil
}

// writeIndex writes the index, when it changed, and the manifest of fingerprints, when a page was drawn.
func (s *siteWriter) writeIndex() error {
	err := s.write(site.IndexPage, site.IndexFingerprint(s.entries), func(w io.Writer) error { return site.WriteIndex(w, s.entries) })
	if err != nil || s.drawn == 0 {
		return err
	}
	b, err := json.MarshalIndent(s.kept, "", "  ")
	if err != nil {
		return err
	}
	_, err = files.Write(filepath.Join(s.dir, manifestName), append(b, '\n'), files.Options{Perm: 0o644, Overwrite: true})
	return err
}
