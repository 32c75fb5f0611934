package output

import "io"

// ansiState is the state of an escape-sequence recogniser.
type ansiState int

const (
	plain  ansiState = iota
	escape           // after ESC
	csi              // after ESC [
	str              // inside an OSC, DCS, PM, APC or SOS string
	strEsc           // after ESC inside such a string
)

// Stripper removes ANSI escape sequences from a stream of bytes. A sequence may be split across calls.
type Stripper struct {
	state ansiState
}

// Strip returns p without the escape sequences, continuing any sequence left open by the previous call.
func (s *Stripper) Strip(p []byte) []byte {
	out := make([]byte, 0, len(p))
	for _, c := range p {
		switch s.state {
		case plain:
			if c == 0x1b {
				s.state = escape
			} else {
				out = append(out, c)
			}
		case escape:
			switch {
			case c == '[':
				s.state = csi
			case c == ']' || c == 'P' || c == '^' || c == '_' || c == 'X':
				s.state = str
			case c >= 0x20 && c <= 0x2f: // intermediate bytes: keep reading
			default:
				s.state = plain
			}
		case csi:
			if c >= 0x40 && c <= 0x7e {
				s.state = plain
			}
		case str:
			if c == 0x07 {
				s.state = plain
			} else if c == 0x1b {
				s.state = strEsc
			}
		case strEsc:
			if c == '\\' {
				s.state = plain
			} else {
				s.state = str
			}
		}
	}
	return out
}

// StripANSI returns b without ANSI escape sequences.
func StripANSI(b []byte) []byte {
	var s Stripper
	return s.Strip(b)
}

// StripWriter writes to W what is written to it, without ANSI escape sequences.
type StripWriter struct {
	W io.Writer
	s Stripper
}

func (w *StripWriter) Write(p []byte) (int, error) {
	if _, err := w.W.Write(w.s.Strip(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
