// Package site renders lessons as a static, self-contained HTML site: one page per lesson, with each cell drawn
// as its code (highlighted) and its output (in colour, from the raw output when there is one), and an index.
// Program output is untrusted and always escaped; a lesson's prose is the teacher's and may hold HTML. It never
// runs cells and never changes a lesson. A caller draws more through two extension points, as goldmark's
// callers register node renderers: a Page's OutRenderer draws each cell's Out side, and its Extras add around
// the content (runner serve's live page uses both; this package knows nothing of it).
package site
