package exercise

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// panicLine is DefaultStarter as a test's expected handout writes it.
const panicLine = `panic("exercise: write this part")`

// starterTests are programs, their handouts and the line each handout line comes from, or the errors Find
// reports (each "line:col: " and the start of its message).
var starterTests = []struct {
	name  string
	src   string
	want  string
	lines []int
	errs  []string
}{
	{
		name:  "no markers",
		src:   "package main\n\nfunc main() {}\n",
		want:  "package main\n\nfunc main() {}\n",
		lines: []int{1, 2, 3},
	},
	{
		name:  "no markers, CRLF, tabs, trailing spaces, no last newline",
		src:   "a \t\r\n\tb\r\n\r\nc\r",
		want:  "a \t\r\n\tb\r\n\r\nc\r",
		lines: []int{1, 2, 3, 4},
	},
	{name: "empty", src: "", want: ""},
	{
		name:  "comments that are no markers",
		src:   "// The solution begins here.\n// Beginning solution\n// see http://example.com/begin/solution\n// ENDING STARTERS\n",
		want:  "// The solution begins here.\n// Beginning solution\n// see http://example.com/begin/solution\n// ENDING STARTERS\n",
		lines: []int{1, 2, 3, 4},
	},
	{
		name:  "default starter",
		src:   "func f() int {\n\t// BEGIN SOLUTION\n\treturn 42\n\t// END SOLUTION\n}\n",
		want:  "func f() int {\n\t" + panicLine + "\n}\n",
		lines: []int{1, 2, 5},
	},
	{
		name:  "markers with spaces and tabs around them, indent of spaces",
		src:   "{\n    // BEGIN SOLUTION \t\n    x := 1\n\t// END SOLUTION  \n}\n",
		want:  "{\n    " + panicLine + "\n}\n",
		lines: []int{1, 2, 5},
	},
	{
		name:  "empty region",
		src:   "a\n// BEGIN SOLUTION\n// END SOLUTION\nb\n",
		want:  "a\n" + panicLine + "\nb\n",
		lines: []int{1, 2, 4},
	},
	{
		name: "starter block with an empty line and a comment",
		src: "func f() int {\n\t// BEGIN SOLUTION\n\treturn 42\n\t// END SOLUTION\n\t// BEGIN STARTER\n" +
			"\t// // TODO: count.\n\t// x := 0\n\t//\n\t// return x\n\t// END STARTER\n}\n",
		want:  "func f() int {\n\t// TODO: count.\n\tx := 0\n\n\treturn x\n}\n",
		lines: []int{1, 6, 7, 8, 9, 11},
	},
	{
		name:  "starter line keeps what follows the first comment mark",
		src:   "// BEGIN SOLUTION\nsecret()\n// END SOLUTION\n// BEGIN STARTER\n//     indented  \n// END STARTER\n",
		want:  "    indented  \n",
		lines: []int{5},
	},
	{
		name:  "empty starter block",
		src:   "import (\n\t\"fmt\"\n\t// BEGIN SOLUTION\n\t\"strings\"\n\t// END SOLUTION\n\t// BEGIN STARTER\n\t// END STARTER\n)\n",
		want:  "import (\n\t\"fmt\"\n)\n",
		lines: []int{1, 2, 8},
	},
	{
		name:  "CRLF",
		src:   "a\r\n\t// BEGIN SOLUTION\r\n\tsecret()\r\n\t// END SOLUTION\r\nb\r\n// BEGIN SOLUTION\r\nhidden()\r\n// END SOLUTION\r\n// BEGIN STARTER\r\n// todo()\r\n//\r\n// END STARTER\r\nc\r\n",
		want:  "a\r\n\t" + panicLine + "\r\nb\r\ntodo()\r\n\r\nc\r\n",
		lines: []int{1, 2, 5, 10, 11, 13},
	},
	{
		name:  "default starter takes the ending of the BEGIN line",
		src:   "a\r\n// BEGIN SOLUTION\nsecret()\r\n// END SOLUTION\r\nc",
		want:  "a\r\n" + panicLine + "\nc",
		lines: []int{1, 2, 5},
	},
	{
		name:  "region at the end without a last newline",
		src:   "package p\n\tvar x = 1\n\t// BEGIN SOLUTION\n\tsecret()\n\t// END SOLUTION",
		want:  "package p\n\tvar x = 1\n\t" + panicLine,
		lines: []int{1, 2, 3},
	},
	{
		name:  "starter block at the end without a last newline",
		src:   "package p\r\n// BEGIN SOLUTION\r\nsecret()\r\n// END SOLUTION\r\n// BEGIN STARTER\r\n// todo()\r\n// more()\r\n// END STARTER",
		want:  "package p\r\ntodo()\r\nmore()",
		lines: []int{1, 6, 7},
	},
	{
		name:  "starter block ending in an empty line, at the end without a last newline",
		src:   "a\n// BEGIN SOLUTION\nsecret()\n// END SOLUTION\n// BEGIN STARTER\n// b\n//\n// END STARTER",
		want:  "a\nb\n",
		lines: []int{1, 6},
	},
	{
		name: "two regions",
		src: "func main() {\n\t// BEGIN SOLUTION\n\tn := 6 * 7\n\t// END SOLUTION\n\t// BEGIN STARTER\n\t// n := 0\n\t// END STARTER\n" +
			"\tfmt.Println(n)\n\t// BEGIN SOLUTION\n\tfmt.Println(\"answer\")\n\t// END SOLUTION\n}\n",
		want:  "func main() {\n\tn := 0\n\tfmt.Println(n)\n\t" + panicLine + "\n}\n",
		lines: []int{1, 6, 8, 9, 12},
	},
	{
		name: "END SOLUTION without BEGIN",
		src:  "a\n\t// END SOLUTION\n",
		errs: []string{"2:2: // END SOLUTION without a // BEGIN SOLUTION before it"},
	},
	{
		name: "nested regions",
		src:  "// BEGIN SOLUTION\n\t// BEGIN SOLUTION\nx\n// END SOLUTION\n// END SOLUTION\n",
		errs: []string{
			"2:2: // BEGIN SOLUTION inside the region that begins at line 1: regions do not nest",
			"5:1: // END SOLUTION without a // BEGIN SOLUTION",
		},
	},
	{
		name: "region not closed",
		src:  "x\n  // BEGIN SOLUTION\ny\n",
		errs: []string{"2:3: // BEGIN SOLUTION is not closed: add // END SOLUTION"},
	},
	{
		name: "errors sorted by position",
		src:  "a\n// BEGIN SOLUTION\n //BEGIN SOLUTION\n",
		errs: []string{"2:1: // BEGIN SOLUTION is not closed", "3:2: not a marker: write // BEGIN SOLUTION alone on its line"},
	},
	{
		name: "blank line before the starter block",
		src:  "// BEGIN SOLUTION\nx\n// END SOLUTION\n\n// BEGIN STARTER\n// y\n// END STARTER\n",
		errs: []string{"5:1: // BEGIN STARTER must come right after a region's // END SOLUTION line"},
	},
	{
		name: "starter block without a region, its lines checked",
		src:  "a\n\t// BEGIN STARTER\n\ty\n\t// END STARTER\n",
		errs: []string{"2:2: // BEGIN STARTER must come right after", "3:2: a line of a starter block must be commented out"},
	},
	{
		name: "starter block inside a region",
		src:  "// BEGIN SOLUTION\nx\n// BEGIN STARTER\n// y\n// END STARTER\n// END SOLUTION\n",
		errs: []string{
			"3:1: // BEGIN STARTER inside the region that begins at line 1",
			"5:1: // END STARTER without a // BEGIN STARTER",
		},
	},
	{
		name: "uncommented lines in a starter block",
		src:  "// BEGIN SOLUTION\nx\n// END SOLUTION\n// BEGIN STARTER\n\ty := 1\n\t//y\n\n  \n\t//\t\n// ok\n// END STARTER\n",
		errs: []string{
			"5:2: a line of a starter block must be commented out",
			"6:2: a line of a starter block",
			"7:1: a line of a starter block",
			"8:3: a line of a starter block",
			"9:2: a line of a starter block",
		},
	},
	{
		name: "lone END STARTER",
		src:  "a\n// END STARTER\n",
		errs: []string{"2:1: // END STARTER without a // BEGIN STARTER before it"},
	},
	{
		name: "markers inside a starter block, not closed",
		src:  "// BEGIN SOLUTION\nx\n// END SOLUTION\n  // BEGIN STARTER\n// y\n// BEGIN SOLUTION\n// z\n// END SOLUTION\n",
		errs: []string{
			"4:3: // BEGIN STARTER is not closed: add // END STARTER",
			"6:1: // BEGIN SOLUTION inside the starter block that begins at line 4",
			"8:1: // END SOLUTION inside the starter block that begins at line 4",
		},
	},
	{
		name: "markers with other words or case",
		src: "//BEGIN SOLUTION\n\t// begin solution\n// BEGIN SOLUTION: part 1\nx++ // END SOLUTION\n### BEGIN SOLUTION\n" +
			"/* END STARTER */\n// End_Starter\n// BEGIN SOLUTIONS\n// BEGIN  SOLUTION\n// BEGIN SOLUTION\r",
		errs: []string{
			"1:1: not a marker: write // BEGIN SOLUTION alone on its line, exactly",
			"2:2: not a marker: write // BEGIN SOLUTION",
			"3:1: not a marker: write // BEGIN SOLUTION",
			"4:5: not a marker: write // END SOLUTION",
			"5:1: not a marker: write // BEGIN SOLUTION",
			"6:1: not a marker: write // END STARTER",
			"7:1: not a marker: write // END STARTER",
			"8:1: not a marker: write // BEGIN SOLUTION",
			"9:1: not a marker: write // BEGIN SOLUTION",
			"10:1: not a marker: write // BEGIN SOLUTION",
		},
	},
	{
		name: "a starter that would uncomment to a marker",
		src:  "// BEGIN SOLUTION\nx\n// END SOLUTION\n// BEGIN STARTER\n// // END SOLUTION\n// END STARTER\n",
		errs: []string{"5:1: not a marker: write // END SOLUTION"},
	},
	{
		name: "BEGIN STARTER lookalike after a region",
		src:  "// BEGIN SOLUTION\nx\n// END SOLUTION\n//BEGIN STARTER\n// y\n// END STARTER\n",
		errs: []string{"4:1: not a marker: write // BEGIN STARTER", "6:1: // END STARTER without a // BEGIN STARTER"},
	},
}

func TestStarter(t *testing.T) {
	for _, tt := range starterTests {
		t.Run(tt.name, func(t *testing.T) {
			out, lines, errs := Starter([]byte(tt.src))
			checkErrors(t, errs, tt.errs)
			if len(tt.errs) > 0 {
				if out != nil || lines != nil {
					t.Errorf("with errors, Starter = %q, %v; want nil, nil", out, lines)
				}
				return
			}
			if string(out) != tt.want {
				t.Errorf("Starter(%q)\n got %q\nwant %q", tt.src, out, tt.want)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
			checkHandout(t, []byte(tt.src), out, lines)
		})
	}
}

// checkErrors compares errs with want: each error's "line:col: message" must start with its want.
func checkErrors(t *testing.T, errs []*Error, want []string) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("errors = %q, want %d: %q", errs, len(want), want)
	}
	for i, e := range errs {
		if !strings.HasPrefix(e.Error(), want[i]) {
			t.Errorf("error %d = %q, want %q…", i, e, want[i])
		}
	}
}

// checkHandout checks a handout out of src, with no errors: no marker line, no solution line that src does not
// have outside its regions too, and each line mapped to a line of src, in order, equal to it when that line is
// outside the regions and starter blocks.
func checkHandout(t *testing.T, src, out []byte, lines []int) {
	t.Helper()
	regions, errs := Find(src)
	if len(errs) > 0 {
		t.Fatalf("Find reports %q", errs)
	}
	srcLines, outLines := textLines(src), textLines(out)
	if len(lines) != len(outLines) {
		t.Fatalf("%d lines mapped, handout has %d", len(lines), len(outLines))
	}
	owned := make([]bool, len(srcLines)+1) // lines in a region or a starter block
	for _, r := range regions {
		for n := r.Begin; n <= max(r.End, r.StarterEnd); n++ {
			owned[n] = true
		}
	}
	allowed := map[string]bool{}
	for n, l := range srcLines {
		if !owned[n+1] || inStarterBlock(regions, n+1) {
			allowed[l] = true
			if u, ok := uncomment(l); ok {
				allowed[u] = true
			}
		}
	}
	secret := map[string]bool{}
	for _, body := range Solutions(src) {
		for _, l := range textLines(body) {
			if strings.TrimSpace(l) != "" && !allowed[l] && strings.TrimSpace(l) != DefaultStarter {
				secret[l] = true
			}
		}
	}
	for i, l := range outLines {
		trimmed := strings.Trim(l, " \t")
		if trimmed == BeginSolution || trimmed == EndSolution || trimmed == BeginStarter || trimmed == EndStarter {
			t.Errorf("handout line %d is a marker: %q", i+1, l)
		}
		if secret[l] {
			t.Errorf("handout line %d is a solution's line: %q", i+1, l)
		}
		n := lines[i]
		if n < 1 || n > len(srcLines) || i > 0 && n <= lines[i-1] {
			t.Fatalf("lines = %v: not increasing lines of the source", lines)
		}
		if !owned[n] && l != srcLines[n-1] {
			t.Errorf("handout line %d = %q, from line %d %q", i+1, l, n, srcLines[n-1])
		}
	}
}

func inStarterBlock(regions []Region, n int) bool {
	for _, r := range regions {
		if r.StarterBegin < n && n < r.StarterEnd {
			return true
		}
	}
	return false
}

// textLines returns the lines of src without their endings ("\n" or "\r\n").
func textLines(src []byte) []string {
	var lines []string
	for _, l := range splitLines(src) {
		lines = append(lines, l.text)
	}
	return lines
}

func TestFind(t *testing.T) {
	src := "a\n\t// BEGIN SOLUTION\nb\n  // END SOLUTION\nc\n  // BEGIN SOLUTION\nd\n// END SOLUTION\n// BEGIN STARTER\n// e\n// END STARTER\n"
	regions, errs := Find([]byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []Region{
		{Begin: 2, End: 4, Indent: "\t"},
		{Begin: 6, End: 8, StarterBegin: 9, StarterEnd: 11, Indent: "  "},
	}
	if !reflect.DeepEqual(regions, want) {
		t.Errorf("Find = %+v, want %+v", regions, want)
	}
}

func TestSolutions(t *testing.T) {
	src := "a\r\n// BEGIN SOLUTION\r\n\tb := 1 \r\n\r\n// END SOLUTION\r\n// BEGIN STARTER\r\n// b := 0\r\n// END STARTER\r\n// BEGIN SOLUTION\n// END SOLUTION\n// BEGIN SOLUTION\nlast\n// END SOLUTION"
	got := Solutions([]byte(src))
	want := [][]byte{[]byte("\tb := 1 \r\n\r\n"), {}, []byte("last\n")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Solutions = %q, want %q", got, want)
	}
}

// TestNoSolutionInHandout checks, for every program of the tables, that no line of its solutions is a line of
// its handout unless the program has that line outside its regions too.
func TestNoSolutionInHandout(t *testing.T) {
	for _, tt := range starterTests {
		if len(tt.errs) > 0 {
			continue
		}
		out, _, _ := Starter([]byte(tt.src))
		outside := map[string]bool{}
		for _, l := range textLines([]byte(tt.src)) {
			outside[l] = true
		}
		handout := map[string]bool{}
		for _, l := range textLines(out) {
			handout[l] = true
		}
		for _, body := range Solutions([]byte(tt.src)) {
			for _, l := range textLines(body) {
				if strings.TrimSpace(l) != "" && handout[l] {
					t.Errorf("%s: the handout has the solution's line %q", tt.name, l)
				}
			}
			if len(bytes.TrimSpace(body)) > 0 && bytes.Contains(out, bytes.TrimSpace(body)) {
				t.Errorf("%s: the handout contains the solution %q", tt.name, body)
			}
		}
	}
}

func TestMarkers(t *testing.T) {
	tests := []struct {
		name string
		src  string
		errs []string
	}{
		{name: "none", src: "package main\n\n// The solution begins here.\nfunc main() {}\n"},
		{name: "empty", src: ""},
		{
			name: "markers and lookalikes",
			src:  "a\n\t// BEGIN SOLUTION\nb\r\n// END SOLUTION\r\n  // BEGIN STARTER\n// END STARTER\n//end solution\nx := 1 // BEGIN STARTER",
			errs: []string{
				"2:2: a solution marker outside an exercise cell: mark the cell exercise, or remove the marker",
				"4:1: a solution marker outside",
				"5:3: a solution marker outside",
				"6:1: a solution marker outside",
				"7:1: looks like a solution marker, outside an exercise cell: mark the cell exercise and write // END SOLUTION, or reword the comment",
				"8:8: looks like a solution marker, outside an exercise cell: mark the cell exercise and write // BEGIN STARTER",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, Markers([]byte(tt.src)), tt.errs)
		})
	}
}

// TestMarkersAgreesWithFind checks that a program without markers, as Markers sees it, is its own handout.
func TestMarkersAgreesWithFind(t *testing.T) {
	for _, tt := range starterTests {
		if len(Markers([]byte(tt.src))) > 0 {
			continue
		}
		out, _, errs := Starter([]byte(tt.src))
		if len(errs) > 0 || string(out) != tt.src {
			t.Errorf("%s: no markers, but Starter = %q, %q", tt.name, out, errs)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Line: 3, Col: 7, Msg: "// END SOLUTION without a // BEGIN SOLUTION before it"}
	if got, want := e.Error(), "3:7: // END SOLUTION without a // BEGIN SOLUTION before it"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
