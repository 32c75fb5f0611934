package cli

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"classnotes/runner/internal/golden"
)

// recordedCell returns an inline cell with a recorded output.
func recordedCell(n int, attrs, program, out string) string {
	return cell(n, attrs, program) + "Out [" + strconv.Itoa(n) + "]:\n\n```text\n" + out + "```\n\n"
}

const checkFrontMatter = `---
title: Check
normalize:
  - name: number
    pattern: '\d+'
    replace: N
---
`

func checkLesson() string {
	return checkFrontMatter +
		recordedCell(1, "", mainWith("fmt", `	fmt.Println("hello")`), "hello\n") +
		recordedCell(2, "", mainWith("fmt time", `	fmt.Println("now", time.Now().UnixNano())`), "now 123\n") +
		recordedCell(3, "", mainWith("fmt", "\tfmt.Println(\"fresh\")\n\tfmt.Println(\"tab\\there\")"), "stale\ntab\there\n") +
		recordedCell(4, "compare=unordered", mainWith("fmt", `	fmt.Println("b")
	fmt.Println("a")`), "a\nb\n") +
		recordedCell(5, "compare=ignore", mainWith("fmt time", `	fmt.Println(time.Now())`), "whenever\n") +
		recordedCell(6, "expect=error", mainWith("fmt os", `	fmt.Println("boom")
	os.Exit(1)`), "boom\nexit status 1\n") +
		recordedCell(7, "net", mainWith("fmt", `	fmt.Println("online")`), "recorded online\n") +
		cell(8, "", mainWith("fmt", `	fmt.Println("never recorded")`)) +
		recordedCell(9, "expect=error", mainWith("fmt", `	fmt.Println("fine")`), "fine\n")
}

// TestCheck compares every kind of cell with its notes, prints what differs, and writes a stable JSON report.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	src := checkLesson()
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	code, stdout, stderr := runner(t, context.Background(), dir, "check", "--offline", "--json", "report.json", "l.md")
	if code != exitFailed {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitFailed, stderr)
	}
	wantOut := []string{
		"l.md:49: In [3]: output differs from the notes\ndiff notes fresh\n--- notes\n+++ fresh\n@@ -1,2 +1,2 @@\n-stale\n+fresh\n tab→here\n(no normalisation rule of the lesson changed either side)\n",
		"l.md:157: In [8]: no recorded output; run `runner render`\n",
		"l.md:171: In [9]: exited cleanly, but the cell has expect=error\n",
		"9 cells: 4 match, 2 differ, 2 skipped, 1 failed\n",
	}
	for _, w := range wantOut {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q; stdout:\n%s", w, stdout)
		}
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Errorf("colour off a terminal:\n%s", stdout)
	}
	if readFile(t, path) != src {
		t.Errorf("check wrote the lesson")
	}

	var report checkReport
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "report.json"))), &report); err != nil {
		t.Fatal(err)
	}
	for i := range report.Cells {
		report.Cells[i].DurationMS = 0 // the one field that varies
	}
	got, _ := json.MarshalIndent(report, "", "  ")
	golden.Check(t, filepath.Join("testdata", "check.json"), append(got, '\n'))
}

// TestCheckColour: on a terminal the diff is coloured, unless NO_COLOR is set.
func TestCheckColour(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "l.md"), recordedCell(1, "", mainWith("fmt", `	fmt.Println("fresh")`), "stale\n"))
	for _, noColor := range []string{"", "1"} {
		var stdout, stderr strings.Builder
		app := &App{Stdout: &stdout, Stderr: &stderr, Getwd: func() (string, error) { return dir, nil },
			Getenv:     func(k string) string { return map[string]string{"NO_COLOR": noColor}[k] },
			IsTerminal: func(io.Writer) bool { return true }}
		code := app.Run(context.Background(), []string{"check", "l.md"})
		coloured := strings.Contains(stdout.String(), "\x1b[31m-stale\x1b[0m")
		if code != exitFailed || coloured != (noColor == "") {
			t.Errorf("NO_COLOR=%q: exit %d, coloured %v:\n%s", noColor, code, coloured, stdout.String())
		}
	}
}

// TestRenderKeepsRecorded: render keeps a recorded output byte for byte when the fresh one matches it after
// normalisation, and keeps net cells' outputs with --offline; without --offline the net cell runs.
func TestRenderKeepsRecorded(t *testing.T) {
	dir := t.TempDir()
	src := checkFrontMatter +
		recordedCell(1, "", mainWith("fmt time", `	fmt.Println("now", time.Now().UnixNano())`), "now 123   \n") +
		recordedCell(2, "net", mainWith("fmt", `	fmt.Println("online")`), "recorded  online\n")
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	code, _, stderr := runner(t, context.Background(), dir, "render", "--offline", "l.md")
	if code != exitOK || !strings.Contains(stderr, "In [2]: skipped: needs the internet (net), and --offline") {
		t.Errorf("exit %d; stderr:\n%s", code, stderr)
	}
	// The first render records In [1]'s fingerprint and nothing else.
	got := readFile(t, path)
	if fpWord.ReplaceAllString(got, "") != src || len(fpWord.FindAllString(got, -1)) != 1 {
		t.Errorf("render --offline changed more than a fingerprint:\n%s", got)
	}
	before := stat(t, path)
	if code, _, _ := runner(t, context.Background(), dir, "render", "--offline", "--force", "l.md"); code != exitOK {
		t.Errorf("second render: exit %d", code)
	}
	if readFile(t, path) != got || !stat(t, path).ModTime().Equal(before.ModTime()) {
		t.Errorf("second render --offline --force rewrote the lesson")
	}
	code, _, stderr = runner(t, context.Background(), dir, "render", "l.md")
	outs := outputs(t, readFile(t, path))
	if code != exitOK || outs[1] != "now 123   \n" || outs[2] != "online\n" {
		t.Errorf("render: exit %d, outputs %v; stderr:\n%s", code, outs, stderr)
	}
}

// TestExpectError: a cell with expect=error succeeds by failing, and fails by exiting cleanly.
func TestExpectError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fails.md"), cell(1, "expect=error", mainWith("net", `	_, err := net.Dial("tcp", "127.0.0.1:1")
	if err != nil {
		panic(err)
	}`))+cell(2, "expect=error", "package main\n\nfunc main() { nope() }"))
	writeFile(t, filepath.Join(dir, "clean.md"), cell(1, "expect=error", mainWith("", "")))
	code, _, stderr := runner(t, context.Background(), dir, "render", "fails.md")
	if code != exitOK || !strings.Contains(stderr, "In [1]: expected error (exit status 2)") || !strings.Contains(stderr, "In [2]: expected error (compile error)") {
		t.Errorf("expected errors: exit %d; stderr:\n%s", code, stderr)
	}
	if o := outputs(t, readFile(t, filepath.Join(dir, "fails.md")))[1]; !strings.Contains(o, "connection refused") {
		t.Errorf("Out [1] = %q, want the refused connection", o)
	}
	code, _, stderr = runner(t, context.Background(), dir, "render", "clean.md")
	if code != exitFailed || !strings.Contains(stderr, "In [1]: exited cleanly, but the cell has expect=error") {
		t.Errorf("clean exit: exit %d; stderr:\n%s", code, stderr)
	}
	if code, stdout, _ := runner(t, context.Background(), dir, "check", "fails.md"); code != exitOK || !strings.Contains(stdout, "2 cells: 2 match") {
		t.Errorf("check of expected errors: exit %d, stdout:\n%s", code, stdout)
	}
}

// TestCheckBadInput: problems in front matter and compare=/expect= values are positioned errors with exit 2.
func TestCheckBadInput(t *testing.T) {
	hello := mainWith("fmt", `	fmt.Println("hi")`)
	tests := []struct{ name, lesson, want string }{
		{"bad regex", "---\nnormalize:\n  - pattern: '('\n    replace: x\n---\n", `l.md:3:14: front matter: normalize: rule "(": error parsing regexp`},
		{"unknown rule key", "---\nnormalize:\n  - pattern: x\n    replace: y\n    flags: i\n---\n", `l.md:5:5: front matter: normalize: unknown key "flags" in a rule`},
		{"rule without replace", "---\nnormalize:\n  - pattern: x\n---\n", "l.md:3:5: front matter: normalize: a rule needs both pattern: and replace:"},
		{"malformed yaml", "---\ntitle: [unclosed\n---\n", "l.md:"},
		{"compare value", cell(1, "compare=fuzzy", hello), "l.md:3:7: compare=fuzzy: want exact, ignore or unordered"},
		{"expect value", cell(1, "expect=success", hello), "l.md:3:7: expect=success: the only expectation is expect=error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "l.md"), tt.lesson)
			code, _, stderr := runner(t, context.Background(), dir, "check", "l.md")
			if code != exitBadInput || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "front matter") && strings.HasPrefix(tt.lesson, "---") {
				t.Errorf("exit %d, stderr:\n%s\nwant %q", code, stderr, tt.want)
			}
		})
	}
}

// TestCheckAllMatch: exit 0 when every cell matches.
func TestCheckAllMatch(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "l.md"), recordedCell(1, "", mainWith("fmt", `	fmt.Println("same")`), "same\n"))
	if code, stdout, stderr := runner(t, context.Background(), dir, "check", "l.md"); code != exitOK || stdout != "1 cell: 1 match, 0 differ, 0 skipped\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
