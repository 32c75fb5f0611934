package ready

import "net/netip"

// Bound reports whether a socket is bound at addr: for "tcp" a listening socket, for "udp" any socket. A socket
// bound to the unspecified address (0.0.0.0 or ::) counts for every address of its family, and an IPv6 socket
// bound to :: counts for IPv4 addresses too. It reads the kernel's table of sockets (sockets: /proc/net on
// Linux, netstat on macOS and the BSDs, GetExtendedTcpTable and GetExtendedUdpTable on Windows), and never
// connects to the address nor binds it.
func Bound(network string, addr netip.AddrPort) (bool, error) {
	addrs, err := sockets(network)
	if err != nil {
		return false, err
	}
	for _, local := range addrs {
		if matches(local, addr) {
			return true, nil
		}
	}
	return false, nil
}

// matches reports whether a socket bound at local receives what is sent to want.
func matches(local, want netip.AddrPort) bool {
	if local.Port() != want.Port() {
		return false
	}
	l, w := local.Addr().Unmap(), want.Addr().Unmap()
	switch {
	case l == w:
		return true
	case l.IsUnspecified() && l.Is4() == w.Is4():
		return true
	case l.IsUnspecified() && l.Is6(): // a dual-stack socket on :: also takes IPv4
		return true
	}
	return false
}

// Owner names the program that holds a socket bound at addr (for "tcp" a listening one), where the system says
// and the runner may see it: "name (pid N)" on Linux for the user's own processes, "process N" on Windows;
// "" when it cannot tell (macOS and the BSDs: netstat -an does not say).
func Owner(network string, addr netip.AddrPort) string { return owner(network, addr) }
