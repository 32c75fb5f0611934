package build

import (
	"os"
	"testing"

	"classnotes/runner/run"
)

// TestMain removes the runner's temporary directory, where the go commands get their GOTMPDIR.
func TestMain(m *testing.M) {
	code := m.Run()
	run.Cleanup()
	os.Exit(code)
}
