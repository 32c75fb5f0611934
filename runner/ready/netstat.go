package ready

import (
	"bufio"
	"net/netip"
	"strconv"
	"strings"
)

// netstatArgs returns the arguments of the netstat that lists the sockets of network ("tcp" or "udp") on the
// system goos: -an -p network, and -W where it means wide output (macOS and FreeBSD: "avoid truncating
// addresses"), since without it a long IPv6 address is cut short (2001:db8:85a3:8d.51234). OpenBSD's -W
// takes an interface (wireless statistics), and NetBSD's and DragonFly's were not checked: they go without.
func netstatArgs(goos, network string) []string {
	switch goos {
	case "darwin", "ios", "freebsd":
		return []string{"-anW", "-p", network}
	}
	return []string{"-an", "-p", network}
}

// parseNetstat returns the local addresses of the listening TCP sockets ("tcp") or of the UDP sockets ("udp")
// in the output of netstat -anW -p tcp (or udp) on macOS and the BSDs:
//
//	Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
//	tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN
//	tcp46      0      0  *.8080                 *.*                    LISTEN
//	udp6       0      0  ::1.5353               *.*
//
// The port follows the address's last dot; * is the unspecified address of the protocol's family, and a
// tcp46 or udp46 socket (dual stack) is taken as bound to ::. Other lines (headers) are skipped, and so is a
// socket whose local address does not parse: an unbound one (*.*), or an address that netstat cut short. One
// odd socket must not hide the others, the server's among them.
func parseNetstat(text, network string) ([]netip.AddrPort, error) {
	var addrs []netip.AddrPort
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || !strings.HasPrefix(f[0], network) || network == "tcp" && (len(f) < 6 || f[5] != "LISTEN") {
			continue
		}
		if addr, ok := netstatAddr(f[3], strings.TrimPrefix(f[0], network)); ok {
			addrs = append(addrs, addr)
		}
	}
	return addrs, sc.Err()
}

// netstatAddr parses a local address as netstat writes it (127.0.0.1.8080, ::1.5353, *.8080) for a socket of
// family "4", "6" or "46", and reports whether it could.
func netstatAddr(local, family string) (netip.AddrPort, bool) {
	host, portText, ok := cutLast(local, ".")
	port, err := strconv.ParseUint(portText, 10, 16)
	if !ok || err != nil {
		return netip.AddrPort{}, false
	}
	var ip netip.Addr
	switch {
	case host == "*" && family == "4":
		ip = netip.IPv4Unspecified()
	case host == "*":
		ip = netip.IPv6Unspecified()
	default:
		if ip, err = netip.ParseAddr(host); err != nil {
			return netip.AddrPort{}, false
		}
	}
	return netip.AddrPortFrom(ip.WithZone(""), uint16(port)), true
}

// cutLast slices s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
