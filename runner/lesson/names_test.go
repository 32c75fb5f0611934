package lesson

import "testing"

func TestEditorFile(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"a.md", false},
		{"lessons/class15.md", false},
		{"notes#1.md", false},
		{"a~b.md", false},
		{".#a.md", true}, // Emacs lock
		{"lessons/.#a.md", true},
		{"#a.md#", true}, // Emacs auto-save
		{"a.md~", true},  // backup
		{".a.md.swp", true},
		{".a.md.swx", true},
		{"a.md.tmp", true},
		{".hidden.md", true},
		{"4913", true}, // Vim's probe
	}
	for _, tt := range tests {
		if got := EditorFile(tt.name); got != tt.want {
			t.Errorf("EditorFile(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
