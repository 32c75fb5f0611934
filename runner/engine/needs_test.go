package engine

import (
	"fmt"
	"strings"
	"testing"

	"classnotes/runner/plan"
)

// class16 is the shape of Class 16's servers: TCP In [2], UDP In [4], DNS (UDP) In [6], each followed by its
// client; clientAttrs are the attributes of the DNS client In [7].
func class16(clientAttrs string) string {
	const prog = "package main\n\nfunc main() {}"
	return cell(1, "expect=error", prog) +
		cell(2, "background ready=tcp:127.0.0.1:50007", prog) + cell(3, "", prog) +
		cell(4, "background ready=udp:127.0.0.1:50008", prog) + cell(5, "", prog) +
		cell(6, "background ready=udp:127.0.0.1:50053 compare=unordered", prog) + cell(7, clientAttrs, prog)
}

// started describes the results RunCells would run, in order: "6 support" for a server started for the cells
// asked for, "7" for a cell asked for.
func started(results []*Result) string {
	var s []string
	for _, r := range results {
		if r.Support {
			s = append(s, fmt.Sprintf("%d support", r.Cell().Number))
		} else {
			s = append(s, fmt.Sprint(r.Cell().Number))
		}
	}
	return strings.Join(s, ", ")
}

// TestRunCellsServersNeeded: a cell run on its own is preceded by the servers it needs (plan.Plan.Needs), not by
// every server before it. Class 16's DNS client gets the DNS server In [6] and the nearest TCP server In [2],
// not the UDP server In [4]; with needs=6, In [6] alone. A server asked for is not started twice.
func TestRunCellsServersNeeded(t *testing.T) {
	for _, tt := range []struct {
		attrs string
		cells []int
		want  string
	}{
		{"", []int{7}, "2 support, 6 support, 7"},
		{"needs=6", []int{7}, "6 support, 7"},
		{"needs=6", []int{3}, "2 support, 3"},
		{"needs=6", []int{6, 7}, "6, 7"},
		{"needs=6", []int{7, 6}, "7, 6"},
		{"needs=4,6", []int{7, 5, 1}, "2 support, 4 support, 6 support, 7, 5, 1"},
		{"needs=6", []int{6}, "6"}, // a server needs none of the servers before it
	} {
		_, l := load(t, class16(tt.attrs))
		var progs []*plan.Program
		for _, n := range tt.cells {
			progs = append(progs, l.Cell(n))
		}
		if got := started(withServers(l.Plan, progs)); got != tt.want {
			t.Errorf("In [7] %s, run %v: %s; want %s", tt.attrs, tt.cells, got, tt.want)
		}
	}
}
