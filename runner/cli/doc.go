// Package cli is the runner's command line: it parses each verb's flags, finds the lessons named on the command
// line, drives them through the engine (package engine), showing progress, outputs, diffs and colours, and
// chooses exit codes. It parses no lesson and builds or runs no cell itself: the engine loads each lesson (and
// gives it back as written, WriteBack), runs its cells, reports to cli through events, and says how each output
// compares with the notes and in what words.
//
// What cli takes from the packages below the engine is a command's own business, not the running of a lesson:
// package lesson's rule for the editors' files a directory search skips, and the attributes list prints; where
// the cache lives, and emptying it (clean); removing colours from what goes to a pipe (package output); keeping
// CLASSNOTES_TOKEN from every program, starting the browser for serve --open, and saying after serve whether a
// process was left behind (package run). It mounts runner serve's server (package serve), and it is the writer
// of the static site (page names, the manifest of what each page shows, the index; package site draws them),
// of export's notebooks and import's lessons (package jupyter converts) and of check's report: every file it
// writes goes through package files.
package cli
