//go:build unix && !darwin

package run

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOpener: the opener is the xdg-open found on PATH, and none is an error that says so.
func TestOpener(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	if got, err := Opener(); err == nil {
		t.Errorf("Opener() with no xdg-open on PATH = %q, want an error", got)
	}
	fake := filepath.Join(bin, "xdg-open")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Opener(); err != nil || got != fake {
		t.Errorf("Opener() = %q, %v; want %s", got, err, fake)
	}
}
