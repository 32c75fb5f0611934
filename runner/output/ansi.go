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

// maxString is how long a string sequence (OSC, DCS, …) may be. A longer one, like one cut by a line break or
// by the end of the output, was never a sequence: its text is kept rather than lost.
const maxString = 4096

// Stripper removes ANSI escape sequences from a stream of bytes. A sequence may be split across calls.
//
// A string sequence (such as OSC "ESC ] 0 ; title BEL") must end with BEL or ST before a line break, before
// maxString bytes and before the output ends; otherwise only its introducer is removed and the text after it is
// kept, so that a program printing a stray ESC ] does not make the runner drop the rest of its output. A control
// sequence (ESC [) likewise ends at the first byte that cannot belong to it, which is kept.
type Stripper struct {
	// OnlyStrings keeps every sequence but the string sequences: colours and cursor movements stay, for a
	// terminal emulator to draw, while titles, hyperlinks and inline images (which would make a page fetch
	// what a program names) go.
	OnlyStrings bool

	state   ansiState
	seq     []byte // the escape or control sequence being read
	pending []byte // the text of an open string sequence
}

// Strip returns p without the escape sequences, continuing any sequence left open by the previous call. The
// text of a string sequence still open at the end of p is held back until it ends or Flush is called.
func (s *Stripper) Strip(p []byte) []byte {
	out := make([]byte, 0, len(p))
	for _, c := range p {
		switch s.state {
		case plain:
			if c == 0x1b {
				s.state, s.seq = escape, append(s.seq[:0], c)
			} else {
				out = append(out, c)
			}
		case escape:
			switch {
			case c == ']' || c == 'P' || c == '^' || c == '_' || c == 'X':
				s.state = str
			case c == '[':
				s.state, s.seq = csi, append(s.seq, c)
			case c >= 0x20 && c <= 0x2f: // intermediate bytes: keep reading
				s.seq = append(s.seq, c)
			case c < 0x20 || c == 0x7f: // not part of a sequence, which ends: the byte is text
				s.state = plain
				out = append(out, c)
			default: // the final byte
				out = s.complete(out, c)
			}
		case csi:
			switch {
			case c >= 0x40 && c <= 0x7e: // the final byte
				out = s.complete(out, c)
			case c < 0x20 || c >= 0x7f: // cannot be in a control sequence, which ends: the byte is text
				s.state = plain
				out = append(out, c)
			default:
				s.seq = append(s.seq, c)
			}
		case str, strEsc:
			out = s.inString(out, c)
		}
	}
	return out
}

// complete ends the sequence being read with its final byte c, keeping it in out when only string sequences
// are stripped.
func (s *Stripper) complete(out []byte, c byte) []byte {
	s.state = plain
	if s.OnlyStrings {
		out = append(append(out, s.seq...), c)
	}
	return out
}

// inString handles byte c inside a string sequence, appending to out what turns out to be text.
func (s *Stripper) inString(out []byte, c byte) []byte {
	switch {
	case c == 0x07 || s.state == strEsc && c == '\\': // BEL or ST: the sequence is complete
		s.state, s.pending = plain, s.pending[:0]
		return out
	case c == '\n' || len(s.pending) >= maxString: // never ended: it was text
		out = append(out, s.pending...)
		s.state, s.pending = plain, s.pending[:0]
		return append(out, c)
	case c == 0x1b:
		s.state = strEsc
	default:
		s.state = str
	}
	s.pending = append(s.pending, c)
	return out
}

// Flush returns the text held back by an open string sequence, which the end of the output shows was none,
// and resets the Stripper.
func (s *Stripper) Flush() []byte {
	out := s.pending
	*s = Stripper{}
	return out
}

// StripANSI returns b without ANSI escape sequences.
func StripANSI(b []byte) []byte {
	var s Stripper
	return append(s.Strip(b), s.Flush()...)
}

// StripStrings returns b without its string sequences (OSC, DCS, PM, APC, SOS), keeping colours and the other
// escape sequences.
func StripStrings(b []byte) []byte {
	s := Stripper{OnlyStrings: true}
	return append(s.Strip(b), s.Flush()...)
}

// StripWriter writes to W what is written to it, without ANSI escape sequences. Close writes the text held
// back by a string sequence that never ended.
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

// Close writes what an unfinished string sequence held back. It does not close W.
func (w *StripWriter) Close() error {
	if rest := w.s.Flush(); len(rest) > 0 {
		_, err := w.W.Write(rest)
		return err
	}
	return nil
}
