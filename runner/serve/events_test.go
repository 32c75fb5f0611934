package serve

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEventNames keeps the protocol's two ends equal: the names the page's script handles (the keys of
// page.js's handlers table) are the names of the Go events (every EventName method in the package's source).
func TestEventNames(t *testing.T) {
	_, table, ok := strings.Cut(pageScript, "const handlers = {\n")
	if table, _, ok = strings.Cut(table, "\n  };\n"); !ok {
		t.Fatal("page.js has no handlers table")
	}
	key := regexp.MustCompile(`^\s*("[^"]+"|[A-Za-z_$][\w$]*)\s*[,:]`)
	var js []string
	for _, line := range strings.Split(table, "\n") {
		m := key.FindStringSubmatch(line)
		if m == nil {
			continue // a handler's body on its own line
		}
		name := m[1]
		if unq, err := strconv.Unquote(name); err == nil {
			name = unq
		}
		js = append(js, name)
	}

	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, "events.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var goNames []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != "EventName" {
			continue
		}
		ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
		lit, _ := ret.Results[0].(*ast.BasicLit)
		if !ok || lit == nil {
			t.Fatalf("%s: EventName does not return a literal", fset.Position(fn.Pos()))
		}
		name, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		goNames = append(goNames, name)
	}
	slices.Sort(js)
	slices.Sort(goNames)
	if len(goNames) == 0 || !slices.Equal(js, goNames) {
		t.Errorf("page.js handles events %q; the Go events are %q", js, goNames)
	}
	if dup := slices.Compact(slices.Clone(goNames)); len(dup) != len(goNames) {
		t.Errorf("two Go events share a name: %q", goNames)
	}
}

// TestEncode checks the stream's framing: the event's name from its type, and its JSON on one data line with
// the field names the page reads, in the order the maps the events once were wrote them.
func TestEncode(t *testing.T) {
	ms := int64(1500)
	for _, tt := range []struct {
		e    Event
		want string
	}{
		{Started{Lesson: "a.md", Cell: 2, Run: "r1"}, "event: started\ndata: {\"cell\":2,\"lesson\":\"a.md\",\"run\":\"r1\"}\n\n"},
		{Output{Lesson: "a.md", Cell: 2, Run: "r1", Text: "a\nb\n"}, "event: output\ndata: {\"cell\":2,\"lesson\":\"a.md\",\"run\":\"r1\",\"text\":\"a\\nb\\n\"}\n\n"},
		{End{Lesson: "a.md", Cell: 2, Run: "r1", Status: "exit status 1", Outcome: "failed", DurationMS: &ms, Verdict: "matches"},
			"event: end\ndata: {\"cell\":2,\"duration_ms\":1500,\"lesson\":\"a.md\",\"outcome\":\"failed\",\"run\":\"r1\",\"status\":\"exit status 1\",\"verdict\":\"matches\"}\n\n"},
		{endOf("a.md", "r1", 3, nil, nil),
			"event: end\ndata: {\"badges\":[{\"text\":\"stopped\",\"kind\":\"info\"}],\"cell\":3,\"lesson\":\"a.md\",\"outcome\":\"stopped before it ended\",\"run\":\"r1\",\"status\":\"stopped\",\"verdict\":\"not-compared\"}\n\n"},
		{LessonError{Lesson: "a.md", Message: "a.md:1:1: bad"}, "event: lesson-error\ndata: {\"lesson\":\"a.md\",\"message\":\"a.md:1:1: bad\"}\n\n"},
		{RunError{Lesson: "a.md", Run: "r1", Message: "no go"}, "event: run-error\ndata: {\"cell\":0,\"lesson\":\"a.md\",\"message\":\"no go\",\"run\":\"r1\"}\n\n"},
		{notesEvent("a.md", true, nil), "event: notes\ndata: {\"hidden\":true,\"lesson\":\"a.md\",\"revealed\":[]}\n\n"},
		{Servers{Lesson: "a.md", Cell: 3, Down: []int{1}}, "event: servers\ndata: {\"cell\":3,\"down\":[1],\"lesson\":\"a.md\"}\n\n"},
	} {
		if got := string(encode(tt.e)); got != tt.want {
			t.Errorf("encode(%#v) =\n%q\nwant\n%q", tt.e, got, tt.want)
		}
	}
}
