package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"strconv"

	"github.com/yuin/goldmark/util"

	"classnotes/runner/lesson"
	"classnotes/runner/site"
)

// pageView is how a lesson's served page is drawn: with Live panels and a script, and, for the teacher,
// controls. It is the page's Out renderer (site.OutRenderer).
type pageView struct {
	Lesson  string // the lesson's key in the HTTP API: its path relative to the served directory, slash-separated
	Teacher bool   // the teacher's view: Run, Stop, Accept, Run all; false: the read-only student view
	// NotesHidden says that the teacher hides the notes (the recorded outputs) until each cell has run: the
	// Notes panels of the cells not in Revealed start hidden behind a note that asks what the cell will print.
	NotesHidden bool
	Revealed    map[int]bool // the cells that have run since the notes were hidden
	// Withhold leaves the notes that NotesHidden hides out of the page, rather than only hiding them: the
	// student's view, whose reader could otherwise read them in the page's source. The page fetches a cell's
	// Notes panel once it may show it (writeNotesPanel).
	Withhold bool
	// Class is the class the students report to, for the teacher's Class view (with LAN); nil for none.
	Class *classView
}

// classView is what the teacher's page draws of the class: the code students report with, and the exercises,
// the columns of the table. The page's script fills the rows from GET /api/class and the class events.
type classView struct {
	Code      string
	Exercises []string
}

// veiled reports whether cell n's notes start hidden.
func (v *pageView) veiled(n int) bool { return v.NotesHidden && !v.Revealed[n] }

// Withheld reports whether the page leaves cell n's notes out.
func (v *pageView) Withheld(n int) bool { return v.Withhold && v.veiled(n) }

// pageScript runs a served page: it follows the server's events, streams output into the Live panels and,
// for the teacher, runs, stops and accepts cells. It is kept in its own file to be read and linted as
// JavaScript.
//
//go:embed page.js
var pageScript string

// pagePolicy returns the Content-Security-Policy of served pages: the page's own inline script and nothing
// else runs (not a script in a lesson's HTML, nor one a program's output might smuggle in).
func pagePolicy() string { return policyFor(pageScript) }

// policyFor returns the Content-Security-Policy of a response whose only script is script ("" for none):
// nothing is fetched from elsewhere, and connections go to the page's own server only.
func policyFor(script string) string {
	scripts := "'none'"
	if script != "" {
		sum := sha256.Sum256([]byte(script))
		scripts = "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; script-src " + scripts + "; style-src 'unsafe-inline'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// writePage writes lesson l's page as v draws it, with links to the other lessons' pages and, through files
// (site.Page.Files), to the course's files.
func writePage(w io.Writer, l *lesson.Lesson, links map[string]string, files string, v *pageView) error {
	var top, bottom, attrs bytes.Buffer
	if err := partsTemplate.ExecuteTemplate(&top, "toolbar", v); err != nil {
		return err
	}
	if err := partsTemplate.ExecuteTemplate(&bottom, "bottom", pageScript); err != nil {
		return err
	}
	if err := partsTemplate.ExecuteTemplate(&attrs, "body", v); err != nil {
		return err
	}
	return site.WritePage(w, &site.Page{
		Lesson: l, Cells: map[int]*site.Cell{}, Links: links, Files: files, Out: v,
		Extras: &site.Extras{
			CSS:       pageCSS,
			BodyAttrs: template.HTMLAttr(attrs.String()),
			Home:      "./",
			Top:       template.HTML(top.String()),
			Bottom:    template.HTML(bottom.String()),
		},
	})
}

// CellAttrs gives a served cell's section its number for the script, whether it runs in the background, and
// a place in the keyboard's focus order.
func (v *pageView) CellAttrs(c *lesson.Cell) string {
	attrs := ` data-cell="` + strconv.Itoa(c.Number) + `"`
	if c.Attrs.Background {
		attrs += ` data-background="true"`
	}
	return attrs + ` tabindex="-1"`
}

// WriteOut writes the output side of served cell c: the recorded Notes panel (written by recorded) beside an
// empty Live panel, and the places for the verdict, the servers it waits for and messages. The teacher's
// buttons go first.
func (v *pageView) WriteOut(w util.BufWriter, c *lesson.Cell, recorded func()) {
	num := strconv.Itoa(c.Number)
	if v.Teacher {
		w.WriteString(`<div class="controls">` +
			`<button type="button" class="run" data-action="run" title="Run this cell (Shift+Enter)">Run</button>` +
			`<button type="button" class="stop" data-action="stop" disabled>Stop</button>` +
			`<button type="button" class="accept" data-action="accept" disabled title="Write this run's output into the lesson">Accept</button>` +
			"</div>\n")
	}
	w.WriteString(`<div class="out"><div class="prompt">Out [` + num + `]:</div><div class="panes">` + "\n")
	v.writeNotes(w, c.Number, recorded)
	w.WriteString(`<div class="panel live"><div class="pane-title">Live <span class="state"></span></div>` +
		`<div class="badges" hidden></div><pre class="output term-container"></pre></div>` + "\n")
	w.WriteString(`</div><div class="servers" hidden></div><div class="verdict" hidden></div>` +
		`<p class="message" role="alert" hidden></p></div>` + "\n")
}

// writeNotes writes the Notes panel of served cell n: the recorded output (written by recorded) unless the
// page withholds it, and the note that stands for it while it is hidden.
func (v *pageView) writeNotes(w util.BufWriter, n int, recorded func()) {
	class := "panel notes"
	switch {
	case v.Withheld(n):
		class += " withheld"
	case v.veiled(n):
		class += " veiled"
	}
	w.WriteString(`<div class="` + class + `"><div class="pane-title">Notes</div>`)
	if !v.Withheld(n) {
		recorded()
	}
	w.WriteString(`<p class="hidden-note">Hidden until the cell has run: what will it print?</p></div>` + "\n")
}

// writeNotesPanel writes the Notes panel of cell n of lesson l as the served page v has it: what a page
// written without it (pageView.Withhold) puts in its place once the teacher reveals it.
func writeNotesPanel(w io.Writer, l *lesson.Lesson, v *pageView, n int) error {
	for _, c := range l.Cells {
		if c.Number == n {
			bw := bufio.NewWriter(w)
			p := &site.Page{Lesson: l}
			v.writeNotes(bw, n, func() { site.WriteRecorded(bw, p, c) })
			return bw.Flush()
		}
	}
	return fmt.Errorf("%s: no cell In [%d]", l.Path, n)
}

// jsString returns s as a JavaScript string literal that is safe inside a <script> element.
func jsString(s string) string {
	b, _ := json.Marshal(s) // escapes <, > and &
	return string(b)
}

// errorPage shows why a lesson does not load, and reloads itself when the lesson is saved again. It returns
// the page and its script.
func errorPage(key string, err error) (page []byte, script string) {
	script = `new EventSource("/api/events").addEventListener(` + jsString(Reload{}.EventName()) +
		`, e => { if (JSON.parse(e.data).lesson === ` + jsString(key) + `) location.reload() })`
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%[1]s: errors</title>
<style>body{font:1.2rem/1.5 system-ui,sans-serif;margin:2rem}pre{background:#fee;color:#600;padding:1rem;white-space:pre-wrap}</style></head>
<body data-lesson="%[1]s"><h1>%[1]s does not load</h1><pre class="errors">%[2]s</pre>
<p>Fix the lesson and save it: this page reloads.</p>
<script>%[3]s</script>
</body></html>
`, html.EscapeString(key), html.EscapeString(err.Error()), script), script
}

// partsTemplate draws the served page's parts around the lesson: the body's attributes the script reads, the
// toolbar, and the overlay and script at the end (reloads leave all of them in place). The page's script is
// trusted: it is this package's own.
var partsTemplate = template.Must(template.New("parts").Funcs(template.FuncMap{
	"js": func(s string) template.JS { return template.JS(s) },
}).Parse(partsSource))

const partsSource = `{{define "body"}} data-lesson="{{.Lesson}}" data-view="{{if .Teacher}}teacher{{else}}student{{end}}"{{end}}
{{- define "toolbar"}}<div class="toolbar" role="toolbar" aria-label="Classroom" data-notes="{{if .NotesHidden}}hidden{{else}}shown{{end}}">
{{- if .Teacher}}<button type="button" class="run-all" data-action="run-all">Run all</button>{{end -}}
<button type="button" data-action="present" aria-pressed="false" title="One cell in focus, larger type; j/k or arrows move">Presentation</button>
{{if .Teacher -}}
<button type="button" data-action="hide-notes" aria-pressed="{{.NotesHidden}}" title="Students predict first: their pages get a cell's notes when it has run">Hide notes until run</button>
{{- else -}}
<button type="button" data-action="hide-notes" aria-pressed="false" title="Predict first: on this screen, notes show when their cell has run">Hide notes until run</button>
{{- end}}
{{if .Class}}<button type="button" data-action="class" aria-pressed="false" aria-controls="class-view" title="The students' reports: who solved which exercise">Class</button>{{end}}
<span class="conn">connecting…</span><span class="toolbar-message" role="alert"></span></div>
{{with .Class}}<section id="class-view" aria-label="Class" hidden>
<p class="class-code">Class code <strong>{{.Code}}</strong> · <span class="class-students">no report yet</span></p>
<ul id="class-counts"></ul>
<div class="class-scroll"><table id="class" data-students="0" data-seq="-1"><thead><tr><th scope="col">Student</th><th scope="col">Reported</th>
{{- range .Exercises}}<th scope="col" data-exercise="{{.}}">{{.}}</th>{{end}}</tr></thead><tbody></tbody></table></div>
</section>
{{end}}{{end}}
{{- define "bottom"}}<div class="overlay" role="alert" hidden><h2>This lesson has errors</h2><pre class="overlay-message"></pre>
<p>Fix them and save the file: the page comes back by itself.</p></div>
<script>{{js .}}</script>
{{end}}`

// pageCSS styles the served page's parts, after the static site's rules: as large and plain as the rest,
// Notes and Live side by side where the screen is wide enough.
const pageCSS = `
[hidden] { display: none !important; }
main, nav { max-width: 84rem; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem;
  max-width: 84rem; margin: 0 auto; padding: .5rem 1.5rem; background: var(--bg); border-bottom: 1px solid var(--border); }
.conn { color: var(--muted); font-size: .85rem; }
body[data-connected="true"] .conn { color: var(--ok); }
.toolbar-message { color: var(--fail); font-weight: 600; }
button { font: inherit; font-size: .9rem; font-weight: 600; padding: .3rem .9rem; border-radius: 6px; cursor: pointer;
  border: 2px solid var(--fg); background: var(--bg); color: var(--fg); }
button:disabled { opacity: .4; cursor: not-allowed; }
button[aria-pressed="true"] { background: var(--fg); color: var(--bg); }
button.run, button.run-all { background: var(--ok); border-color: var(--ok); color: var(--bg); }
button.stop:enabled { background: var(--fail); border-color: var(--fail); color: var(--bg); }
button:focus-visible { outline: 3px solid var(--info); outline-offset: 3px; }
.cell:focus { outline: none; }
.controls { display: flex; gap: .5rem; margin: .5rem 0; }
.cell { scroll-margin-top: .5rem; padding: .25rem .5rem; border-radius: 8px; }
.cell.current { box-shadow: 0 0 0 3px var(--info); }
.panes { display: grid; grid-template-columns: 1fr; gap: .75rem; }
@media (min-width: 1000px) { .panes { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.pane-title { padding: .3rem 1rem 0; font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
.live.matches { border-left-color: var(--ok); }
.live.differs { border-left-color: var(--fail); }
.cell.running .live { border-left-style: dashed; }
.live .output:empty::before { content: "not run yet"; color: var(--muted); font-style: italic; }
.state { text-transform: none; letter-spacing: 0; }
.state:not(:empty)::before { content: "· "; }
.hidden-note { display: none; margin: 0; padding: .75rem 1rem; color: var(--muted); font-style: italic; }
html.hide-notes .cell:not(.ended) .notes > :not(.pane-title):not(.hidden-note),
.notes.veiled > :not(.pane-title):not(.hidden-note) { display: none; }
html.hide-notes .cell:not(.ended) .notes > .hidden-note, .notes.veiled > .hidden-note,
.notes.withheld > .hidden-note { display: block; }
.verdict-text { margin: .5rem 0; font-weight: 700; }
.verdict-text.ok { color: var(--ok); } .verdict-text.fail { color: var(--fail); } .verdict-text.info { color: var(--info); }
.diff { background: var(--panel); border: 1px solid var(--border); white-space: pre-wrap; }
.diff .add { color: var(--ok); } .diff .del { color: var(--fail); } .diff .hunk { color: var(--info); }
.servers p, .message { margin: .5rem 0; font-weight: 600; }
.servers p { color: var(--fail); }
.message { color: var(--fail); }
.message.note { color: var(--info); }
html.present { font-size: 28px; }
/* Projected, a long line wraps rather than hiding past the edge: its continuation hangs 2ch under the line's own
   indentation (the leading whitespace, chroma's first token, becomes a table cell beside the rest). */
html.present pre.chroma { white-space: pre-wrap; overflow-wrap: anywhere; }
html.present pre.chroma .line { display: block; padding-left: 2ch; text-indent: -2ch; }
html.present pre.chroma .cl:has(> .w:first-child) { display: table; margin-left: -2ch; }
html.present pre.chroma .cl > .w:first-child { display: table-cell; white-space: pre; text-indent: 0; padding-right: 2ch; }
html.present .cell:not(.current) { opacity: .35; }
#class-view { max-width: 84rem; margin: 0 auto; padding: .5rem 1.5rem; border-bottom: 1px solid var(--border); }
.class-code { margin: .25rem 0; }
#class-counts { margin: .25rem 0; padding-left: 1.25rem; }
.class-scroll { overflow-x: auto; }
#class { border-collapse: collapse; font-size: .85rem; }
#class th, #class td { border: 1px solid var(--border); padding: .2rem .5rem; text-align: left; white-space: nowrap; }
#class tbody th { font-weight: 600; }
#class td[data-status="solved"] { background: #1a7f37; color: #fff; }
#class td[data-status="not yet"] { background: #f2b230; color: #000; }
#class td[data-status="does not compile"] { background: #c62828; color: #fff; }
#class td[data-status="failed at run time"] { background: #8e1c5b; color: #fff; }
#class td[data-status="timed out"] { background: #6b7280; color: #fff; }
.overlay { position: fixed; inset: 0; z-index: 3; overflow: auto; padding: 2rem 3rem; background: var(--bg);
  border-top: 8px solid var(--fail); }
.overlay h2 { color: var(--fail); }
.overlay-message { background: var(--panel); border: 1px solid var(--border); white-space: pre-wrap; }
@media print {
  .toolbar, .controls, .servers, .message, .hidden-note, .overlay { display: none !important; }
  .cell { opacity: 1 !important; box-shadow: none; }
}
`
