package cli

import (
	"testing"

	"github.com/spf13/pflag"

	"classnotes/runner/plan"
)

// TestAuditServeDefaults: without flags, serve listens on the loopback address only, on port 8000, and gives a
// cell without timeout= the runner's default time (a mutation audit found both unguarded, issue 20).
func TestAuditServeDefaults(t *testing.T) {
	v := findVerb("serve")
	if v == nil || v.flags == nil {
		t.Fatal("no serve verb with flags")
	}
	fs := pflag.NewFlagSet(v.name, pflag.ContinueOnError)
	v.flags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if addr, err := fs.GetString("addr"); err != nil || addr != "127.0.0.1:8000" {
		t.Errorf("default --addr %q (%v), want 127.0.0.1:8000", addr, err)
	}
	if timeout, err := fs.GetDuration("timeout"); err != nil || timeout != plan.DefaultTimeout {
		t.Errorf("default --timeout %v (%v), want plan.DefaultTimeout (%v)", timeout, err, plan.DefaultTimeout)
	}
}
