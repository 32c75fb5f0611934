package site

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"classnotes/runner/lesson"
	"classnotes/runner/site/sitetest"
)

// writeSite writes the test lesson's page, the pages of the project's lessons (with their recorded outputs)
// and an index into dir, and returns the page names.
func writeSite(t *testing.T, dir string) []string {
	t.Helper()
	write := func(name string, p *Page) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := WritePage(f, p); err != nil {
			t.Fatal(err)
		}
	}
	pages := []string{"index.html", "lesson.html"}
	write("lesson.html", testPage(t))
	entries := []Entry{{Title: "A small lesson", Page: "lesson.html", Cells: 2, Outcome: "all 2 ok"}}
	lessons, err := filepath.Glob("../../lessons/*.md")
	if err != nil || len(lessons) == 0 {
		t.Fatalf("the project's lessons: %q %v", lessons, err)
	}
	for _, path := range lessons {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		l, err := lesson.Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".md") + ".html"
		write(name, &Page{Lesson: l, Cells: map[int]*Cell{}})
		pages = append(pages, name)
		entries = append(entries, Entry{Title: Title(l), Page: name, Cells: len(l.Cells), Outcome: "recorded"})
	}
	f, err := os.Create(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := WriteIndex(f, entries); err != nil {
		t.Fatal(err)
	}
	return pages
}

// TestBrowser loads every page in headless Chromium from a server on 127.0.0.1 and checks the DOM: cells,
// highlighted code, coloured output, badges, no script from a program's output, and no request that left the
// machine. It saves a screenshot of each page in $CLASSNOTES_SCREENSHOTS, or in a temporary directory.
func TestBrowser(t *testing.T) {
	dir := t.TempDir()
	pages := writeSite(t, dir)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	var mu sync.Mutex
	var requests []string
	ctx := sitetest.Browser(t, 2*time.Minute, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	})

	for _, page := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+page), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		facts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
				cells: document.querySelectorAll("section.cell").length,
				highlighted: document.querySelectorAll(".cell .chroma .kn, .cell .chroma .kd").length,
				coloured: Array.from(document.querySelectorAll(".output span[class^=term-fg]")).map(s => getComputedStyle(s).color),
				badges: Array.from(document.querySelectorAll(".badge")).map(b => b.textContent),
				scripts: document.querySelectorAll("script").length,
				outputText: Array.from(document.querySelectorAll(".output")).map(o => o.textContent).join("\n"),
				index: document.querySelectorAll("table.index a").length,
			})`))
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		path := sitetest.Screenshot(t, ctx, strings.TrimSuffix(page, ".html"))
		t.Logf("%s: %v; screenshot %s", page, summary(facts), path)

		if n := facts["scripts"].(float64); n != 0 {
			t.Errorf("%s: %v script elements", page, n)
		}
		switch page {
		case "index.html":
			if facts["index"].(float64) < 2 {
				t.Errorf("index lists %v lessons", facts["index"])
			}
		case "lesson.html":
			if facts["cells"].(float64) != 2 || facts["highlighted"].(float64) == 0 {
				t.Errorf("lesson: %v cells, %v highlighted keywords", facts["cells"], facts["highlighted"])
			}
			coloured := fmt.Sprint(facts["coloured"])
			if !strings.Contains(coloured, "rgb(") || strings.Contains(coloured, "rgb(0, 0, 0)") {
				t.Errorf("lesson: output colours %s", coloured)
			}
			if b := fmt.Sprint(facts["badges"]); !strings.Contains(b, "exit 0") {
				t.Errorf("lesson: badges %s", b)
			}
			if !strings.Contains(facts["outputText"].(string), "<script>alert(1)</script>") {
				t.Errorf("lesson: the program's <script> text is not shown as text")
			}
		default: // the project's lessons
			if facts["cells"].(float64) == 0 || facts["highlighted"].(float64) == 0 {
				t.Errorf("%s: %v cells, %v highlighted keywords", page, facts["cells"], facts["highlighted"])
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("a request left the machine: %s", u)
		}
	}
	if len(requests) < len(pages) {
		t.Errorf("saw %d requests for %d pages: the listener missed them", len(requests), len(pages))
	}
}

func summary(facts map[string]any) string {
	return fmt.Sprintf("cells %v, highlighted %v, coloured spans %d, badges %v",
		facts["cells"], facts["highlighted"], len(facts["coloured"].([]any)), facts["badges"])
}
