package ready

import (
	"bufio"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// parseNetstat returns the local addresses of the listening TCP sockets ("tcp") or of the UDP sockets ("udp")
// in the output of netstat -an -p tcp (or udp) on macOS and the BSDs:
//
//	Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
//	tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN
//	tcp46      0      0  *.8080                 *.*                    LISTEN
//	udp6       0      0  ::1.5353               *.*
//
// The port follows the address's last dot; * is the unspecified address of the protocol's family, and a
// tcp46 or udp46 socket (dual stack) is taken as bound to ::. Other lines (headers) are skipped.
func parseNetstat(text, network string) ([]netip.AddrPort, error) {
	var addrs []netip.AddrPort
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || !strings.HasPrefix(f[0], network) || network == "tcp" && (len(f) < 6 || f[5] != "LISTEN") {
			continue
		}
		family := strings.TrimPrefix(f[0], network) // 4, 6 or 46
		host, portText, ok := cutLast(f[3], ".")
		port, err := strconv.ParseUint(portText, 10, 16)
		if !ok || err != nil {
			return nil, fmt.Errorf("netstat: malformed local address %q", f[3])
		}
		var ip netip.Addr
		switch {
		case host == "*" && family == "4":
			ip = netip.IPv4Unspecified()
		case host == "*":
			ip = netip.IPv6Unspecified()
		default:
			if ip, err = netip.ParseAddr(host); err != nil {
				return nil, fmt.Errorf("netstat: malformed local address %q", f[3])
			}
		}
		addrs = append(addrs, netip.AddrPortFrom(ip.WithZone(""), uint16(port)))
	}
	return addrs, sc.Err()
}

// cutLast slices s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
