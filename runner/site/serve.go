package site

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"

	"github.com/yuin/goldmark/util"
)

// Serve makes a page for runner serve: with Live panels and a script, and, for the teacher, controls.
type Serve struct {
	Lesson  string // the lesson's key in the HTTP API: its path relative to the served directory, slash-separated
	Teacher bool   // the teacher's view: Run, Stop, Accept, Run all; false: the read-only student view
	// NotesHidden says that the teacher hides the notes (the recorded outputs) until each cell has run: the
	// Notes panels of the cells not in Revealed start hidden behind a note that asks what the cell will print.
	NotesHidden bool
	Revealed    map[int]bool // the cells that have run since the notes were hidden
	// Withhold leaves the notes that NotesHidden hides out of the page, rather than only hiding them: the
	// student's view, whose reader could otherwise read them in the page's source. The page fetches a cell's
	// Notes panel once it may show it (WriteNotes).
	Withhold bool
}

// veiled reports whether cell n's notes start hidden.
func (s *Serve) veiled(n int) bool { return s.NotesHidden && !s.Revealed[n] }

// Withheld reports whether the page leaves cell n's notes out.
func (s *Serve) Withheld(n int) bool { return s.Withhold && s.veiled(n) }

// serveScript runs a served page: it follows the server's events, streams output into the Live panels and,
// for the teacher, runs, stops and accepts cells. It is kept in its own file to be read and linted as
// JavaScript.
//
//go:embed serve.js
var serveScript string

// ContentSecurityPolicy returns a Content-Security-Policy for served pages: the page's own inline script and
// nothing else runs (not a script in a lesson's HTML, nor one a program's output might smuggle in).
func ContentSecurityPolicy() string { return PolicyFor(serveScript) }

// PolicyFor returns the Content-Security-Policy of a response whose only script is script ("" for none):
// nothing is fetched from elsewhere, and connections go to the page's own server only.
func PolicyFor(script string) string {
	scripts := "'none'"
	if script != "" {
		sum := sha256.Sum256([]byte(script))
		scripts = "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; script-src " + scripts + "; style-src 'unsafe-inline'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// writeServedOut writes the output side of served cell n: the recorded Notes panel (written by recorded) beside
// an empty Live panel, and the places for the verdict, the servers it waits for and messages. The teacher's
// buttons go first. It ends the cell's section.
func writeServedOut(w util.BufWriter, s *Serve, n int, recorded func()) {
	num := strconv.Itoa(n)
	if s.Teacher {
		w.WriteString(`<div class="controls">` +
			`<button type="button" class="run" data-action="run" title="Run this cell (Shift+Enter)">Run</button>` +
			`<button type="button" class="stop" data-action="stop" disabled>Stop</button>` +
			`<button type="button" class="accept" data-action="accept" disabled title="Write this run's output into the lesson">Accept</button>` +
			"</div>\n")
	}
	w.WriteString(`<div class="out"><div class="prompt">Out [` + num + `]:</div><div class="panes">` + "\n")
	writeNotes(w, s, n, recorded)
	w.WriteString(`<div class="panel live"><div class="pane-title">Live <span class="state"></span></div>` +
		`<div class="badges" hidden></div><pre class="output term-container"></pre></div>` + "\n")
	w.WriteString(`</div><div class="servers" hidden></div><div class="verdict" hidden></div>` +
		`<p class="message" role="alert" hidden></p></div>` + "\n</section>\n")
}

// writeNotes writes the Notes panel of served cell n: the recorded output (written by recorded) unless the
// page withholds it, and the note that stands for it while it is hidden.
func writeNotes(w util.BufWriter, s *Serve, n int, recorded func()) {
	class := "panel notes"
	switch {
	case s.Withheld(n):
		class += " withheld"
	case s.veiled(n):
		class += " veiled"
	}
	w.WriteString(`<div class="` + class + `"><div class="pane-title">Notes</div>`)
	if !s.Withheld(n) {
		recorded()
	}
	w.WriteString(`<p class="hidden-note">Hidden until the cell has run: what will it print?</p></div>` + "\n")
}

// WriteNotes writes the Notes panel of cell n of p's lesson as the served page p has it: what a page written
// without it (Serve.Withhold) puts in its place once the teacher reveals it.
func WriteNotes(w io.Writer, p *Page, n int) error {
	s := p.Serve
	if s == nil {
		s = &Serve{}
	}
	for _, c := range p.Lesson.Cells {
		if c.Number == n {
			bw := bufio.NewWriter(w)
			r := &nodeRenderer{page: p}
			writeNotes(bw, s, n, func() { r.writeRecorded(bw, c) })
			return bw.Flush()
		}
	}
	return fmt.Errorf("%s: no cell In [%d]", p.Lesson.Path, n)
}

// serveSource holds the served page's parts outside its main content, which reloads leave in place.
const serveSource = `{{define "toolbar"}}<div class="toolbar" role="toolbar" aria-label="Classroom" data-notes="{{if .NotesHidden}}hidden{{else}}shown{{end}}">
{{- if .Teacher}}<button type="button" class="run-all" data-action="run-all">Run all</button>{{end -}}
<button type="button" data-action="present" aria-pressed="false" title="One cell in focus, larger type; j/k or arrows move">Presentation</button>
{{if .Teacher -}}
<button type="button" data-action="hide-notes" aria-pressed="{{.NotesHidden}}" title="Students predict first: their pages get a cell's notes when it has run">Hide notes until run</button>
{{- else -}}
<button type="button" data-action="hide-notes" aria-pressed="false" title="Predict first: on this screen, notes show when their cell has run">Hide notes until run</button>
{{- end}}
<span class="conn">connecting…</span><span class="toolbar-message" role="alert"></span></div>
{{end}}{{define "overlay"}}<div class="overlay" role="alert" hidden><h2>This lesson has errors</h2><pre class="overlay-message"></pre>
<p>Fix them and save the file: the page comes back by itself.</p></div>
{{end}}`

// serveCSS styles the served page's parts, after the static site's rules: as large and plain as the rest,
// Notes and Live side by side where the screen is wide enough.
const serveCSS = `
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
.overlay { position: fixed; inset: 0; z-index: 3; overflow: auto; padding: 2rem 3rem; background: var(--bg);
  border-top: 8px solid var(--fail); }
.overlay h2 { color: var(--fail); }
.overlay-message { background: var(--panel); border: 1px solid var(--border); white-space: pre-wrap; }
@media print {
  .toolbar, .controls, .servers, .message, .hidden-note, .overlay { display: none !important; }
  .cell { opacity: 1 !important; box-shadow: none; }
}
`
