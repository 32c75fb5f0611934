// Package serve is runner serve: the live classroom. It serves the lessons' pages with Run, Stop and Accept
// controls, runs the cells a page asks for through the engine (package engine), streams their output to
// every open page as Server-Sent Events, and reloads a page when its lesson or a snippet changes on disk.
//
// The live page is this package's (page.go, page.js): package site draws the lesson, and serve registers the
// Out renderer of the Notes and Live panels and adds the toolbar, the script and its Content-Security-Policy.
// The events the page follows are one catalogue of types with one encoder (events.go).
//
// Every request is untrusted: the Host must be this machine (against DNS rebinding), a token is required
// (Authorization: Bearer, or a session cookie the browser gets for /?token= or a one-time /?code=), state
// changes are POST requests refused cross-origin, and a request only ever names a lesson and a cell: the code
// that runs is the file on disk, never the request. Every connection is bounded in time, and each client address
// in connections and event streams (limits.go). (The runner keeps CLASSNOTES_TOKEN from every program it starts:
// run.Withhold.)
//
// With LAN, students read the pages and follow the events without the token; while the teacher hides a
// lesson's notes (POST /api/notes), a student is sent a cell's recorded output only once it has run (notes.go).
// With LAN there is also a class (class.go): students' checks report their exercises (POST /api/class/report)
// with a class code, not the token, which gives no other right; only the teacher's pages get the class.
package serve
