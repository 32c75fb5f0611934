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

// tcpListen is the state of a listening TCP socket in /proc/net/tcp.
const tcpListen = "0A"

// sockets returns the local addresses of the listening TCP sockets ("tcp") or of the UDP sockets ("udp"), as
// /proc/net/tcp, tcp6, udp and udp6 list them.
func sockets(network string) ([]netip.AddrPort, error) {
	var all []netip.AddrPort
	for _, suffix := range []string{"", "6"} {
		addrs, err := scan(procNet+"/"+network+suffix, network)
		if err != nil {
			return nil, err
		}
		all = append(all, addrs...)
	}
	return all, nil
}

func scan(path, network string) ([]netip.AddrPort, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(path, "6") {
		return nil, nil // no IPv6 here
	}
	if err != nil {
		return nil, fmt.Errorf("read socket table: %w", err)
	}
	defer f.Close()
	var addrs []netip.AddrPort
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || network == "tcp" && fields[3] != tcpListen {
			continue
		}
		local, err := parseAddr(fields[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		addrs = append(addrs, local)
	}
	return addrs, sc.Err()
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
