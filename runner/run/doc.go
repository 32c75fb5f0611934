// Package run is the runner's one supervisor of processes: it executes a built cell program (Start, Run) or a
// command the runner needs, such as the go command that builds one (Command), each in its own process group,
// captures what a program prints, and reports how it ended. When a process ends, it ends every process the
// process left behind, those that escaped the group included (reap_linux.go on Linux, reap_posix.go on macOS and
// the other Unix systems, reap_windows.go on Windows say how, and what still escapes), and
// it keeps the runner's temporary directories where a later runner can remove them if this one dies; it never
// builds programs and never formats what they print.
package run
