package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeLayout checks the README's Layout table against the tree: every package under runner/ is named
// in it, and every package it names exists.
func TestReadmeLayout(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "\n## Layout\n")
	if !ok {
		t.Fatal("README.md has no Layout section")
	}
	if i := strings.Index(layout, "\n## "); i >= 0 {
		layout = layout[:i]
	}
	var packages []string // relative to runner/
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if !d.IsDir() || path == "." {
			return nil
		}
		goFiles, err := filepath.Glob(filepath.Join(path, "*.go"))
		if err != nil {
			return err
		}
		for _, f := range goFiles {
			if !strings.HasSuffix(f, "_test.go") {
				packages = append(packages, filepath.ToSlash(path))
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(packages) < 10 {
		t.Fatalf("found only %d packages under runner/: %v", len(packages), packages)
	}
	for _, p := range packages {
		if !strings.Contains(layout, "`runner/"+p+"`") && (strings.Contains(p, "/") || !strings.Contains(layout, "`"+p+"`")) {
			t.Errorf("the README's Layout does not name package runner/%s", p)
		}
	}
	// The names in the runner/ row, and every runner/ path in the table, must be packages.
	named := map[string]bool{}
	for _, p := range packages {
		named[p] = true
	}
	_, row, _ := strings.Cut(layout, "| `runner/` |")
	row, _, _ = strings.Cut(row, "\n")
	for _, m := range regexp.MustCompile("`([a-z]+)`").FindAllStringSubmatch(row, -1) {
		if !named[m[1]] {
			t.Errorf("the README's Layout names %q, which is not a package under runner/", m[1])
		}
	}
	for _, m := range regexp.MustCompile("`runner/([a-z/]+)`").FindAllStringSubmatch(layout, -1) {
		if !named[m[1]] {
			t.Errorf("the README's Layout names runner/%s, which is not a package", m[1])
		}
	}
}
