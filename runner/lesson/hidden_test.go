package lesson

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The reasons the messages give, as hidden.go writes them.
const (
	outsideContainers = "a marker stands alone at the left margin, outside lists and block quotes"
	notIndented       = "a marker is indented by at most 3 spaces; to show it as code, use a fenced block"
	notAlone          = "is not a paragraph of its own: separate it from the text around it with blank lines"
	outOfComment      = "move the cell out of it, or delete the cell"
	blankAfterHTML    = "leave a blank line between the HTML and the marker"
)

// TestParseHiddenMarkers (issue 19 §3): a line that reads as a cell marker where Parse reads no marker was
// silently prose, so its cell never ran and check passed on notes nobody checked. Each lesson here parsed
// without a problem before; cells lists the cells still returned.
func TestParseHiddenMarkers(t *testing.T) {
	const cell1 = "In [1]:\n\n```go\nx\n```\n\n"    // lines 1-5, then a blank line 6
	const cell2 = "In [2]:\n\n```go\ny\n```\n"      // 5 lines
	const fence = "\n\n```go\nx\n```\n"             // after a marker on line 1: a blank line 2, the fence on 3-5
	const out1 = "Out [1]\n\n```text\nstale\n```\n" // an Out marker without its colon
	tests := []struct {
		name  string
		src   string
		want  []string
		cells []int
	}{
		// An HTML block that swallows a marker.
		{
			name:  "unclosed comment after In [1] hides In [2]",
			src:   cell1 + "<!-- note\n\n" + cell2,
			want:  []string{`t.md:7:1: unclosed HTML comment: no "-->" after "<!--", so it runs to the end of the file and hides "In [2]:" at line 9`},
			cells: []int{1},
		},
		{
			name: "unclosed comment before every cell",
			src:  "# T\n\n<!-- draft\n\n" + cell1 + cell2,
			want: []string{`t.md:3:1: unclosed HTML comment: no "-->" after "<!--", so it runs to the end of the file and hides "In [1]:" at line 5`},
		},
		{
			name:  "unclosed comment hiding only prose",
			src:   cell1 + "  <!-- TODO\n\nMore prose.\n",
			want:  []string{`t.md:7:3: unclosed HTML comment: no "-->" after "<!--", so it runs to the end of the file`},
			cells: []int{1},
		},
		{
			name:  "unclosed comment on the last line",
			src:   cell1 + "<!--",
			want:  []string{`t.md:7:1: unclosed HTML comment: no "-->" after "<!--", so it runs to the end of the file`},
			cells: []int{1},
		},
		{
			name: "unclosed pre hides a near-miss",
			src:  "<pre>\nout [1]\n",
			want: []string{`t.md:1:1: unclosed HTML block: no "</pre>" after "<pre", so it runs to the end of the file and hides "out [1]" at line 2`},
		},
		{
			name: "unclosed processing instruction",
			src:  "<?php\n\n" + cell1,
			want: []string{`t.md:1:1: unclosed HTML block: no "?>" after "<?", so it runs to the end of the file and hides "In [1]:" at line 3`},
		},
		{
			name: "a cell commented out on purpose is not silent",
			src:  "<!--\n" + cell1 + "Out [1]:\n\n```text\nx\n```\n-->\n\n" + cell2,
			want: []string{
				`t.md:2:1: "In [1]:" reads as a cell marker but is inside an HTML comment (line 1), where no cell is read: ` + outOfComment,
				`t.md:8:1: "Out [1]:" reads as a cell marker but is inside an HTML comment (line 1), where no cell is read: ` + outOfComment,
			},
			cells: []int{2},
		},
		{
			name: "marker in a div",
			src:  "<div>\nIn [1]:\n</div>" + fence,
			want: []string{`t.md:2:1: "In [1]:" reads as a cell marker but is inside an HTML block (line 1), where no cell is read: ` + blankAfterHTML},
		},
		{
			name: "marker in details without a blank line",
			src:  "<details>\n<summary>Run it</summary>\nIn [1]:\n\n```go\nx\n```\n\n</details>\n",
			want: []string{`t.md:3:1: "In [1]:" reads as a cell marker but is inside an HTML block (line 1), where no cell is read: ` + blankAfterHTML},
		},

		// Near-misses of a marker at the top level.
		{name: "no colon", src: "In [1]" + fence, want: []string{`t.md:1:1: malformed marker "In [1]": write it as In [1]:`}},
		{name: "lower case", src: "in [1]:" + fence, want: []string{`t.md:1:1: malformed marker "in [1]:": write it as In [1]:`}},
		{name: "upper case", src: "IN [1]:" + fence, want: []string{`t.md:1:1: malformed marker "IN [1]:": write it as In [1]:`}},
		{name: "bold", src: "**In [1]:**" + fence, want: []string{`t.md:1:1: malformed marker "**In [1]:**": write it as In [1]:`}},
		{name: "emphasis", src: "_In [1]:_" + fence, want: []string{`t.md:1:1: malformed marker "_In [1]:_": write it as In [1]:`}},
		{name: "bold word", src: "**In** [1]:" + fence, want: []string{`t.md:1:1: malformed marker "**In** [1]:": write it as In [1]:`}},
		{name: "escaped brackets", src: `In \[1\]:` + fence, want: []string{`t.md:1:1: malformed marker "In \\[1\\]:": write it as In [1]:`}},
		{name: "no-break space", src: "In\u00a0[1]:" + fence, want: []string{`t.md:1:1: malformed marker "In\u00a0[1]:": write it as In [1]:`}},
		{name: "en space", src: "In\u2002[1]:" + fence, want: []string{`t.md:1:1: malformed marker "In\u2002[1]:": write it as In [1]:`}},
		{name: "word joiner", src: "In\u2060 [1]:" + fence, want: []string{`t.md:1:1: malformed marker "In\u2060 [1]:": write it as In [1]:`}},
		{name: "inline comment", src: "In [1]: <!-- note -->" + fence, want: []string{`t.md:1:1: malformed marker "In [1]: <!-- note -->": write it as In [1]:`}},
		{name: "inline tag", src: "<span>In [1]:</span>" + fence, want: []string{`t.md:1:1: malformed marker "<span>In [1]:</span>": write it as In [1]:`}},
		{name: "line break tag", src: "In [1]:<br>" + fence, want: []string{`t.md:1:1: malformed marker "In [1]:<br>": write it as In [1]:`}},
		{name: "Jupyter's empty marker without colon", src: "In [ ]" + fence, want: []string{`t.md:1:1: In []: cell numbers are positive integers`}},
		{name: "bad number in bold", src: "**Out [0]:**" + fence, want: []string{`t.md:1:1: Out [0]: cell numbers are positive integers`}},
		{
			name:  "a hand-written Out without its colon",
			src:   cell1 + out1,
			want:  []string{`t.md:7:1: malformed marker "Out [1]": write it as Out [1]:`},
			cells: []int{1},
		},

		// A marker that is not a top-level paragraph of its own.
		{
			name: "in a list item",
			src:  "- In [1]:\n\n  ```go\n  x\n  ```\n",
			want: []string{`t.md:1:3: "In [1]:" reads as a cell marker but is inside a list item, where no cell is read: ` + outsideContainers},
		},
		{
			name: "in an ordered, loose list",
			src:  "1. Prose.\n\n2. **in [2]**\n",
			want: []string{`t.md:3:4: "**in [2]**" reads as a cell marker but is inside a list item, where no cell is read: ` + outsideContainers},
		},
		{
			name: "in a block quote",
			src:  "> In [1]:\n>\n> ```go\n> x\n> ```\n",
			want: []string{`t.md:1:3: "In [1]:" reads as a cell marker but is inside a block quote, where no cell is read: ` + outsideContainers},
		},
		{
			name: "in a list in a block quote",
			src:  "> - Out [1]:\n",
			want: []string{`t.md:1:5: "Out [1]:" reads as a cell marker but is inside a list item, where no cell is read: ` + outsideContainers},
		},
		{
			name: "indented code block",
			src:  "    In [1]:\n\n    ```go\n    x\n    ```\n",
			want: []string{`t.md:1:5: "In [1]:" reads as a cell marker but is in an indented code block, where no cell is read: ` + notIndented},
		},
		{
			name: "indented by a tab",
			src:  "\tIn [1]:\n",
			want: []string{`t.md:1:2: "In [1]:" reads as a cell marker but is in an indented code block, where no cell is read: ` + notIndented},
		},
		{
			name: "no blank line before the marker",
			src:  "Look at\nIn [1]:" + fence,
			want: []string{`t.md:2:1: "In [1]:" reads as a cell marker but ` + notAlone},
		},
		{
			name: "no blank line after the marker",
			src:  "In [1]:\nprints one line." + fence,
			want: []string{`t.md:1:1: "In [1]:" reads as a cell marker but ` + notAlone},
		},
		{
			name: "bold, in a longer paragraph",
			src:  "Prose.\n**Out [1]:**\n",
			want: []string{`t.md:2:1: "**Out [1]:**" reads as a cell marker but ` + notAlone},
		},
		{
			name: "underlined: a Setext heading",
			src:  "In [1]:\n---" + fence,
			want: []string{`t.md:1:1: "In [1]:" reads as a cell marker but is part of a heading (the === or --- line under it makes it one): separate the marker from the lines around it with blank lines`},
		},

		{
			name: "in the title of a link reference definition (FuzzParse's oracle flags it when it is not an error)",
			src:  "[a]: /url \"t\nIn [1]:\n\"" + fence,
			want: []string{`t.md:2:1: "In [1]:" reads as a cell marker but is part of a link reference definition ([label]: URL "title"): separate the marker from it with a blank line`},
		},
		{
			name:  "after a link reference definition: a cell",
			src:   "[a]: /url\nIn [1]:" + fence + "\n[b]: /x\n" + out1,
			want:  []string{`t.md:9:1: malformed marker "Out [1]": write it as Out [1]:`},
			cells: []int{1},
		},

		// All of a file's problems, in order.
		{
			name: "several",
			src:  "- in [1]:\n\nIn [2]\n\n" + cell1 + "<!--\n",
			want: []string{
				`t.md:1:3: "in [1]:" reads as a cell marker but is inside a list item, where no cell is read: ` + outsideContainers,
				`t.md:3:1: malformed marker "In [2]": write it as In [2]:`,
				`t.md:11:1: unclosed HTML comment: no "-->" after "<!--", so it runs to the end of the file`,
			},
			cells: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := checkProblems(t, tt.src, tt.want...)
			if got := cellNumbers(l); !slices.Equal(got, tt.cells) {
				t.Errorf("cells = %v, want %v", got, tt.cells)
			}
		})
	}
}

// TestParseProseNearMarkers: text that mentions a marker, and is no cell, stays prose: more words on the line,
// a code span, a fence, an ATX heading, a one-line comment, and a hard-wrapped line that only ends with
// "in [1]".
func TestParseProseNearMarkers(t *testing.T) {
	for _, src := range []string{
		"In [the figure]: a caption.\n",
		"As we saw\nin [1]\nthe loop ends.\n",
		"As we saw\nIn [1]\nthe loop ends.\n",
		"Cells are marked `In [1]:`.\n\n`In [1]:`\n",
		"- In [1]: prints one line\n- Out [1]: shows it\n",
		"> In [1]: x = 1\n> Out [1]: 1\n",
		"# In [1]:\n\n## Out [2]\n",
		"<!-- In [1]: -->\n",
		"<!--\nTODO: run In [1]: again\n-->\n",
		"<div>\n\n**Note.** In [1]: above, the loop ends.\n\n</div>\n",
		"```\nIn [1]:\n```\n\n~~~text\nOut [1]\n~~~\n",
		"- ```\n  In [1]:\n  ```\n",
		"Input [1]:\n\nIn (1):\n\nIn [1]::\n\nIn [x]\n",
	} {
		t.Run(src, func(t *testing.T) {
			if l := mustParse(t, src); len(l.Cells) != 0 {
				t.Errorf("cells %v, want none", cellNumbers(l))
			}
		})
	}
}

// TestParseLessonsOfTheCourse: the course's own lessons parse without a problem under these rules.
func TestParseLessonsOfTheCourse(t *testing.T) {
	files, err := filepath.Glob("../../lessons/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no lessons found in ../../lessons")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		l, err := Parse(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(l.Cells) == 0 {
			t.Errorf("%s: no cells", f)
		}
	}
}
