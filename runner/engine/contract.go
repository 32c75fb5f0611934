package engine

import (
	"classnotes/runner/plan"
	"classnotes/runner/ready"
	"classnotes/runner/run"
)

// Program is what one cell of a lesson builds and runs. Front ends name cells with it (Lesson.Cell, RunCells,
// RunAlone) without reaching into the planner.
type Program = plan.Program

// DefaultTimeout is how long a cell may run when neither its timeout= attribute nor Config.Timeout says
// otherwise: the default of every front end's --timeout.
const DefaultTimeout = plan.DefaultTimeout

// OutputCap is how many bytes of a cell's output are recorded, and streamed to an Observer, per run. A front
// end that keeps a running cell's output (to show it to a page that arrives late) keeps no more than this.
const OutputCap = run.DefaultCap

// ServersDown returns the numbers of the servers prog needs when it runs alone (the rule of plan.Plan.Needs)
// whose ready= address has nothing listening now, in document order. A server without a tcp or udp probe
// cannot be asked, and is never listed; nor is one whose address cannot be checked.
func (l *Lesson) ServersDown(prog *Program) []int {
	var down []int
	for _, p := range l.Plan.Needs(prog) {
		probe := p.Cell.Attrs.Ready
		if probe == nil || probe.Kind == "out" {
			continue
		}
		if up, err := ready.InUse(probe); err == nil && !up {
			down = append(down, p.Cell.Number)
		}
	}
	return down
}
