package lesson

import (
	"slices"
	"testing"
)

// TestParseNeeds: needs= reads cell numbers separated by commas, in the order written, on any cell; whether
// they name background cells before it is package plan's to check, with the whole lesson.
func TestParseNeeds(t *testing.T) {
	for _, tt := range []struct {
		info string
		want []int
	}{
		{"go needs=6", []int{6}},
		{"go needs=2,6", []int{2, 6}},
		{"go needs=6,2", []int{6, 2}},
		{`go needs="2, 6"`, []int{2, 6}},
		{"go background needs=1 ready=tcp:127.0.0.1:80", []int{1}},
		{"go", nil},
	} {
		l := mustParse(t, "In [7]:\n\n```"+tt.info+"\nx\n```\n")
		if got := l.Cells[0].Attrs.Needs; !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("%s: Needs = %v, want %v", tt.info, got, tt.want)
		}
	}
}

// TestParseNeedsErrors: a needs= value that is not a list of cell numbers, each named once, is an error at the
// attribute, saying what is expected.
func TestParseNeedsErrors(t *testing.T) {
	const want = "; want the numbers of background cells before this one, separated by commas, such as needs=2,6"
	for _, tt := range []struct{ info, want string }{
		{"go needs=x", `t.md:3:7: needs=x: "x" is not a cell number` + want},
		{"go needs=0", `t.md:3:7: needs=0: "0" is not a cell number` + want},
		{"go needs=-2", `t.md:3:7: needs=-2: "-2" is not a cell number` + want},
		{"go needs=+2", `t.md:3:7: needs=+2: "+2" is not a cell number` + want},
		{"go needs=2.5", `t.md:3:7: needs=2.5: "2.5" is not a cell number` + want},
		{"go needs=In[2]", `t.md:3:7: needs=In[2]: "In[2]" is not a cell number` + want},
		{"go needs=2,,6", `t.md:3:7: needs=2,,6: "" is not a cell number` + want},
		{"go needs=2,", `t.md:3:7: needs=2,: "" is not a cell number` + want},
		{"go needs=2;6", `t.md:3:7: needs=2;6: "2;6" is not a cell number` + want},
		{"go needs=2,6,2", "t.md:3:7: needs=2,6,2: In [2] named twice"},
		{"go needs=99999999999999999999", `t.md:3:7: needs=99999999999999999999: "99999999999999999999" is not a cell number` + want},
		{"go needs", "t.md:3:7: attribute needs needs a value: needs=..."},
		{"go needs=", "t.md:3:7: attribute needs: empty value"},
		{"go needs=2 needs=6", "t.md:3:15: attribute needs given twice"},
		{"go net needs=2, 6", `t.md:3:11: needs=2,: "" is not a cell number` + want +
			"\n" + `t.md:3:20: unknown attribute "6" (known: background, compare, exercise, expect, hide, needs, net, platform, ready, src, timeout)`},
	} {
		_, err := Parse("t.md", []byte("In [7]:\n\n```"+tt.info+"\nx\n```\n"))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: err = %v\nwant %s", tt.info, err, tt.want)
		}
	}
}
