package class

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// MaxStudents is how many students a class holds by default.
const MaxStudents = 200

// Errors of Add, which the teacher's serve answers with a status of its own.
var (
	ErrFull    = errors.New("the class is full")
	ErrUnknown = errors.New("an exercise the lessons do not have")
	ErrEmpty   = errors.New("a report without exercises makes no student")
	ErrNames   = fmt.Errorf("at most %d names report from one address", MaxNamesPerAddress)
)

// MaxNamesPerAddress is how many students one address may be: a few, for students who share a machine; not a
// class of names typed by one. The teacher's own machine (a loopback address: a demonstration, a test) has no
// such limit.
const MaxNamesPerAddress = 3

// Class is the students who reported, each with the latest state of every exercise, in the order they first
// reported. A student is the name they typed from one address: the same name from another machine is another
// student, shown told apart ("Ana (2)"); a report replaces that student's earlier one, and no report ever
// changes another student's row. It is safe for concurrent use.
type Class struct {
	mu        sync.Mutex
	max       int
	exercises []Key
	known     map[Key]bool
	students  []*student
	byWho     map[string]*student // name (folded), NUL, address
	shown     map[string]int      // the names shown (folded)
	perAddr   map[string]int      // students by address
}

type student struct {
	index             int // in the order students first reported
	name, shown, addr string
	at                time.Time
	results           map[Key]Result
}

// New returns a class for the lessons' exercises, in their order, holding at most max students.
func New(exercises []Key, max int) *Class {
	c := &Class{max: max, exercises: exercises, known: map[Key]bool{}, byWho: map[string]*student{}, shown: map[string]int{}, perAddr: map[string]int{}}
	for _, k := range exercises {
		c.known[k] = true
	}
	return c
}

// Exercises returns the class's exercises, in order.
func (c *Class) Exercises() []Key { return append([]Key(nil), c.exercises...) }

// Add records the report r of the student at addr (an IP address, without port), and returns the student's
// row. A report with an exercise the lessons do not have is refused whole (ErrUnknown), as is a new student
// when the class is full (ErrFull).
func (c *Class) Add(addr string, r *Report, now time.Time) (Row, error) {
	for _, e := range r.Exercises {
		if !c.known[e.Key()] {
			return Row{}, fmt.Errorf("%w: %s", ErrUnknown, e.Key())
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	name := strings.Join(strings.Fields(r.Name), " ")
	who := fold(name) + "\x00" + addr
	s := c.byWho[who]
	if s == nil {
		switch {
		case len(r.Exercises) == 0:
			return Row{}, ErrEmpty
		case c.perAddr[addr] >= MaxNamesPerAddress && !loopback(addr):
			return Row{}, ErrNames
		case len(c.students) >= c.max:
			return Row{}, ErrFull
		}
		s = &student{index: len(c.students), name: name, shown: name, addr: addr}
		for n := 2; c.shown[fold(s.shown)] > 0; n++ { // told apart from every name shown, whatever its case
			s.shown = fmt.Sprintf("%s (%d)", name, n)
		}
		c.shown[fold(s.shown)]++
		c.perAddr[addr]++
		c.byWho[who] = s
		c.students = append(c.students, s)
	}
	s.at = now
	s.results = map[Key]Result{}
	for _, e := range r.Exercises {
		s.results[e.Key()] = e
	}
	return c.row(s), nil
}

// Row is a student's row: its place among the rows (0 for the first student who reported), their name as
// shown, when they last reported, and per exercise of the class, in order, their result (Status "" when they
// did not report it).
type Row struct {
	Index   int
	Name    string
	At      time.Time
	Results []Result
}

func (c *Class) row(s *student) Row {
	r := Row{Index: s.index, Name: s.shown, At: s.at, Results: make([]Result, len(c.exercises))}
	for i, k := range c.exercises {
		r.Results[i] = s.results[k]
	}
	return r
}

// Rows returns every student's row, in the order they first reported.
func (c *Class) Rows() []Row {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows := make([]Row, len(c.students))
	for i, s := range c.students {
		rows[i] = c.row(s)
	}
	return rows
}

// Count is how the class stands on one exercise: how many students reported it, by state.
type Count struct {
	Exercise Key
	Reported int
	By       map[Status]int
}

// String says it as the teacher's page does: "class15-networking.md In [6]: 18 of 24 solved; 4 do not
// compile".
func (n Count) String() string {
	s := fmt.Sprintf("%s: %d of %d solved", n.Exercise, n.By[Solved], n.Reported)
	for _, st := range Statuses[1:] {
		if k := n.By[st]; k > 0 {
			s += fmt.Sprintf("; %d %s", k, phrase(st, k))
		}
	}
	return s
}

// phrase returns a state as it reads after a count: "not yet", "do not compile", "failed at run time".
func phrase(s Status, n int) string {
	if s == NoCompile && n > 1 {
		return "do not compile"
	}
	return string(s)
}

// Counts returns how the class stands on each exercise, in order.
func (c *Class) Counts() []Count {
	rows := c.Rows()
	counts := make([]Count, len(c.exercises))
	for i, k := range c.exercises {
		counts[i] = Count{Exercise: k, By: map[Status]int{}}
		for _, r := range rows {
			if st := r.Results[i].Status; st != "" {
				counts[i].Reported++
				counts[i].By[st]++
			}
		}
	}
	return counts
}

// WriteCSV writes the class as CSV: a row per student (the name as shown, the time of the last report, and
// per exercise its state and time), in the order they first reported. A cell that a spreadsheet would read
// as a formula (=, +, -, @ first) starts with a quote mark.
func (c *Class) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{"student", "reported"}
	for _, k := range c.exercises {
		header = append(header, k.String(), k.String()+" ms")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range c.Rows() {
		rec := []string{noFormula(r.Name), r.At.UTC().Format(time.RFC3339)}
		for _, e := range r.Results {
			ms := ""
			if e.Status != "" {
				ms = fmt.Sprint(e.Millis)
			}
			rec = append(rec, string(e.Status), ms)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// loopback reports whether addr is a loopback address: this machine's.
func loopback(addr string) bool {
	ip := net.ParseIP(addr)
	return ip != nil && ip.IsLoopback()
}

// fold returns a name as names are compared: spaces collapsed, case folded, so that "Ana", "ana" and "Ana "
// are one name. (Look-alike letters of other scripts are not folded.)
func fold(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
