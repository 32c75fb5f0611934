package ready

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// A macOS netstat -an -p tcp, and -p udp, with the sockets a lesson's servers make, after sockets whose local
// address does not parse: an IPv6 address that netstat without -W cut short, an unbound UDP socket (*.*).
const netstatTCP = `Active Internet connections (including servers)
Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
tcp6       0      0  2001:db8:85a3:8d.51234 *.*                    LISTEN
tcp4       0      0  127.0.0.1.50000        127.0.0.1.61234        ESTABLISHED
tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN
tcp46      0      0  *.9090                 *.*                    LISTEN
tcp6       0      0  ::1.7070               *.*                    LISTEN
tcp6       0      0  fe80::1%lo0.6060       *.*                    LISTEN
tcp4       0      0  *.5050                 *.*                    LISTEN
`

const netstatUDP = `Active Internet connections (including servers)
Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
udp4       0      0  *.*                    *.*
udp6       0      0  2001:db8:85a3:8d.51234 *.*
udp4       0      0  127.0.0.1              *.*
udp4       0      0  127.0.0.1.50053        *.*
udp46      0      0  *.5353                 *.*
udp6       0      0  ::1.4040               *.*
`

func TestParseNetstat(t *testing.T) {
	for _, tt := range []struct {
		network, text string
		want          []string
	}{
		{"tcp", netstatTCP, []string{"127.0.0.1:8080", "[::]:9090", "[::1]:7070", "[fe80::1]:6060", "0.0.0.0:5050"}},
		{"udp", netstatUDP, []string{"127.0.0.1:50053", "[::]:5353", "[::1]:4040"}},
		{"tcp", netstatUDP, nil},
	} {
		addrs, err := parseNetstat(tt.text, tt.network)
		var got []string
		for _, a := range addrs {
			got = append(got, a.String())
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("parseNetstat(%s) = %q, %v; want %q", tt.network, got, err, tt.want)
		}
	}
	if addrs, err := parseNetstat("tcp4 0 0 127.0.0.1:8080 *.* LISTEN\n", "tcp"); err != nil || len(addrs) != 0 {
		t.Errorf("parseNetstat of a local address without a dot before its port = %v, %v; want it skipped", addrs, err)
	}
}

// TestNetstatArgs: netstat is asked for wide output (-W) where -W means that, so that no address is cut short.
func TestNetstatArgs(t *testing.T) {
	for _, tt := range []struct{ goos, want string }{
		{"darwin", "-anW -p tcp"}, {"freebsd", "-anW -p tcp"}, {"openbsd", "-an -p tcp"}, {"netbsd", "-an -p tcp"},
	} {
		if got := strings.Join(netstatArgs(tt.goos, "tcp"), " "); got != tt.want {
			t.Errorf("netstatArgs(%s, tcp) = %s, want %s", tt.goos, got, tt.want)
		}
	}
}

// TestParseTable builds tables as Windows's GetExtendedTcpTable and GetExtendedUdpTable write them and reads
// them back.
func TestParseTable(t *testing.T) {
	row := func(l rowLayout, addr netip.AddrPort) []byte {
		b := make([]byte, l.size)
		for i := range b {
			b[i] = 0xEE // what the other fields hold must not show
		}
		copy(b[l.addr:], addr.Addr().AsSlice())
		binary.NativeEndian.PutUint32(b[l.port:], 0)
		binary.BigEndian.PutUint16(b[l.port:], addr.Port())
		binary.NativeEndian.PutUint32(b[l.pid:], 4242)
		return b
	}
	table := func(l rowLayout, addrs ...string) []byte {
		b := binary.NativeEndian.AppendUint32(nil, uint32(len(addrs)))
		for _, a := range addrs {
			b = append(b, row(l, netip.MustParseAddrPort(a))...)
		}
		return b
	}
	for _, tt := range []struct {
		l     rowLayout
		addrs []string
	}{
		{tcp4Rows, []string{"127.0.0.1:8080", "0.0.0.0:53"}},
		{tcp6Rows, []string{"[::1]:8080", "[::]:443"}},
		{udp4Rows, []string{"127.0.0.1:50053"}},
		{udp6Rows, []string{"[::]:5353", "[fe80::1]:9"}},
	} {
		socks, err := parseTable(table(tt.l, tt.addrs...), tt.l)
		var got []netip.AddrPort
		for _, s := range socks {
			got = append(got, s.addr)
			if s.pid != 4242 {
				t.Errorf("parseTable(%+v): %v owned by %d, want 4242", tt.l, s.addr, s.pid)
			}
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.addrs) {
			t.Errorf("parseTable(%+v) = %v, %v; want %v", tt.l, got, err, tt.addrs)
		}
	}
	short := table(tcp4Rows, "127.0.0.1:1", "127.0.0.1:2")
	if _, err := parseTable(short[:len(short)-1], tcp4Rows); err == nil {
		t.Errorf("parseTable accepted a table shorter than its count")
	}
}
