package ready

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"regexp"
	"testing"
	"time"

	"classnotes/runner/lesson"
	"classnotes/runner/run"
)

// TestBound looks for real sockets on loopback, by their bound address, for both networks.
func TestBound(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tcpAddr := netip.MustParseAddrPort(ln.Addr().String())
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	udpAddr := netip.MustParseAddrPort(pc.LocalAddr().String())
	wild, err := net.Listen("tcp", ":0") // dual stack on ::
	if err != nil {
		t.Fatal(err)
	}
	wildPort := uint16(wild.Addr().(*net.TCPAddr).Port)

	check := func(network string, addr netip.AddrPort, want bool) {
		t.Helper()
		if got, err := Bound(network, addr); err != nil || got != want {
			t.Errorf("Bound(%s, %v) = %v, %v; want %v", network, addr, got, err, want)
		}
	}
	check("tcp", tcpAddr, true)
	check("udp", udpAddr, true)
	check("udp", tcpAddr, tcpAddr == udpAddr)
	check("tcp", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.2"), tcpAddr.Port()), false)
	check("tcp", netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), wildPort), true)
	ln.Close()
	pc.Close()
	wild.Close()
	check("tcp", tcpAddr, false)
	check("udp", udpAddr, false)
}

func TestWait(t *testing.T) {
	start := func(script string) *run.Process {
		p, err := run.Start(context.Background(), "/bin/sh", []string{"-c", script}, run.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Stop(time.Second) })
		return p
	}
	out := &lesson.Probe{Kind: "out", Pattern: regexp.MustCompile(`listening on \d+`)}
	if err := Wait(context.Background(), start("sleep 0.1; echo 'listening on 42'; sleep 300"), out, 5*time.Second); err != nil {
		t.Errorf("ready by output: %v", err)
	}
	if err := Wait(context.Background(), start("echo 'starting'; exit 1"), out, 5*time.Second); !errors.Is(err, ErrExited) {
		t.Errorf("exited: err = %v, want ErrExited", err)
	}
	if err := Wait(context.Background(), start("echo 'starting'; sleep 300"), out, 200*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Errorf("never ready: err = %v, want ErrTimeout", err)
	}
}
