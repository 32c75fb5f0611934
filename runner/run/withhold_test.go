//go:build unix

package run

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestWithhold: a withheld variable reaches no program the runner starts, whether it inherits the runner's
// environment or is given one that holds it (a classroom's token was in every cell's environment, and a cell
// printing its environment streamed it to the students).
func TestWithhold(t *testing.T) {
	t.Setenv("CLASSNOTES_TEST_SECRET", "s3cret-value")
	t.Setenv("CLASSNOTES_TEST_PLAIN", "plain-value")
	Withhold("CLASSNOTES_TEST_SECRET")
	t.Cleanup(func() { withheld.Delete("CLASSNOTES_TEST_SECRET") })
	given := []string{"CLASSNOTES_TEST_SECRET=given-secret", "CLASSNOTES_TEST_PLAIN=given-plain", "PATH=/usr/bin:/bin"}
	for _, env := range [][]string{nil, given} {
		res, err := Run(context.Background(), "/bin/sh", []string{"-c", "env"}, Options{Env: env})
		if err != nil {
			t.Fatal(err)
		}
		var cmdOut bytes.Buffer
		if err := Command(context.Background(), "/bin/sh", []string{"-c", "env"}, CommandOptions{Env: env, Stdout: &cmdOut}); err != nil {
			t.Fatal(err)
		}
		for what, out := range map[string]string{"a program": string(res.Printed), "a command": cmdOut.String()} {
			if strings.Contains(out, "CLASSNOTES_TEST_SECRET") || strings.Contains(out, "secret") {
				t.Errorf("%s (env %v) sees the withheld variable:\n%s", what, env != nil, out)
			}
			if !strings.Contains(out, "CLASSNOTES_TEST_PLAIN=") {
				t.Errorf("%s (env %v) lost a variable that is not withheld:\n%s", what, env != nil, out)
			}
		}
	}
}
