package plan

import (
	"fmt"

	"classnotes/runner/lesson"
)

// Needs returns the servers to start before the cells progs run on their own: the background cells they need
// and that are not among them, in document order.
//
// A cell needs the cells its needs= attribute names. Without needs=, a cell that is not background needs the
// nearest background cell before it of each probe kind: tcp, udp, out, and no ready= at all, a kind of its own
// (a client talks to the last server of its kind started before it); a background cell needs none (a server
// stands alone unless needs= says it is also a client). A server needed brings the servers it needs in turn.
// This is the one place that says which servers a cell needs: runner run starts them, the classroom page
// offers those that are down. render and check run every cell in order and do not ask.
func (p *Plan) Needs(progs ...*Program) []*Program {
	needed := map[*Program]bool{}
	var add func(prog *Program)
	add = func(prog *Program) {
		for _, s := range p.direct(prog) {
			if !needed[s] {
				needed[s] = true
				add(s)
			}
		}
	}
	asked := map[*Program]bool{}
	for _, prog := range progs {
		asked[prog] = true
		add(prog)
	}
	var servers []*Program
	for _, prog := range p.Programs {
		if needed[prog] && !asked[prog] {
			servers = append(servers, prog)
		}
	}
	return servers
}

// direct returns the servers prog itself needs, as Needs describes.
func (p *Plan) direct(prog *Program) []*Program {
	a := prog.Cell.Attrs
	if a.Needs != nil {
		var servers []*Program
		for _, n := range a.Needs {
			if s := p.Cell(n); s != nil { // Make has checked that it is a background cell before prog
				servers = append(servers, s)
			}
		}
		return servers
	}
	if a.Background {
		return nil
	}
	nearest := map[string]*Program{} // by probe kind; "" for a server without ready=
	for _, q := range p.Programs {
		if q.Cell == prog.Cell { // prog may be an exercise's starter, in its cell's place
			break
		}
		if q.Cell.Attrs.Background {
			nearest[probeKind(q.Cell.Attrs.Ready)] = q
		}
	}
	var servers []*Program
	for _, q := range p.Programs {
		if q.Cell.Attrs.Background && nearest[probeKind(q.Cell.Attrs.Ready)] == q {
			servers = append(servers, q)
		}
	}
	return servers
}

func probeKind(p *lesson.Probe) string {
	if p == nil {
		return ""
	}
	return p.Kind
}

// Cell returns the program of cell n, or nil.
func (p *Plan) Cell(n int) *Program {
	for _, prog := range p.Programs {
		if prog.Cell.Number == n {
			return prog
		}
	}
	return nil
}

// checkNeeds checks the needs= attribute of every cell of l against the whole lesson: each cell it names must
// be a background cell before it. Needs follows needs= only; a name that breaks these rules would start a
// client as a server, or a server after the cell that talks to it.
func checkNeeds(l *lesson.Lesson) []error {
	index := map[int]int{} // cell number → place in the lesson
	for i, c := range l.Cells {
		index[c.Number] = i
	}
	var errs []error
	for i, c := range l.Cells {
		at, ok := c.Attrs.Get("needs")
		if !ok {
			continue
		}
		problem := func(format string, args ...any) {
			msg := fmt.Sprintf("In [%d]: needs=%s: ", c.Number, at.Value) + fmt.Sprintf(format, args...)
			errs = append(errs, &lesson.Error{File: l.Path, Pos: at.Pos, Msg: msg})
		}
		for _, n := range c.Attrs.Needs {
			j, exists := index[n]
			switch {
			case n == c.Number:
				problem("a cell does not need itself; name the background cells before it")
			case !exists:
				problem("there is no cell In [%d]", n)
			case j > i:
				problem("In [%d] comes after In [%d]; a cell needs only servers before it", n, c.Number)
			case !l.Cells[j].Attrs.Background:
				problem("In [%d] is not a background cell; needs= names the servers this cell needs", n)
			}
		}
	}
	return errs
}
