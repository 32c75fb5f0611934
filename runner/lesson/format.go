package lesson

import (
	_ "embed"
	"strings"
)

//go:embed doc.go
var docSource string

// Format returns the documentation of the lesson format, the sections of this package's doc comment from
// "File format" on, as plain text: what "runner help format" prints, so that the format is documented once,
// next to the parser, and readable wherever the runner is installed.
func Format() string {
	var b strings.Builder
	started := false
	for line := range strings.Lines(docSource) {
		if !strings.HasPrefix(line, "//") {
			break // the package clause ends the doc comment
		}
		text := strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ")
		if !started {
			if !strings.HasPrefix(text, "# ") {
				continue
			}
			started = true
		}
		if heading, ok := strings.CutPrefix(text, "# "); ok {
			heading = strings.TrimRight(heading, "\n")
			text = heading + "\n" + strings.Repeat("=", len([]rune(heading))) + "\n"
		}
		b.WriteString(text)
	}
	return b.String()
}
