package splice

import (
	"bytes"
	"fmt"
	"strings"

	"classnotes/runner/lesson"
)

// Output returns the edit that records text as the output of cell c, made by code with the short fingerprint
// fp (none when ""): it replaces the cell's Out [N]: block, or inserts one right after the cell's code block. It
// returns no edit when the recorded block is already exactly what would be written.
func Output(l *lesson.Lesson, c *lesson.Cell, text, fp string) (Edit, bool) {
	block := OutputBlock(c.Number, text, fp, l.EOL)
	if o := c.Out; o != nil {
		if bytes.Equal(l.Source[o.Start:o.End], block) {
			return Edit{}, false
		}
		return Edit{Start: o.Start, End: o.End, Text: block}, true
	}
	ins := append([]byte(l.EOL+l.EOL), block...)
	return Edit{Start: c.Code.End, End: c.Code.End, Text: ins}, true
}

// OutputBlock returns the Out [n]: marker and its text block, without a final line ending. The fence is longer
// than any run of backticks in text; its info string is "text", followed by "fp=" and fp when fp is not empty.
func OutputBlock(n int, text, fp, eol string) []byte {
	fence := Fence(text)
	info := "text"
	if fp != "" {
		info += " fp=" + fp
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Out [%d]:%s%s%s%s%s", n, eol, eol, fence, info, eol)
	b.WriteString(withEOL(text, eol))
	b.WriteString(fence)
	return []byte(b.String())
}

// ExpectedBlock returns the Out [n]: block of an exercise in a student's handout: text, the expected output (or
// a line saying that it is hidden), with want, the digest check compares a fresh output's with, in its info
// string, and no fingerprint. Without a final line ending.
func ExpectedBlock(n int, text, want, eol string) []byte {
	fence := Fence(text)
	var b strings.Builder
	fmt.Fprintf(&b, "Out [%d]:%s%s%stext want=%s%s", n, eol, eol, fence, want, eol)
	b.WriteString(withEOL(text, eol))
	b.WriteString(fence)
	return []byte(b.String())
}

// Fence returns a backtick fence of at least three backticks, longer than the longest run of backticks in text.
func Fence(text string) string {
	longest, run := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// Code returns the edit that makes the body of cell c's code block show program, the contents of its src file.
// It reports false when the body already shows it. The lines keep the fence's indentation and the lesson's line
// ending. It fails when a line of the program would close the fence.
func Code(l *lesson.Lesson, c *lesson.Cell, program []byte) (Edit, bool, error) {
	text := string(bytes.ReplaceAll(program, []byte("\r\n"), []byte("\n")))
	if closes(text, c.Code.Marker) {
		return Edit{}, false, fmt.Errorf("%s:%s: In [%d]: %s contains a line that would close the %s fence; use a longer fence",
			l.Path, l.Pos(c.Code.Start), c.Number, c.Attrs.Src, c.Code.Marker)
	}
	if c.Code.Indent != "" {
		lines := strings.SplitAfter(text, "\n")
		for i, ln := range lines {
			if ln != "" && ln != "\n" {
				lines[i] = c.Code.Indent + ln
			}
		}
		text = strings.Join(lines, "")
	}
	body := []byte(withEOL(text, l.EOL))
	if line, what := lesson.Swallows(c.Code.Marker, body); line > 0 {
		return Edit{}, false, fmt.Errorf("%s:%s: In [%d]: line %d of %s is %s, which would make the %s fence look unclosed",
			l.Path, l.Pos(c.Code.Start), c.Number, line, c.Attrs.Src, what, c.Code.Marker)
	}
	f := c.Code
	if bytes.Equal(l.Source[f.Body:f.BodyEnd], body) {
		return Edit{}, false, nil
	}
	return Edit{Start: f.Body, End: f.BodyEnd, Text: body}, true, nil
}

// closes reports whether a line of text would close a fence opened with marker.
func closes(text, marker string) bool {
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) > 3 {
			continue
		}
		if strings.HasPrefix(t, marker) && strings.Trim(t, marker[:1]+" \t") == "" {
			return true
		}
	}
	return false
}

// withEOL returns text with every line ended by eol, including the last one; empty text stays empty.
func withEOL(text, eol string) string {
	if text == "" {
		return ""
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if eol != "\n" {
		text = strings.ReplaceAll(text, "\n", eol)
	}
	return text
}
