package engine

import (
	"fmt"
	"net"
	"reflect"
	"slices"
	"testing"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/cache"
	"classnotes/runner/run"
	"classnotes/runner/view"
)

const quiet = "package main\n\nfunc main() {}"

// TestServersDown: a cell's servers (the rule of plan.Plan.Needs) are down when nothing listens on their tcp
// address, and up when something does; a server with an out probe cannot be asked and is never listed, nor
// is a server the cell does not need.
func TestServersDown(t *testing.T) {
	port, other := freePort(t), freePort(t)
	_, l := load(t, cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), quiet)+
		cell(2, "background ready=out:^ready$", quiet)+
		cell(3, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", other), quiet)+
		cell(4, "needs=1,2", quiet))
	if got := l.ServersDown(l.Cell(4)); !slices.Equal(got, []int{1}) {
		t.Errorf("nothing listening: down %v, want [1]", got)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if got := l.ServersDown(l.Cell(4)); len(got) != 0 {
		t.Errorf("In [1] listening: down %v, want none", got)
	}
	if got := l.ServersDown(l.Cell(1)); len(got) != 0 {
		t.Errorf("a server needs none: down %v", got)
	}
}

// TestVerdictWords: each verdict has its wire name, and the sentences the front ends print.
func TestVerdictWords(t *testing.T) {
	for _, tt := range []struct {
		v                      Verdict
		name, sentence, reason string
	}{
		{NotCompared, "not-compared", "not compared with the notes", "not compared with the notes"},
		{Matches, "matches", "matches the notes", "matches the notes"},
		{Differs, "differs", "differs from the notes", "output differs from the notes"},
		{NoRecord, "no-record", "the notes have no recorded output to compare with", "no recorded output; run `runner render`"},
		{Ignored, "ignored", "not compared with the notes (compare=ignore)", "compare=ignore: it ran, its output is not compared"},
		{Verdict(9), "Verdict(9)", "Verdict(9)", "Verdict(9)"},
	} {
		if got := [3]string{tt.v.String(), tt.v.Sentence(), tt.v.Reason()}; got != [3]string{tt.name, tt.sentence, tt.reason} {
			t.Errorf("verdict %d: %q, want %q", int(tt.v), got, [3]string{tt.name, tt.sentence, tt.reason})
		}
	}
}

// TestView: the badges of a result say how it ended, whether an error was expected and how long it ran; a
// cell with nothing to show has no view.
func TestView(t *testing.T) {
	_, l := load(t, cell(1, "", quiet)+cell(2, "expect=error", quiet)+cell(3, "background", quiet))
	plain, expect, server := l.Cell(1), l.Cell(2), l.Cell(3)
	ok := &build.Result{Binary: "x"}
	ran := func(r run.Result) *run.Result { return &r }
	for _, tt := range []struct {
		name string
		r    *Result
		want *view.Cell
	}{
		{"exit 0", &Result{Program: plain, Build: ok, Run: ran(run.Result{Status: "exit status 0", Printed: []byte("hi\n"), Duration: 1500 * time.Millisecond})},
			&view.Cell{Raw: []byte("hi\n"), Badges: []view.Badge{{Text: "exit 0", Kind: "ok"}, {Text: "1.50 s", Kind: "info"}}}},
		{"exit 1", &Result{Program: plain, Build: ok, Run: ran(run.Result{Status: "exit status 1", ExitCode: 1})},
			&view.Cell{Badges: []view.Badge{{Text: "exit status 1", Kind: "fail"}, {Text: "0.00 s", Kind: "info"}}}},
		{"expected error", &Result{Program: expect, Build: ok, Run: ran(run.Result{Status: "exit status 2", ExitCode: 2})},
			&view.Cell{Badges: []view.Badge{{Text: "exit status 2", Kind: "ok"}, {Text: "expected error", Kind: "info"}, {Text: "0.00 s", Kind: "info"}}}},
		{"expected error, exit 0", &Result{Program: expect, Build: ok, Run: ran(run.Result{Status: "exit status 0"})},
			&view.Cell{Badges: []view.Badge{{Text: "exit 0", Kind: "fail"}, {Text: "expected error", Kind: "info"}, {Text: "0.00 s", Kind: "info"}}}},
		{"compile error", &Result{Program: plain, Build: &build.Result{Messages: "./main.go:1: bad"}},
			&view.Cell{Raw: []byte("./main.go:1: bad"), Badges: []view.Badge{{Text: "compile error", Kind: "fail"}}}},
		{"server stopped", &Result{Program: server, Build: ok, Run: ran(run.Result{Status: "signal: interrupt", ExitCode: -1, Stopped: true})},
			&view.Cell{Badges: []view.Badge{{Text: "server stopped (signal: interrupt)", Kind: "info"}, {Text: "0.00 s", Kind: "info"}}}},
		{"not ready", &Result{Program: server, Build: ok, NotReady: "not ready after 1s", Run: ran(run.Result{Status: "exit status 0"})},
			&view.Cell{Badges: []view.Badge{{Text: "not ready after 1s", Kind: "fail"}, {Text: "0.00 s", Kind: "info"}}}},
		{"cached", &Result{Program: plain, Cached: &cache.Entry{Raw: []byte("x"), Status: "exit status 0", DurationMS: 20}},
			&view.Cell{Raw: []byte("x"), Badges: []view.Badge{{Text: "exit 0", Kind: "ok"}, {Text: "0.02 s", Kind: "info"}}}},
		{"skipped", &Result{Program: plain, Skipped: "offline"}, &view.Cell{Badges: []view.Badge{{Text: "skipped offline", Kind: "info"}}}},
		{"not run", &Result{Program: plain, NotRun: "In [1] not ready"}, &view.Cell{Badges: []view.Badge{{Text: "not run: In [1] not ready", Kind: "fail"}}}},
		{"not built", &Result{Program: plain, Support: true}, nil},
	} {
		if got := tt.r.View(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: view %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestCompareText: an output made elsewhere (a notebook's kernel) is compared with the notes as a fresh run
// is: the lesson's rules, the cell's compare= mode, compare=ignore, no recorded output; and the line of the
// Out [N] marker is given.
func TestCompareText(t *testing.T) {
	out := func(n int, text string) string { return fmt.Sprintf("Out [%d]:\n\n```text\n%s```\n\n", n, text) }
	_, l := load(t, "---\nnormalize:\n  - name: port\n    pattern: ':\\d+'\n    replace: ':PORT'\n---\n"+
		cell(1, "", quiet)+out(1, "on 127.0.0.1:4000\n")+
		cell(2, "compare=unordered", quiet)+out(2, "b\na\n")+
		cell(3, "compare=ignore", quiet)+out(3, "anything\n")+
		cell(4, "", quiet))
	for _, tt := range []struct {
		cell    int
		fresh   string
		verdict Verdict
	}{
		{1, "on 127.0.0.1:5123\n", Matches},
		{1, "on 127.0.0.2:4000\n", Differs},
		{2, "a\nb\n", Matches},
		{2, "a\nc\n", Differs},
		{3, "something else\n", Ignored},
		{4, "hi\n", NoRecord},
	} {
		c := l.Cell(tt.cell).Cell
		got := CompareText(l, c, tt.fresh)
		if got.Verdict != tt.verdict || (got.Diff != "") != (tt.verdict == Differs) {
			t.Errorf("In [%d] %q: %v, diff %q; want %v", tt.cell, tt.fresh, got.Verdict, got.Diff, tt.verdict)
		}
		if c.Out != nil && got.Line != c.Out.Pos.Line {
			t.Errorf("In [%d]: line %d, want %d", tt.cell, got.Line, c.Out.Pos.Line)
		}
	}
}

// TestSkips: offline, the engine skips net cells and says why; online, and for other cells, it skips none.
func TestSkips(t *testing.T) {
	e, l := load(t, cell(1, "net", quiet)+cell(2, "", quiet))
	if got := e.Skips(l.Cell(1).Cell); got != "" {
		t.Errorf("online, a net cell: skipped %q", got)
	}
	e.cfg.Offline = true
	if got := e.Skips(l.Cell(1).Cell); got != "needs the internet (net), and --offline" {
		t.Errorf("offline, a net cell: skipped %q", got)
	}
	if got := e.Skips(l.Cell(2).Cell); got != "" {
		t.Errorf("offline, another cell: skipped %q", got)
	}
}
