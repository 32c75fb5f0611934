// Command lookup resolves the host names from the Python notes, printing one
// address (like socket.gethostbyname) and then the canonical name and every
// address (like socket.gethostbyname_ex). Host names are green, errors red.
package main

import (
	"fmt"
	"net"
)

// ANSI escape codes colour the terminal's text; a notebook shows them too.
const (
	red   = "\033[91m"
	green = "\033[92m"
	reset = "\033[0m"
)

func main() {
	hosts := []string{"home", "www.python.org", "www.pes.edu", "www.google.com", "www", "localhost"}
	for _, host := range hosts {
		fmt.Println(green + host + reset)

		// LookupHost returns every address, IPv4 and IPv6; the first is what
		// gethostbyname would have given.
		addrs, err := net.LookupHost(host)
		if err != nil {
			// The error says which name failed and which resolver was asked:
			// "lookup www on 10.0.0.53:53: no such host".
			fmt.Printf("%s%v%s\n\n", red, err, reset)
			continue
		}
		fmt.Printf("net.LookupHost(%q)[0]: %s\n", host, addrs[0])

		// The canonical name is where any CNAME records lead.
		cname, err := net.LookupCNAME(host)
		if err != nil {
			fmt.Printf("%s%v%s\n\n", red, err, reset)
			continue
		}
		fmt.Printf("canonical name: %s, addresses: %v\n\n", cname, addrs)
	}
}
