// Command client looks names up with Go's own resolver, pointed at the
// classroom's DNS server instead of the one /etc/resolv.conf names: the
// counterparts of socket.gethostbyname and socket.gethostbyname_ex, working
// with no internet. Start the server first:
//
//	go run ./snippets/class16/dns/server
//	go run ./snippets/class16/dns/client
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"
)

// server is the address of the classroom's DNS server.
const server = "127.0.0.1:50053"

// resolver is Go's DNS client (PreferGo: not the C library's), and Dial sends
// its questions to our server, whatever server address it asks for.
var resolver = &net.Resolver{
	PreferGo: true,
	Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", server)
	},
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// The names end in a dot: they are fully qualified, so the resolver asks
	// for them as they are, without trying the search domains of
	// /etc/resolv.conf first.
	for i, host := range []string{"www.classroom.test.", "web.classroom.test.", "nothere.classroom.test."} {
		if i > 0 {
			fmt.Println()
		}
		fmt.Println(host)
		if err := lookup(ctx, host); err != nil {
			fmt.Println("  error:", describe(err))
		}
	}
}

// lookup prints what the resolver knows about host.
func lookup(ctx context.Context, host string) error {
	// gethostbyname gave one IPv4 address: LookupIP with "ip4" asks the A
	// question only.
	ips, err := resolver.LookupIP(ctx, "ip4", host)
	if err != nil {
		return err
	}
	fmt.Println("  LookupIP(ip4):", ips[0])

	// gethostbyname_ex gave the canonical name, the aliases and every
	// address. LookupCNAME follows CNAME records to the canonical name;
	// LookupHost asks the A and AAAA questions, both at once.
	cname, err := resolver.LookupCNAME(ctx, host)
	if err != nil {
		return err
	}
	fmt.Println("  LookupCNAME:  ", cname)
	addrs, err := resolver.LookupHost(ctx, host)
	if err != nil {
		return err
	}
	// The resolver orders the addresses by the rules of RFC 6724, which
	// depend on this machine's own addresses: sort them, IPv4 first.
	slices.SortFunc(addrs, func(a, b string) int {
		return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b))
	})
	fmt.Println("  LookupHost:   ", addrs)

	aliases := []string{} // a name that is not its canonical name is an alias
	if cname != host {
		aliases = append(aliases, host)
	}
	fmt.Printf("  canonical name %s, aliases %v, addresses %v\n", cname, aliases, addrs)
	return nil
}

// describe says what a lookup error means. A *net.DNSError also names the
// server from /etc/resolv.conf, which Dial above never called: leave it out.
func describe(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Sprintf("lookup %s: %s (IsNotFound: %t)", dnsErr.Name, dnsErr.Err, dnsErr.IsNotFound)
	}
	return err.Error()
}
