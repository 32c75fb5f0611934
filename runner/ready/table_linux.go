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
	socks, err := procSockets(network)
	var addrs []netip.AddrPort
	for _, s := range socks {
		addrs = append(addrs, s.addr)
	}
	return addrs, err
}

// procSocket is a line of /proc/net/tcp or udp: a socket's local address and its inode.
type procSocket struct {
	addr  netip.AddrPort
	inode string
}

func procSockets(network string) ([]procSocket, error) {
	var all []procSocket
	for _, suffix := range []string{"", "6"} {
		socks, err := scan(procNet+"/"+network+suffix, network)
		if err != nil {
			return nil, err
		}
		all = append(all, socks...)
	}
	return all, nil
}

func scan(path, network string) ([]procSocket, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(path, "6") {
		return nil, nil // no IPv6 here
	}
	if err != nil {
		return nil, fmt.Errorf("read socket table: %w", err)
	}
	defer f.Close()
	var socks []procSocket
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || network == "tcp" && fields[3] != tcpListen {
			continue
		}
		local, err := parseAddr(fields[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		socks = append(socks, procSocket{local, fields[9]})
	}
	return socks, sc.Err()
}

// owner names the process that holds a socket bound at addr, "name (pid N)", found among the user's own
// processes by the socket's inode in their descriptors (/proc/PID/fd), or says nothing.
func owner(network string, addr netip.AddrPort) string {
	socks, _ := procSockets(network)
	links := map[string]bool{}
	for _, s := range socks {
		if matches(s.addr, addr) {
			links["socket:["+s.inode+"]"] = true
		}
	}
	if len(links) == 0 {
		return ""
	}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		fds, _ := os.ReadDir("/proc/" + p.Name() + "/fd")
		for _, fd := range fds {
			if link, _ := os.Readlink("/proc/" + p.Name() + "/fd/" + fd.Name()); links[link] {
				comm, _ := os.ReadFile("/proc/" + p.Name() + "/comm")
				return fmt.Sprintf("%s (pid %s)", strings.TrimSpace(string(comm)), p.Name())
			}
		}
	}
	return ""
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
