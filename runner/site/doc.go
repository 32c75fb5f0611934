// Package site renders lessons as a static, self-contained HTML site: one page per lesson, with each cell drawn
// as its code (highlighted) and its output (in colour, from the raw output when there is one), and an index.
// Program output is untrusted and always escaped; a lesson's prose is the teacher's and may hold HTML. It never
// runs cells, never changes a lesson and writes no file: it draws into the writer it is given (runner render's
// site writer, in package cli, keeps the files). It also owns the pages' names (PageNames, one for the static
// site, the classroom's pages and export's notebooks alike) and the fingerprints of what a page shows
// (Fingerprint), by which render draws only the pages that changed. Of a cell's run it knows only the view
// model of package view (Cell, Badge), which the engine gives as it is; it imports neither the engine nor the
// cache. A caller draws more through two extension points, as goldmark's callers register node renderers: a
// Page's OutRenderer draws each cell's Out side, and its Extras add around the content (runner serve's live
// page uses both; this package knows nothing of it).
package site
