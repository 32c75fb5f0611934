// Package files writes the files the runner owns outright (the cache's entries, the HTML site, check's JSON
// report) so that a reader, or the next run after a crash or a full disk, finds the old file or the new one,
// never a part. It never writes a lesson: lessons are the author's, and package splice guards them.
package files
