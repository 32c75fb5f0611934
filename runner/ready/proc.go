package ready

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// procNet is where the kernel lists the sockets of this network namespace.
var procNet = "/proc/net"

// Bound reports whether a socket is bound at addr: for "tcp" a listening socket, for "udp" any socket. A socket
// bound to the unspecified address (0.0.0.0 or ::) counts for every address of its family, and an IPv6 socket
// bound to :: counts for IPv4 addresses too.
func Bound(network string, addr netip.AddrPort) (bool, error) {
	for _, suffix := range []string{"", "6"} {
		found, err := scan(procNet+"/"+network+suffix, network, addr)
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}

// tcpListen is the state of a listening TCP socket in /proc/net/tcp.
const tcpListen = "0A"

func scan(path, network string, want netip.AddrPort) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(path, "6") {
		return false, nil // no IPv6 here
	}
	if err != nil {
		return false, fmt.Errorf("read socket table: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || network == "tcp" && fields[3] != tcpListen {
			continue
		}
		local, err := parseAddr(fields[1])
		if err != nil {
			return false, fmt.Errorf("%s: %w", path, err)
		}
		if matches(local, want) {
			return true, nil
		}
	}
	return false, sc.Err()
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

// parseAddr parses an address as /proc/net writes it: the IP in hexadecimal, as 32-bit words in the machine's
// byte order, a colon, and the port in hexadecimal.
func parseAddr(s string) (netip.AddrPort, error) {
	ipHex, portHex, ok := strings.Cut(s, ":")
	raw, err := hex.DecodeString(ipHex)
	if !ok || err != nil || len(raw) != 4 && len(raw) != 16 {
		return netip.AddrPort{}, fmt.Errorf("malformed address %q", s)
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("malformed port in %q", s)
	}
	ip := make([]byte, len(raw))
	for i := 0; i < len(raw); i += 4 {
		binary.BigEndian.PutUint32(ip[i:], binary.NativeEndian.Uint32(raw[i:]))
	}
	a, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(a, uint16(port)), nil
}
