//go:build windows

package ready

import (
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	iphlpapi            = windows.NewLazySystemDLL("iphlpapi.dll")
	getExtendedTcpTable = iphlpapi.NewProc("GetExtendedTcpTable")
	getExtendedUdpTable = iphlpapi.NewProc("GetExtendedUdpTable")
)

const (
	tcpTableOwnerPIDListener = 3 // TCP_TABLE_OWNER_PID_LISTENER: listening sockets only
	udpTableOwnerPID         = 1 // UDP_TABLE_OWNER_PID
)

// sockets returns the local addresses of the listening TCP sockets ("tcp") or of the UDP sockets ("udp"), IPv4
// and IPv6, from iphlpapi's GetExtendedTcpTable and GetExtendedUdpTable.
func sockets(network string) ([]netip.AddrPort, error) {
	socks, err := ownedSockets(network)
	var addrs []netip.AddrPort
	for _, s := range socks {
		addrs = append(addrs, s.addr)
	}
	return addrs, err
}

// owner names the process that owns a socket bound at addr, by its pid, or says nothing.
func owner(network string, addr netip.AddrPort) string {
	socks, _ := ownedSockets(network)
	for _, s := range socks {
		if matches(s.addr, addr) {
			return fmt.Sprintf("process %d", s.pid)
		}
	}
	return ""
}

// ownedSockets returns the listening TCP sockets ("tcp") or the UDP sockets ("udp"), IPv4 and IPv6, with their
// owners.
func ownedSockets(network string) ([]socket, error) {
	proc, class, l4, l6 := getExtendedTcpTable, uintptr(tcpTableOwnerPIDListener), tcp4Rows, tcp6Rows
	if network == "udp" {
		proc, class, l4, l6 = getExtendedUdpTable, udpTableOwnerPID, udp4Rows, udp6Rows
	}
	var all []socket
	for _, f := range []struct {
		af     uintptr
		layout rowLayout
	}{{windows.AF_INET, l4}, {windows.AF_INET6, l6}} {
		b, err := table(proc, f.af, class)
		if err != nil {
			return nil, fmt.Errorf("read socket table: %w", err)
		}
		socks, err := parseTable(b, f.layout)
		if err != nil {
			return nil, fmt.Errorf("read socket table: %w", err)
		}
		all = append(all, socks...)
	}
	return all, nil
}

// table calls proc (GetExtendedTcpTable or GetExtendedUdpTable: table, size, order, address family, class,
// reserved) with a buffer as large as it asks for, again while the table grows.
func table(proc *windows.LazyProc, af, class uintptr) ([]byte, error) {
	size := uint32(4 << 10)
	for {
		b := make([]byte, size)
		r, _, _ := proc.Call(uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&size)), 0, af, class, 0)
		switch windows.Errno(r) {
		case windows.ERROR_SUCCESS:
			return b[:min(int(size), len(b))], nil
		case windows.ERROR_INSUFFICIENT_BUFFER:
			continue // size now says how much it needs
		default:
			return nil, fmt.Errorf("%s: %w", proc.Name, windows.Errno(r))
		}
	}
}
