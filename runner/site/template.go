package site

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
)

type pageData struct {
	Title  string
	CSS    string
	Body   string
	Home   string  // the link to all lessons
	Extras *Extras // what the caller adds, or nil
}

// funcs mark the stylesheet and the rendered Markdown as trusted (both are made by this package and the
// page's caller, and program output in them is already escaped), and make a page's name a relative URL.
var funcs = template.FuncMap{
	"css":  func(s string) template.CSS { return template.CSS(s) },
	"html": func(s string) template.HTML { return template.HTML(s) },
	"href": Href,
}

var (
	pageTemplate  = template.Must(template.New("page").Funcs(funcs).Parse(pageSource))
	indexTemplate = template.Must(template.New("index").Funcs(funcs).Parse(indexSource))
)

const pageSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
{{css .CSS}}
</style>
</head>
<body{{with .Extras}}{{.BodyAttrs}}{{end}}>
<nav><a href="{{.Home}}">All lessons</a></nav>
{{with .Extras}}{{.Top}}{{end}}<main>
{{html .Body}}</main>
{{with .Extras}}{{.Bottom}}{{end}}</body>
</html>
`

// Entry is a lesson in the index.
type Entry struct {
	Title   string
	Page    string // the page's file name
	Cells   int
	Outcome string // how its last render went, in a few words
	Failed  bool
}

const indexSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lessons</title>
<style>
{{css .CSS}}
</style>
</head>
<body>
<main>
<h1>Lessons</h1>
<table class="index">
<thead><tr><th>Lesson</th><th>Cells</th><th>Last render</th></tr></thead>
<tbody>
{{range .Entries}}<tr><td><a href="{{href .Page}}">{{.Title}}</a></td><td>{{.Cells}}</td><td><span class="badge {{if .Failed}}fail{{else}}ok{{end}}">{{.Outcome}}</span></td></tr>
{{end}}</tbody>
</table>
</main>
</body>
</html>
`

// WriteIndex writes the index page listing entries.
func WriteIndex(w io.Writer, entries []Entry) error {
	return indexTemplate.Execute(w, struct {
		CSS     string
		Entries []Entry
	}{stylesheet(), entries})
}

var (
	cssOnce sync.Once
	css     string
)

// stylesheet returns the site's one stylesheet, inlined in every page: no fonts, scripts or files from
// elsewhere, so that pages work in a classroom without a network.
func stylesheet() string {
	cssOnce.Do(func() {
		var b strings.Builder
		b.WriteString(baseCSS)
		b.WriteString(chromaCSS())
		b.WriteString(termCSS())
		css = b.String()
	})
	return css
}

// termCSS styles the classes terminal-to-html gives colours and attributes.
func termCSS() string {
	light := []string{"#000000", "#b42318", "#1a7f37", "#9a6700", "#0550ae", "#8250df", "#1b7c83", "#6e7781"}
	bright := []string{"#57606a", "#d1242f", "#1f883d", "#bf8700", "#218bff", "#a475f9", "#3192aa", "#8c959f"}
	darkColours := []string{"#8b949e", "#ff7b72", "#3fb950", "#d29922", "#58a6ff", "#bc8cff", "#39c5cf", "#b1bac4"}
	darkBright := []string{"#b1bac4", "#ffa198", "#56d364", "#e3b341", "#79c0ff", "#d2a8ff", "#56d4dd", "#f0f6fc"}
	var b strings.Builder
	rules := func(normal, intense []string) {
		for i := range 8 {
			fmt.Fprintf(&b, ".term-fg%d{color:%s}.term-fgi%d{color:%s}.term-bg%d{background:%s}.term-bgi%d{background:%s}\n",
				30+i, normal[i], 90+i, intense[i], 40+i, normal[i], 100+i, intense[i])
		}
	}
	rules(light, bright)
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	rules(darkColours, darkBright)
	b.WriteString("}\n.term-fg1{font-weight:bold}.term-fg2{opacity:.7}.term-fg3{font-style:italic}.term-fg4{text-decoration:underline}.term-fg9{text-decoration:line-through}\n")
	return b.String()
}

const baseCSS = `
:root { color-scheme: light dark; --fg: #111; --bg: #fff; --muted: #555; --panel: #f6f8fa; --border: #c8ced6;
  --ok: #1a7f37; --fail: #b42318; --info: #0550ae; --link: #0550ae; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f0f3f6; --bg: #0d1117; --muted: #b1bac4; --panel: #161b22; --border: #3d444d;
    --ok: #3fb950; --fail: #ff7b72; --info: #79c0ff; --link: #79c0ff; }
  .chroma { background: var(--panel) !important; }
}
html { font-size: 20px; }
body { margin: 0; background: var(--bg); color: var(--fg); font-family: system-ui, sans-serif; line-height: 1.55; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
nav { max-width: 60rem; margin: 0 auto; padding: .75rem 1.5rem 0; }
a { color: var(--link); }
h1, h2, h3, h4 { line-height: 1.25; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.95rem; }
:not(pre) > code { background: var(--panel); padding: .1em .3em; border-radius: 4px; }
pre { margin: 0; padding: .75rem 1rem; overflow-x: auto; border-radius: 6px; tab-size: 4; }
.block pre, .in pre { background: var(--panel); border: 1px solid var(--border); }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid var(--border); padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
.cell { margin: 1.5rem 0; }
.prompt { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: bold; color: var(--muted); margin: .25rem 0; }
.out .panel { border: 1px solid var(--border); border-left: 6px solid var(--info); border-radius: 6px; }
.output { background: transparent; white-space: pre-wrap; word-break: break-word; }
.badges { display: flex; flex-wrap: wrap; gap: .4rem; padding: .5rem 1rem 0; }
.badge { display: inline-block; font-size: .8rem; font-weight: 600; padding: .1rem .55rem; border-radius: 999px;
  border: 1px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.fail { color: var(--fail); } .badge.info { color: var(--info); }
.none { color: var(--muted); font-style: italic; }
@media print {
  html { font-size: 12pt; }
  nav { display: none; }
  body { background: #fff; color: #000; }
  pre { white-space: pre-wrap; border: 1px solid #999; }
  .cell { break-inside: avoid; }
}
`
