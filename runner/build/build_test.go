package build

import (
	"strings"
	"testing"

	"classnotes/runner/plan"
)

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

func TestBatches(t *testing.T) {
	prog := func(module, dir string) *plan.Program {
		return &plan.Program{Module: module, Dir: dir, SrcFile: dir + "/main.go", BuildKey: dir}
	}
	progs := []*plan.Program{
		prog("/m", "/m/snippets/tcp/server"),
		prog("/m", "/m/snippets/tcp/client"),
		prog("/m", "/m/snippets/udp/server"), // same name as tcp/server: another batch
		prog("/m", "/m/snippets/tcp/client"), // the same package twice: built once
		prog("/n", "/n/hello"),               // alone in another module: built alone
		{Inline: []byte("package main"), Module: "/m", BuildKey: "i1"},
		{Inline: []byte("package main"), Module: "/m", BuildKey: "i1"},                            // the same cell again: built once
		{Inline: []byte("package main\nimport \"C\""), Module: "/m", BuildKey: "i2"},              // cgo: alone
		{Inline: []byte("package main"), Module: "", BuildKey: "i3"},                              // no module
		{Inline: []byte("package main\nfunc main() {}"), Module: "", BuildKey: "i4"},              // no module
		{Inline: []byte("package main\nfunc main() { println() }"), Module: "/o", BuildKey: "i5"}, // alone in its module
		prog("", "/loose/dir"),                                                                    // no module
	}
	var got []string
	if got := batches(progs, "go1.26.8", "-gcflags=all=-N"); len(got) != 1 || len(got[0].inline) != 0 {
		t.Errorf("with GOFLAGS=-gcflags, inline cells were batched")
	}
	if got := batches(progs, "devel go1.27-abcdef", ""); len(got) != 1 || len(got[0].inline) != 0 {
		t.Errorf("with a development toolchain, inline cells were batched")
	}
	for _, b := range batches(progs, "go1.26.8", "") {
		var names []string
		for _, p := range b.progs {
			names = append(names, p.Dir)
		}
		for _, p := range b.inline {
			names = append(names, p.BuildKey)
		}
		got = append(got, b.module+": "+strings.Join(names, " "))
	}
	want := []string{"/m: /m/snippets/tcp/server /m/snippets/tcp/client i1", ": i3 i4"} // /m/snippets/udp/server: alone
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("batches:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
