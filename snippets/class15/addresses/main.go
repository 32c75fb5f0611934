// Command addresses parses addresses the way a Go program meets them: as
// host:port strings to split, and as IP addresses that are IPv4 or IPv6,
// loopback, private or public.
package main

import (
	"fmt"
	"net"
	"net/netip"
)

func main() {
	// An address for Dial or Listen is "host:port"; IPv6 hosts go in brackets
	// so their colons do not mix with the port's.
	for _, hostport := range []string{"127.0.0.1:8080", "[::1]:443", "localhost:http", "www.python.org"} {
		host, port, err := net.SplitHostPort(hostport)
		if err != nil {
			fmt.Printf("%-16s %v\n", hostport, err)
			continue
		}
		fmt.Printf("%-16s host %q, port %q\n", hostport, host, port)
	}
	fmt.Println()

	// netip.Addr is a small comparable value: one type for both families.
	for _, s := range []string{"127.0.0.1", "192.168.1.10", "151.101.156.223", "::1", "2001:db8::1", "256.1.1.1"} {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			fmt.Printf("%-16s %v\n", s, err)
			continue
		}
		family := "IPv4"
		if ip.Is6() {
			family = "IPv6"
		}
		fmt.Printf("%-16s %s, %3d bits, loopback %-5t private %t\n", s, family, ip.BitLen(), ip.IsLoopback(), ip.IsPrivate())
	}
}
