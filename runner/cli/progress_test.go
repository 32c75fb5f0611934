package cli

import (
	"bytes"
	"io"
	"testing"

	"classnotes/runner/engine"
)

// TestProgressNotice checks that a notice from the engine (the first build with a Go version takes a while) is
// shown on its own line, on a terminal above the status line and on a pipe as it is, and not when quiet.
func TestProgressNotice(t *testing.T) {
	l := &engine.Lesson{Name: "lessons/l.md"}
	ev := engine.Event{Kind: engine.Notice, Lesson: l, Text: "compiling"}
	for _, tt := range []struct {
		name            string
		quiet, terminal bool
		want            string
	}{
		{"pipe", false, false, "lessons/l.md: compiling\n"},
		{"terminal", false, true, "lessons/l.md: compiling\n"},
		{"quiet", true, false, ""},
	} {
		var stderr bytes.Buffer
		a := &App{Stderr: &stderr, IsTerminal: func(io.Writer) bool { return tt.terminal }}
		p := a.newProgress(tt.quiet, nil)
		p.observe(ev)
		if got := stderr.String(); got != tt.want {
			t.Errorf("%s: printed %q, want %q", tt.name, got, tt.want)
		}
	}
}
