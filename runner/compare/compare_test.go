package compare

import (
	"regexp"
	"strings"
	"testing"

	"classnotes/runner/lesson"
)

func rule(name, pattern, replace string) *lesson.Rule {
	return &lesson.Rule{Name: name, Pattern: regexp.MustCompile(pattern), Replace: replace}
}

func TestNormalize(t *testing.T) {
	n := &Normalizer{Rules: []*lesson.Rule{
		rule("ipv4", `\b\d{1,3}(\.\d{1,3}){3}\b`, "IPV4"),
		rule("", `on (\S+):53:`, "on RESOLVER:53:"),
	}}
	tests := []struct {
		in, want string
		fired    []string
	}{
		{"a  \r\nb\t\n\n\n", "a\nb\n", nil},
		{"", "", nil},
		{"\n\n", "", nil},
		{"no final newline", "no final newline\n", nil},
		{"host 10.0.0.7 up\n", "host IPV4 up\n", []string{"ipv4"}},
		{"lookup www on 10.0.0.53:53: no such host\n", "lookup www on RESOLVER:53: no such host\n", []string{"ipv4", `"on (\\S+):53:"`}},
	}
	for _, tt := range tests {
		got, fired := n.Normalize(tt.in)
		if got != tt.want || strings.Join(fired, ",") != strings.Join(tt.fired, ",") {
			t.Errorf("Normalize(%q) = %q, %q; want %q, %q", tt.in, got, fired, tt.want, tt.fired)
		}
	}
}

func TestCompare(t *testing.T) {
	n := &Normalizer{Rules: []*lesson.Rule{rule("port", `:\d+`, ":PORT")}}
	tests := []struct {
		recorded, fresh, mode string
		match                 bool
	}{
		{"a\nb\n", "a\nb\n", "", true},
		{"a\nb\n", "a \r\nb\n\n", lesson.CompareExact, true},
		{"a\nb\n", "b\na\n", "", false},
		{"a\nb\n", "b\na\n", lesson.CompareUnordered, true},
		{"a\nb\n", "b\na\na\n", lesson.CompareUnordered, false},
		{"from 127.0.0.1:40312\n", "from 127.0.0.1:51515\n", "", true},
		{"a\tb\n", "a    b\n", "", false},
	}
	for _, tt := range tests {
		if got := n.Compare(tt.recorded, tt.fresh, tt.mode); got.Match != tt.match {
			t.Errorf("Compare(%q, %q, %q).Match = %v, want %v", tt.recorded, tt.fresh, tt.mode, got.Match, tt.match)
		}
	}
}

// TestDiff: the diff goes from the notes to the fresh output, shows normalised text with invisible characters
// made visible, and names the rules that fired.
func TestDiff(t *testing.T) {
	n := &Normalizer{Rules: []*lesson.Rule{rule("port", `:\d{4,5}\b`, ":PORT")}}
	res := n.Compare("connected to 127.0.0.1:40312\nsame\ta\n", "connected to 127.0.0.2:51515\nsame    a\n", "")
	want := "diff notes fresh\n--- notes\n+++ fresh\n@@ -1,2 +1,2 @@\n" +
		"-connected to 127.0.0.1:PORT\n-same→a\n+connected to 127.0.0.2:PORT\n+same    a\n(normalised by: port)\n"
	if got := res.Diff(); got != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", got, want)
	}
	if d := n.Compare("x\n", "x\n", "").Diff(); d != "" {
		t.Errorf("Diff of matching texts = %q", d)
	}
}

func TestVisible(t *testing.T) {
	tests := map[string]string{
		"a\tb\n":       "a→b\n",
		"trail  \n":    "trail··\n",
		"cr\r\n":       "cr␍\n",
		"bell\a\n":     "bell␇\n",
		"no newline":   "no newline",
		"plain text\n": "plain text\n",
	}
	for in, want := range tests {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
}
