// Package ready waits until a background cell is ready for the cells after it: a socket bound at an address, or
// a pattern in what it printed. Its probes only look (at the kernel's socket tables: /proc/net on Linux, netstat
// on macOS and the BSDs, iphlpapi's tables on Windows; at the captured output); they never connect to the
// server or bind its address, so the server sees no stray client.
package ready
