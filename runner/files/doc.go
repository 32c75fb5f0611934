// Package files is the runner's one writer of files: every file the runner writes over or creates beside a
// user's files (a lesson, an imported lesson, an exported notebook, a site page, check's report) goes through
// its guard, so that a reader, or the next run after a crash or a full disk, finds the old file or the new
// one, never a part; a file that changed on disk since it was read, a read-only or hard-linked file, a device,
// a named pipe or a symbolic link to nowhere is refused, never replaced. It decides nothing about what is
// written, and it never writes a file it was not asked to.
//
// ReadFile and Original.Replace guard a file the runner read and rewrites (a lesson); Write creates a new file
// without ever clobbering one that appeared meanwhile, or, when asked to overwrite, replaces an existing file
// through the same guard. One exception to "never a part": on a file system without hard links (FAT, some
// network and FUSE file systems) a new file is written in place, made with O_EXCL so that it replaces nothing,
// and a runner killed while writing it leaves it partly written. WriteAtomic is only for the runner's private directories (the cache).
package files
