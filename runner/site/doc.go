// Package site renders lessons as a static, self-contained HTML site: one page per lesson, with each cell drawn
// as its code (highlighted) and its output (in colour, from the raw output when there is one), and an index.
// Program output is untrusted and always escaped; a lesson's prose is the teacher's and may hold HTML. It never
// runs cells and never changes a lesson.
package site
