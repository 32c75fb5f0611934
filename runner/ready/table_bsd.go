//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package ready

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"time"

	"classnotes/runner/run"
)

// sockets returns the local addresses of the listening TCP sockets ("tcp") or of the UDP sockets ("udp"), as
// netstat -anW -p tcp (or udp) lists them (netstatArgs): the system's own reader of the kernel's tables (sysctl
// net.inet.tcp.pcblist_n on macOS), run through the supervisor like any command, at each look.
func sockets(network string) ([]netip.AddrPort, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out, msgs bytes.Buffer
	err := run.Command(ctx, "netstat", netstatArgs(runtime.GOOS, network), run.CommandOptions{Stdout: &out, Stderr: &msgs, Grace: time.Second})
	if err != nil {
		return nil, fmt.Errorf("read socket table: netstat: %w %s", err, bytes.TrimSpace(msgs.Bytes()))
	}
	return parseNetstat(out.String(), network)
}

// owner cannot tell here: netstat -an names no process.
func owner(network string, addr netip.AddrPort) string { return "" }
