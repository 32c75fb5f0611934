package exercise

// Starter returns the handout's text of src, an exercise's program: each solution region replaced by its
// starter. lines[i] is the line of src that line i+1 of out comes from: itself outside the regions, the starter
// block's line for an uncommented one, and the region's // BEGIN SOLUTION line for the default starter, so that
// a compiler's message about the handout can be given the teacher's position. When Find reports problems,
// Starter returns them, and no text.
func Starter(src []byte) (out []byte, lines []int, errs []*Error) {
	regions, errs := Find(src)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	ls := splitLines(src)
	out = make([]byte, 0, len(src))
	lines = make([]int, 0, len(ls))
	emit := func(n int, l line) {
		if l.text == "" && l.end == "" {
			return // an empty last line without an ending is no line
		}
		out = append(out, l.text...)
		out = append(out, l.end...)
		lines = append(lines, n)
	}
	n := 1 // the next line of src to copy
	for _, r := range regions {
		for ; n < r.Begin; n++ {
			emit(n, ls[n-1])
		}
		repl, from, last := replacement(ls, r)
		if ls[last-1].end == "" && len(repl) > 0 {
			// The block ends the source without a line ending; so does its replacement.
			repl[len(repl)-1].end = ""
		}
		for i, l := range repl {
			emit(from[i], l)
		}
		n = last + 1
	}
	for ; n <= len(ls); n++ {
		emit(n, ls[n-1])
	}
	return out, lines, nil
}

// replacement returns the lines that replace region r of ls in the handout, the line of ls each comes from, and
// the last line of ls replaced: the region's // END SOLUTION line, or its starter block's // END STARTER line.
func replacement(ls []line, r Region) (repl []line, from []int, last int) {
	if r.StarterBegin == 0 {
		return []line{{text: r.Indent + DefaultStarter, end: ls[r.Begin-1].end}}, []int{r.Begin}, r.End
	}
	for n := r.StarterBegin + 1; n < r.StarterEnd; n++ {
		text, _ := uncomment(ls[n-1].text)
		repl = append(repl, line{text: text, end: ls[n-1].end})
		from = append(from, n)
	}
	return repl, from, r.StarterEnd
}

// Solutions returns the text of each region's body (the lines between its markers, with their endings), for
// tests that no solution leaks into a handout. When Find reports problems these are the regions it could read.
func Solutions(src []byte) [][]byte {
	regions, _ := Find(src)
	ls := splitLines(src)
	var bodies [][]byte
	for _, r := range regions {
		body := []byte{}
		for n := r.Begin + 1; n < r.End; n++ {
			body = append(body, ls[n-1].text...)
			body = append(body, ls[n-1].end...)
		}
		bodies = append(bodies, body)
	}
	return bodies
}
