// Package serve is runner serve: the live classroom. It serves the lessons' pages with Run, Stop and Accept
// controls, runs the cells a page asks for through the engine (package notebook), streams their output to
// every open page as Server-Sent Events, and reloads a page when its lesson or a snippet changes on disk.
//
// Every request is untrusted: the Host must be this machine (against DNS rebinding), a token is required
// (a cookie after /?token=, or Authorization: Bearer), state changes are POST requests refused cross-origin,
// and a request only ever names a lesson and a cell: the code that runs is the file on disk, never the request.
package serve
