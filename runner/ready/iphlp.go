package ready

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// What Windows's GetExtendedTcpTable (TCP_TABLE_OWNER_PID_LISTENER) and GetExtendedUdpTable (UDP_TABLE_OWNER_PID)
// write, as iphlpapi's headers lay it out: a DWORD count, then the rows, each of DWORDs (addresses and ports in
// network byte order, a port in the low 16 bits of its DWORD) or, for IPv6, a 16-byte address among them.
//
//	MIB_TCPROW_OWNER_PID   state, local addr, local port, remote addr, remote port, pid           24 bytes
//	MIB_TCP6ROW_OWNER_PID  local addr[16], scope, local port, remote addr[16], scope, port, state, pid 56 bytes
//	MIB_UDPROW_OWNER_PID   local addr, local port, pid                                           12 bytes
//	MIB_UDP6ROW_OWNER_PID  local addr[16], scope, local port, pid                                28 bytes
//
// The tables are parsed here, on every system, so that the tests check the parsing wherever they run.

// rowLayout is where a row of a table holds its local address, port and owning process, and how long it is.
type rowLayout struct{ size, addr, addrLen, port, pid int }

var (
	tcp4Rows = rowLayout{size: 24, addr: 4, addrLen: 4, port: 8, pid: 20}
	tcp6Rows = rowLayout{size: 56, addr: 0, addrLen: 16, port: 20, pid: 52}
	udp4Rows = rowLayout{size: 12, addr: 0, addrLen: 4, port: 4, pid: 8}
	udp6Rows = rowLayout{size: 28, addr: 0, addrLen: 16, port: 20, pid: 24}
)

// socket is a row of a table: a socket's local address and the process that owns it.
type socket struct {
	addr netip.AddrPort
	pid  uint32
}

var errShortTable = errors.New("socket table shorter than its count of rows")

// parseTable returns the sockets of the rows of table b, laid out as l says.
func parseTable(b []byte, l rowLayout) ([]socket, error) {
	if len(b) < 4 {
		return nil, errShortTable
	}
	n := int(binary.NativeEndian.Uint32(b))
	b = b[4:]
	if n < 0 || n > len(b)/l.size {
		return nil, errShortTable
	}
	socks := make([]socket, 0, n)
	for i := range n {
		row := b[i*l.size : (i+1)*l.size]
		ip, _ := netip.AddrFromSlice(row[l.addr : l.addr+l.addrLen])
		port := binary.BigEndian.Uint16(row[l.port:]) // the low 16 bits of the DWORD, in network byte order
		socks = append(socks, socket{netip.AddrPortFrom(ip, port), binary.NativeEndian.Uint32(row[l.pid:])})
	}
	return socks, nil
}
