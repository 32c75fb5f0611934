package class

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var ex1, ex2 = Key{"a.md", 3}, Key{"b.md", 1}

func report(name string, rs ...Result) *Report { return &Report{Name: name, Exercises: rs} }

func TestDecode(t *testing.T) {
	good := `{"name": "Ana", "exercises": [{"lesson": "a.md", "cell": 3, "status": "solved", "ms": 120}]}`
	if r, err := Decode(strings.NewReader(good)); err != nil || r.Name != "Ana" || r.Exercises[0].Key() != ex1 {
		t.Fatalf("%+v %v", r, err)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", `{"name":`, "not a report"},
		{"unknown field", `{"name": "A", "exercises": [], "code": "x"}`, "not a report"},
		{"two values", `{"name": "A", "exercises": []} {}`, "more than one"},
		{"too large", `{"name": "` + strings.Repeat("a", MaxBody) + `"}`, "larger than"},
		{"no name", `{"name": " ", "exercises": []}`, "name: empty"},
		{"long name", `{"name": "` + strings.Repeat("é", MaxName+1) + `", "exercises": []}`, "more than 64"},
		{"control in name", `{"name": "A\u001b[31m", "exercises": []}`, "control"},
		{"bidi override", `{"name": "A\u202eB", "exercises": []}`, "control"},
		{"path as lesson", `{"name": "A", "exercises": [{"lesson": "../x.md", "cell": 1, "status": "solved"}]}`, "lesson:"},
		{"cell 0", `{"name": "A", "exercises": [{"lesson": "a.md", "cell": 0, "status": "solved"}]}`, "cell:"},
		{"unknown status", `{"name": "A", "exercises": [{"lesson": "a.md", "cell": 1, "status": "pwned"}]}`, "status:"},
		{"twice", `{"name": "A", "exercises": [{"lesson": "a.md", "cell": 1, "status": "solved"}, {"lesson": "a.md", "cell": 1, "status": "solved"}]}`, "twice"},
		{"no letter", `{"name": "\u2800 \u0301 ...", "exercises": []}`, "no letter or digit"},
		{"Hangul filler", `{"name": "\u3164", "exercises": []}`, "invisible"},
		{"two-line diff", `{"name": "A", "exercises": [{"lesson": "a.md", "cell": 1, "status": "not yet", "diff": "a\nb"}]}`, "diff:"},
	} {
		if _, err := Decode(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestClass(t *testing.T) {
	c := New([]Key{ex1, ex2}, 3)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	if _, err := c.Add("10.0.0.1", report("Ana", Result{"a.md", 3, Solved, 10, ""}), now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add("10.0.0.2", report("Ana", Result{"a.md", 3, NoCompile, 5, ""}, Result{"b.md", 1, NoCompile, 5, ""}), now); err != nil {
		t.Fatal(err)
	}
	// Ana from the first machine again: her row changes, the other Ana's does not.
	if _, err := c.Add("10.0.0.1", report("Ana", Result{"a.md", 3, Solved, 10, ""}, Result{"b.md", 1, NotYet, 7, ""}), now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add("10.0.0.3", report("=cmd()", Result{"c.md", 1, Solved, 1, ""}), now); !errors.Is(err, ErrUnknown) {
		t.Errorf("an unknown exercise: %v", err)
	}
	if _, err := c.Add("10.0.0.3", report("=cmd()"), now); !errors.Is(err, ErrEmpty) {
		t.Errorf("a new student without exercises: %v", err)
	}
	if row, err := c.Add("10.0.0.3", report("=cmd()", Result{"a.md", 3, NotYet, 1, ""}), now); err != nil || row.Index != 2 {
		t.Fatalf("a third student: row %+v, %v", row, err)
	}
	if row, err := c.Add("10.0.0.2", report("Ana"), now); err != nil || row.Index != 1 || row.Name != "Ana (2)" {
		t.Fatalf("the second student again: row %+v, %v", row, err)
	}
	if _, err := c.Add("10.0.0.2", report("Ana", Result{"a.md", 3, NoCompile, 5, ""}, Result{"b.md", 1, NoCompile, 5, ""}), now); err != nil {
		t.Fatal(err)
	}
	if row, err := c.Add("10.0.0.1", report(" ana ", Result{"a.md", 3, Solved, 10, ""}, Result{"b.md", 1, NotYet, 7, ""}), now); err != nil || row.Index != 0 || row.Name != "Ana" {
		t.Errorf("Ana again, in other case and spaces: row %+v, %v", row, err)
	}
	if _, err := c.Add("10.0.0.4", report("Bo", Result{"a.md", 3, Solved, 1, ""}), now); !errors.Is(err, ErrFull) {
		t.Errorf("a fourth student in a class of 3: %v", err)
	}
	rows := c.Rows()
	if len(rows) != 3 || rows[0].Index != 0 || rows[2].Index != 2 || rows[0].Name != "Ana" || rows[1].Name != "Ana (2)" || rows[0].Results[1].Status != NotYet || rows[1].Results[0].Status != NoCompile {
		t.Errorf("rows %+v", rows)
	}
	var got []string
	for _, n := range c.Counts() {
		got = append(got, n.String())
	}
	if want := "a.md In [3]: 1 of 3 solved; 1 not yet; 1 does not compile|b.md In [1]: 0 of 2 solved; 1 not yet; 1 does not compile"; strings.Join(got, "|") != want {
		t.Errorf("counts %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := c.WriteCSV(&b); err != nil || !strings.Contains(b.String(), "\n'=cmd(),") || !strings.HasPrefix(b.String(), "student,reported,a.md In [3],a.md In [3] ms,") {
		t.Errorf("CSV %v:\n%s", err, b.String())
	}
}

// FuzzDecode: Decode never panics, and what it accepts encodes again to a report that decodes the same.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"name": "Ana", "exercises": [{"lesson": "a.md", "cell": 3, "status": "solved", "ms": 120, "diff": "-x"}]}`))
	f.Add([]byte(`{"name": "<script>alert(1)</script>", "exercises": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		b, err := r.Encode()
		if err != nil {
			t.Fatalf("an accepted report does not encode: %v", err)
		}
		again, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("an accepted report, encoded, is refused: %v", err)
		}
		x, _ := json.Marshal(again)
		if !bytes.Equal(x, b) {
			t.Fatalf("decodes differently: %s, %s", x, b)
		}
	})
}

// TestClassNames: a name typed again as another's shown name is told apart too; one address is at most
// MaxNamesPerAddress students; a name with a zero-width joiner is a name.
func TestClassNames(t *testing.T) {
	c := New([]Key{ex1}, 10)
	now := time.Now()
	add := func(addr, name string) (Row, error) {
		return c.Add(addr, report(name, Result{"a.md", 3, Solved, 1, ""}), now)
	}
	add("10.0.0.1", "Ana")
	add("10.0.0.2", "Ana")
	if row, err := add("10.0.0.3", "ana (2)"); err != nil || row.Name != "ana (2) (2)" {
		t.Errorf("a name that is another's shown name: %+v %v", row, err)
	}
	for i, name := range []string{"B", "C", "D"} {
		if _, err := add("10.0.0.9", name); (err != nil) != (i == 3) {
			t.Errorf("name %d from one address: %v", i+1, err)
		}
	}
	if _, err := add("10.0.0.9", "E"); !errors.Is(err, ErrNames) {
		t.Errorf("a fourth name from one address: %v", err)
	}
	for _, name := range []string{"F", "G", "H", "I"} {
		if _, err := add("127.0.0.1", name); err != nil {
			t.Errorf("the teacher's machine, %s: %v", name, err)
		}
	}
	if err := report("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647").Check(); err != nil {
		t.Errorf("a Persian name with a zero-width non-joiner: %v", err)
	}
}
