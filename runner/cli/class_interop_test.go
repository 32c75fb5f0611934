package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestClassReportInterop: the teacher serves the course with --lan and a class log; the student's check --report in the
// handout reaches it (the code in lower case too); a wrong code is refused; the log has the student's states.
func TestClassReportInterop(t *testing.T) {
	root, out := reportCourse(t)
	ctx := context.Background()
	r, base, code := serveClass(t, root, "--class-log", "class.csv", "lessons/ex.md")
	_, _, stderr := runner(t, ctx, out, "check", "lessons/ex.md", "--report", base, "--code", strings.ToLower(code), "--name", "Ana", "--share-diff")
	if !strings.Contains(stderr, "report sent to "+base+"/ (5 exercises)") {
		t.Fatalf("check --report: %s", stderr)
	}
	_, _, stderr = runner(t, ctx, out, "check", "lessons/ex.md", "--report", base+"/", "--code", "WRONG234", "--name", "Bo")
	if !strings.HasSuffix(stderr, "runner check: report not sent: the class code was not accepted\n") {
		t.Errorf("a wrong code: %s", stderr)
	}
	_, _, stderr = runner(t, ctx, out, "check", "lessons/one.md", "--report", base, "--code", code, "--name", "Cy")
	if !strings.Contains(stderr, "report not sent: ") || !strings.Contains(stderr, "one.md In [1]") {
		t.Errorf("a lesson the teacher does not serve: %s", stderr)
	}
	t.Logf("%s", stderr)
	interrupt(t, r)
	got := readFile(t, filepath.Join(root, "class.csv"))
	want := regexp.MustCompile(`(?m)^Ana,[^,]+,failed at run time,\d+,not yet,\d+,timed out,\d+,solved,\d+,does not compile,\d+$`)
	if !want.MatchString(got) {
		t.Errorf("the class log:\n%s", got)
	}
	t.Logf("%s", got)
}
