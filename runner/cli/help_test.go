package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestHelpNamesEveryFlag checks that "runner help VERB" names each of the verb's flags in its usage line, not
// only in the flag list under it, and lists them in the order the verb declares them, as "runner VERB --help"
// does.
func TestHelpNamesEveryFlag(t *testing.T) {
	for _, v := range verbs {
		t.Run(v.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			app := &App{Stdout: &stdout, Stderr: &stderr, Getwd: os.Getwd, Getenv: func(string) string { return "" }}
			if code := app.Run(context.Background(), []string{"help", v.name}); code != exitOK {
				t.Fatalf("runner help %s: exit %d, stderr:\n%s", v.name, code, stderr.String())
			}
			usage, flagList, _ := strings.Cut(stdout.String(), "\nFlags:\n")
			usage, _, _ = strings.Cut(usage, "\n")
			fs := pflag.NewFlagSet(v.name, pflag.ContinueOnError)
			fs.SortFlags = false
			if v.flags != nil {
				v.flags(fs)
			}
			last := -1
			fs.VisitAll(func(f *pflag.Flag) {
				if !strings.Contains(usage+" ", "--"+f.Name+" ") && !strings.Contains(usage, "--"+f.Name+"]") {
					t.Errorf("usage line %q does not name --%s", usage, f.Name)
				}
				i := strings.Index(flagList, "--"+f.Name+" ")
				if i < 0 {
					i = strings.Index(flagList, "--"+f.Name+"[")
				}
				switch {
				case i < 0:
					t.Errorf("flag list does not list --%s:\n%s", f.Name, flagList)
				case i < last:
					t.Errorf("flag list lists --%s out of the verb's order:\n%s", f.Name, flagList)
				default:
					last = i
				}
			})
		})
	}
}
