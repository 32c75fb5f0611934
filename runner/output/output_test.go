package output

import (
	"bytes"
	"strings"
	"testing"
)

func TestStripANSI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"\x1b[1;32;40mbold\x1b[m!", "bold!"},
		{"\x1b]0;title\x07after", "after"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"\x1b(Bcharset", "charset"},
		{"\x1bMup", "up"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		// A string sequence that never ends was text: only its introducer goes.
		{"a\x1b]0;title never ends\nmore text\n", "a0;title never ends\nmore text\n"},
		{"a\x1b]0;no end at all", "a0;no end at all"},
		{"\x1b]0;" + strings.Repeat("x", maxString+10) + "\n", "0;" + strings.Repeat("x", maxString+10) + "\n"},
		{"\x1bPdcs\x1b\\after\x1b_apc\x07!", "after!"},
		{"panic\x1b]8;;\ngoroutine 1 [running]:\n", "panic8;;\ngoroutine 1 [running]:\n"},
		// A control sequence ends at a byte that cannot belong to it; that byte is text.
		{"a\x1b[12\nb", "a\nb"},
		{"a\x1b\nb", "a\nb"},
	}
	for _, tt := range tests {
		if got := string(StripANSI([]byte(tt.in))); got != tt.want {
			t.Errorf("StripANSI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b[31mred\x1b[0m", "\x1b[31mred\x1b[0m"},
		{"\x1b]0;title\x07after", "after"},
		{"\x1b]1338;url=https://example.com/x.png\x07img", "img"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"a\x1b]0;never ends\nrest", "a0;never ends\nrest"},
		{"\x1b(Bcharset\x1bMup", "\x1b(Bcharset\x1bMup"},
		{"a\x1b[12\nb", "a\nb"},
		{"\x1b[2K\x1b[1Aover", "\x1b[2K\x1b[1Aover"},
	}
	for _, tt := range tests {
		if got := string(StripStrings([]byte(tt.in))); got != tt.want {
			t.Errorf("StripStrings(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStripWriterSplit feeds a stream one byte at a time: sequences split across writes are still removed.
func TestStripWriterSplit(t *testing.T) {
	in := "a\x1b[38;5;196mb\x1b]0;t\x1b\\c\x1b[0m\n"
	var out bytes.Buffer
	w := &StripWriter{W: &out}
	for i := 0; i < len(in); i++ {
		if n, err := w.Write([]byte{in[i]}); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if out.String() != "abc\n" {
		t.Errorf("got %q, want %q", out.String(), "abc\n")
	}

	// A string sequence left open at the end is written by Close.
	out.Reset()
	w = &StripWriter{W: &out}
	for _, part := range []string{"x\x1b]0;ti", "tle"} {
		w.Write([]byte(part))
	}
	if out.String() != "x" {
		t.Errorf("before Close: %q, want %q", out.String(), "x")
	}
	if err := w.Close(); err != nil || out.String() != "x0;title" {
		t.Errorf("after Close: %q, %v; want %q", out.String(), err, "x0;title")
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		dropped int64
		status  string
		want    string
	}{
		{"empty", "", 0, "", ""},
		{"final newline added", "no newline", 0, "", "no newline\n"},
		{"status after output", "out\n", 0, "exit status 3", "out\nexit status 3\n"},
		{"status alone", "", 0, "timed out after 1s", "timed out after 1s\n"},
		{"status after unterminated line", "partial", 0, "exit status 1", "partial\nexit status 1\n"},
		{"crlf and cr", "a\r\nb\rc\n", 0, "", "a\nb\nc\n"},
		{"invalid utf-8", "x\xff\xfey\n", 0, "", "x\uFFFDy\n"},
		{"colours", "\x1b[32mok\x1b[0m\n", 0, "", "ok\n"},
		{"capped", "abc", 10, "", "abc\n[output capped: 10 more bytes dropped]\n"},
		{"unterminated OSC keeps the rest", "a\x1b]0;t\npanic: boom\n", 0, "exit status 2", "a0;t\npanic: boom\nexit status 2\n"},
	}
	for _, tt := range tests {
		if got := Text([]byte(tt.raw), tt.dropped, tt.status); got != tt.want {
			t.Errorf("%s: Text = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Text([]byte(strings.Repeat("é", 3)), 0, ""); got != "ééé\n" {
		t.Errorf("valid UTF-8 changed: %q", got)
	}
}
