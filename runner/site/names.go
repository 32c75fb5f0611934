package site

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// IndexPage is the file name of the site's index.
const IndexPage = "index.html"

// PageNames names the page of each lesson, given by its path, for pages with the
// extension ext (".html" for the site and the served pages, ".ipynb" for exported notebooks): the lesson's base
// name with ext in place of .md. It returns a map from the lesson's base name to its page's name, the map that
// Page.Links and the notebooks' links take. Two lessons with one base name would share a page, and a lesson
// whose page would have a reserved name (IndexPage, in a static site, where the index is that file) would
// lose its page: both are errors, naming the lessons.
func PageNames(lessons []string, ext string, reserved ...string) (map[string]string, error) {
	pages := map[string]string{}
	from := map[string]string{}
	for _, l := range lessons {
		base := filepath.Base(l)
		page := strings.TrimSuffix(base, ".md") + ext
		if other, ok := from[page]; ok {
			return nil, fmt.Errorf("%s and %s would both be %s; give them different names, or render them separately", other, l, page)
		}
		if slices.Contains(reserved, page) {
			return nil, fmt.Errorf("%s would be %s, the site's index; rename the lesson", l, page)
		}
		from[page] = l
		pages[base] = page
	}
	return pages, nil
}

// Href returns the relative URL of the page named name: its characters that mean something in a URL (?, #,
// %, spaces) escaped, and ./ before a name that would otherwise read as a URL scheme (a:b.html).
func Href(name string) string {
	return (&url.URL{Path: name}).String()
}
