package ready

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
)

func TestParseAddr(t *testing.T) {
	tests := map[string]string{
		"0100007F:1F90":                         "127.0.0.1:8080",
		"00000000:0035":                         "0.0.0.0:53",
		"00000000000000000000000001000000:0016": "[::1]:22",
		"0000000000000000FFFF00000100007F:01BB": "[::ffff:127.0.0.1]:443",
	}
	for in, want := range tests {
		got, err := parseAddr(in)
		if err != nil || got.String() != want {
			t.Errorf("parseAddr(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseAddr("zz:1"); err == nil {
		t.Errorf("parseAddr accepted a malformed address")
	}
}

// TestOwner: the socket this test listens on is named as this process's; a free port as no one's.
func TestOwner(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort(ln.Addr().String())
	want := fmt.Sprintf("(pid %d)", os.Getpid())
	if got := Owner("tcp", addr); !strings.HasSuffix(got, want) {
		t.Errorf("Owner(tcp, %v) = %q, want one ending in %q", addr, got, want)
	}
	ln.Close()
	if got := Owner("tcp", addr); got != "" {
		t.Errorf("Owner(tcp, %v) of a closed socket = %q, want nothing", addr, got)
	}
}
