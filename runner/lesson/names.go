package lesson

import (
	"path/filepath"
	"strings"
)

// EditorFile reports whether the file named name (a path or a base name) is an editor's lock, backup, swap or
// temporary file, or a hidden file: ".#a.md" (an Emacs lock, often a dangling symbolic link), "#a.md#",
// "a.md~", ".a.md.swp", "a.md.tmp", or Vim's probe "4913". Such a file is never a lesson, even when its name
// ends in .md; whoever searches a directory for lessons, or watches one for changes, skips it.
func EditorFile(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") || strings.HasSuffix(base, "~") ||
		strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") || strings.HasSuffix(base, ".tmp") ||
		base == "4913" // Vim's probe of a directory's writability
}
