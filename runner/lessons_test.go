package main

import (
	"os"
	"testing"

	"classnotes/runner/compare"
	"classnotes/runner/lesson"
)

// TestLessonsPortableMessages: an output that an OS words its own way is matched by the lesson's normalisation
// rules, not by a platform fingerprint: Class 16's client, run before its server, prints Go's error for a
// refused connection, which on Windows reads "connectex: No connection could be made because the target
// machine actively refused it.", and check there must still say the notes match.
func TestLessonsPortableMessages(t *testing.T) {
	src, err := os.ReadFile("../lessons/class16-tcp-udp.md")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lesson.Parse("class16-tcp-udp.md", src)
	if err != nil {
		t.Fatal(err)
	}
	c := l.Cell(1)
	if c == nil || c.Out == nil {
		t.Fatal("Class 16 has no Out [1]")
	}
	recorded := c.Out.Recorded(src)
	const windows = "dial tcp 127.0.0.1:50007: connectex: No connection could be made because the target machine actively refused it.\nexit status 1\n"
	n := &compare.Normalizer{Rules: l.Front.Normalize}
	if r := n.Compare(recorded, windows, lesson.CompareExact); !r.Match {
		t.Errorf("Windows' words for a refused connection do not match the notes:\nrecorded %q\nfresh    %q", r.Recorded, r.Fresh)
	}
	if r := n.Compare(recorded, "dial tcp 127.0.0.1:50007: i/o timeout\nexit status 1\n", lesson.CompareExact); r.Match {
		t.Errorf("another error matches the notes too: the rule is too wide")
	}
}
