// Package compare tells whether a cell's fresh output matches the output recorded in the notes, after the
// normalisation both sides get, and shows the difference as a unified diff a reader can act on. It never
// changes what is written into a lesson; normalised texts exist only to be compared and shown.
package compare
