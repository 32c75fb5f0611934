package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// cellSrc is cell n of a lesson with the info string words attrs after go, and a program that is never built.
func cellSrc(n int, attrs string) string {
	return fmt.Sprintf("In [%d]:\n\n```go %s\npackage main\n\nfunc main() {}\n```\n\n", n, attrs)
}

// class16 is the shape of Class 16: a TCP server and client, a UDP server and client, a DNS server (UDP) and
// two clients, a concurrent TCP server and its clients; extra adds attributes to a cell, by number.
func class16(extra map[int]string) string {
	attrs := map[int]string{
		1:  "expect=error",
		2:  "background ready=tcp:127.0.0.1:50007",
		4:  "background ready=udp:127.0.0.1:50008",
		6:  "background ready=udp:127.0.0.1:50053 compare=unordered",
		9:  "background ready=tcp:127.0.0.1:50009 compare=unordered",
		10: "compare=unordered",
	}
	var b strings.Builder
	for n := 1; n <= 10; n++ {
		b.WriteString(cellSrc(n, strings.TrimSpace(attrs[n]+" "+extra[n])))
	}
	return b.String()
}

// needs returns the numbers of the servers that cells ns, run on their own, need.
func needs(p *Plan, ns ...int) []int {
	var progs []*Program
	for _, n := range ns {
		progs = append(progs, p.Cell(n))
	}
	var got []int
	for _, s := range p.Needs(progs...) {
		got = append(got, s.Cell.Number)
	}
	return got
}

// TestNeedsDefault: without needs=, a client needs the nearest server before it of each probe kind, and a
// server needs none. In Class 16 the DNS client In [7] gets the DNS server In [6], not the UDP server In [4]
// before it, and the TCP server In [2] (the nearest TCP one) comes along.
func TestNeedsDefault(t *testing.T) {
	p := mustPlan(t, t.TempDir(), class16(nil), Options{})
	for _, tt := range []struct {
		cells []int
		want  []int
	}{
		{[]int{1}, nil},
		{[]int{3}, []int{2}},
		{[]int{5}, []int{2, 4}},
		{[]int{7}, []int{2, 6}},
		{[]int{8}, []int{2, 6}},
		{[]int{10}, []int{6, 9}},
		{[]int{2}, nil}, // a server stands alone
		{[]int{6}, nil},
		{[]int{9}, nil},
		{[]int{6, 7}, []int{2}},    // a server asked for is not started twice
		{[]int{7, 6}, []int{2}},    // in whatever order asked
		{[]int{3, 5}, []int{2, 4}}, // each server once, in document order
		{[]int{10, 3}, []int{2, 6, 9}},
	} {
		if got := needs(p, tt.cells...); !slices.Equal(got, tt.want) {
			t.Errorf("Needs(%v) = %v, want %v", tt.cells, got, tt.want)
		}
	}
}

// TestNeedsAttribute: needs= names the servers a cell needs, in place of the default; a server needed brings
// the servers it names in turn.
func TestNeedsAttribute(t *testing.T) {
	p := mustPlan(t, t.TempDir(), class16(map[int]string{5: "needs=4", 7: "needs=6", 8: "needs=2,6", 10: "needs=9"}), Options{})
	for _, tt := range []struct {
		cells []int
		want  []int
	}{
		{[]int{5}, []int{4}},
		{[]int{7}, []int{6}},
		{[]int{8}, []int{2, 6}},
		{[]int{10}, []int{9}},
		{[]int{3}, []int{2}}, // the others keep the default
		{[]int{7, 10}, []int{6, 9}},
	} {
		if got := needs(p, tt.cells...); !slices.Equal(got, tt.want) {
			t.Errorf("Needs(%v) = %v, want %v", tt.cells, got, tt.want)
		}
	}

	// A proxy (In [3]) is a server that needs the server behind it; its client needs the proxy, and so both.
	src := cellSrc(1, "background ready=tcp:127.0.0.1:8081") + cellSrc(2, "background ready=udp:127.0.0.1:8082") +
		cellSrc(3, "background ready=tcp:127.0.0.1:8080 needs=1") + cellSrc(4, "needs=3") + cellSrc(5, "")
	p = mustPlan(t, t.TempDir(), src, Options{})
	for _, tt := range []struct {
		cells []int
		want  []int
	}{
		{[]int{4}, []int{1, 3}},
		{[]int{3}, []int{1}},
		{[]int{5}, []int{1, 2, 3}}, // nearest tcp In [3], which needs In [1]; nearest udp In [2]
		{[]int{3, 4}, []int{1}},
	} {
		if got := needs(p, tt.cells...); !slices.Equal(got, tt.want) {
			t.Errorf("proxy: Needs(%v) = %v, want %v", tt.cells, got, tt.want)
		}
	}
}

// TestNeedsProbeKinds: out: and no ready= at all are kinds of their own, like tcp and udp.
func TestNeedsProbeKinds(t *testing.T) {
	src := cellSrc(1, "background") + cellSrc(2, "background ready=out:^listening$") + cellSrc(3, "background") +
		cellSrc(4, "background ready=out:^up$") + cellSrc(5, "background ready=tcp:127.0.0.1:8080") +
		cellSrc(6, "") + cellSrc(7, "background") + cellSrc(8, "")
	p := mustPlan(t, t.TempDir(), src, Options{})
	for _, tt := range []struct {
		cells []int
		want  []int
	}{
		{[]int{6}, []int{3, 4, 5}},
		{[]int{8}, []int{4, 5, 7}},
		{[]int{1}, nil},
	} {
		if got := needs(p, tt.cells...); !slices.Equal(got, tt.want) {
			t.Errorf("Needs(%v) = %v, want %v", tt.cells, got, tt.want)
		}
	}
}

// TestNeedsErrors: needs= names background cells before the cell, and nothing else; every problem is reported,
// at the attribute, with the lesson's other problems.
func TestNeedsErrors(t *testing.T) {
	const server = "background ready=tcp:127.0.0.1:8080"
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"itself", cellSrc(1, server) + cellSrc(2, "needs=2"),
			[]string{"lessons/l.md:11:7: In [2]: needs=2: a cell does not need itself; name the background cells before it"}},
		{"a background cell itself", cellSrc(1, server+" needs=1"),
			[]string{"lessons/l.md:3:43: In [1]: needs=1: a cell does not need itself; name the background cells before it"}},
		{"no such cell", cellSrc(1, server) + cellSrc(2, "needs=1,3"),
			[]string{"lessons/l.md:11:7: In [2]: needs=1,3: there is no cell In [3]"}},
		{"a later cell", cellSrc(1, "needs=2") + cellSrc(2, server),
			[]string{"lessons/l.md:3:7: In [1]: needs=2: In [2] comes after In [1]; a cell needs only servers before it"}},
		{"a later cell with a smaller number", cellSrc(5, "needs=2") + cellSrc(2, server),
			[]string{"lessons/l.md:3:7: In [5]: needs=2: In [2] comes after In [5]; a cell needs only servers before it"}},
		{"not a server", cellSrc(1, "") + cellSrc(2, "needs=1"),
			[]string{"lessons/l.md:11:7: In [2]: needs=1: In [1] is not a background cell; needs= names the servers this cell needs"}},
		{"every problem, in position order", cellSrc(1, "") + cellSrc(2, "needs=1,2,3 timeout=1s") + cellSrc(3, "src=nowhere.go needs=9"),
			[]string{
				"lessons/l.md:11:7: In [2]: needs=1,2,3: In [1] is not a background cell; needs= names the servers this cell needs",
				"lessons/l.md:11:7: In [2]: needs=1,2,3: a cell does not need itself; name the background cells before it",
				"lessons/l.md:11:7: In [2]: needs=1,2,3: In [3] comes after In [2]; a cell needs only servers before it",
				"lessons/l.md:19:7: In [3]: src=nowhere.go: no such file",
				"lessons/l.md:19:22: In [3]: needs=9: there is no cell In [9]",
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := makePlan(t, t.TempDir(), tt.src, Options{})
			if err == nil {
				t.Fatalf("no error; want:\n%s", strings.Join(tt.want, "\n"))
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	// A right needs= is no error.
	if _, err := makePlan(t, t.TempDir(), cellSrc(1, server)+cellSrc(2, "")+cellSrc(3, "needs=1"), Options{}); err != nil {
		t.Errorf("needs=1 on a client after the server: %v", err)
	}
}
