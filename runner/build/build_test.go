package build

import "testing"

func TestCompilerMessages(t *testing.T) {
	tests := []struct {
		name, out string
		files     []string
		want      string
	}{
		{"relative to the package", "# example.com/x/snippets/a\n./main.go:7:2: undefined: x\n./helper.go:3:1: syntax error\n", nil,
			"main.go:7:2: undefined: x\nhelper.go:3:1: syntax error\n"},
		{"temporary file", "# command-line-arguments\n/tmp/classnotes-build-1/cell0/main.go:4:2: declared and not used: x\n\t(more)\n",
			[]string{"/tmp/classnotes-build-1/cell0/main.go"}, "main.go:4:2: declared and not used: x\n\t(more)\n"},
		{"relative temporary file", "# command-line-arguments\n../../tmp/b/cell0/main.go:1:1: expected 'package'\n",
			[]string{"/tmp/b/cell0/main.go", "../../tmp/b/cell0/main.go"}, "main.go:1:1: expected 'package'\n"},
	}
	for _, tt := range tests {
		if got := compilerMessages(tt.out, tt.files); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
