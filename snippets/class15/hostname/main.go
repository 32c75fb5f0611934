// Command hostname prints this machine's host name and the addresses it
// resolves to: Go's counterpart of socket.gethostname and
// socket.gethostbyname.
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
)

func main() {
	name, err := os.Hostname()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostname:", err)
		os.Exit(1)
	}
	fmt.Println("host name:", name)

	// LookupHost asks the system's resolver, which reads /etc/hosts before
	// it asks DNS, so a machine can usually resolve its own name offline.
	addrs, err := net.LookupHost(name)
	if err != nil {
		fmt.Println("addresses:", err)
		return
	}
	fmt.Println("addresses:", strings.Join(addrs, ", "))
}
