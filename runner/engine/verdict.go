package engine

import "fmt"

// verdictWords are the words of each verdict, in one place for every front end: its name on the wire (the
// classroom page's events, reports), the sentence that says it of a cell that ran ("In [3]: matches the
// notes"), and the reason check gives for it, with what to do about it.
var verdictWords = [...]struct{ name, sentence, reason string }{
	NotCompared: {"not-compared", "not compared with the notes", "not compared with the notes"},
	Matches:     {"matches", "matches the notes", "matches the notes"},
	Differs:     {"differs", "differs from the notes", "output differs from the notes"},
	NoRecord:    {"no-record", "the notes have no recorded output to compare with", "no recorded output; run `runner render`"},
	Ignored:     {"ignored", "not compared with the notes (compare=ignore)", "compare=ignore: it ran, its output is not compared"},
}

// String returns the verdict's name: "matches", "differs", "no-record", "ignored", "not-compared". It is the
// name a front end sends on the wire.
func (v Verdict) String() string {
	if v < 0 || int(v) >= len(verdictWords) {
		return fmt.Sprintf("Verdict(%d)", int(v))
	}
	return verdictWords[v].name
}

// Sentence returns what the verdict says of a cell that ran: "matches the notes", "differs from the notes".
func (v Verdict) Sentence() string {
	if v < 0 || int(v) >= len(verdictWords) {
		return v.String()
	}
	return verdictWords[v].sentence
}

// Reason returns what check reports of a cell with this verdict, with what to do when there is something to
// do: "no recorded output; run `runner render`".
func (v Verdict) Reason() string {
	if v < 0 || int(v) >= len(verdictWords) {
		return v.String()
	}
	return verdictWords[v].reason
}
