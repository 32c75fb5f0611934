package output

import (
	"bytes"
	"fmt"
	"strings"
)

// Text returns the recorded form of what a program printed: raw with escape sequences removed, invalid UTF-8
// shown as U+FFFD, CRLF and lone CR turned into LF, every line ended by LF; then, when dropped is positive, a line
// saying how many bytes were cut; then the status line, when not empty. Empty output with no status is "".
func Text(raw []byte, dropped int64, status string) string {
	b := StripANSI(raw)
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	return Ended(strings.ToValidUTF8(string(b), "\uFFFD"), dropped, status)
}

// Ended returns out, what a program printed as text, with a final line ending, then the line saying how many
// bytes were cut when dropped is positive, then the status line when not empty: the end of what Text records.
func Ended(out string, dropped int64, status string) string {
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	if dropped > 0 {
		out += fmt.Sprintf("[output capped: %d more bytes dropped]\n", dropped)
	}
	if status != "" {
		out += status + "\n"
	}
	return out
}
