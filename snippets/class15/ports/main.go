// Command ports finds the well-known port of each URL's scheme, as
// socket.getservbyname did in the Python notes.
package main

import (
	"fmt"
	"net"
	"net/url"
)

func main() {
	urls := []string{
		"http://www.python.org",
		"https://www.python.org",
		"ftp://prep.ai.mit.edu",
		"gopher://gopher.micro.umn.edu",
		"smtp://mail.example.com",
		"imap://mail.example.com",
		"pop3://pop.example.com",
	}
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			fmt.Println(raw, err)
			continue
		}
		// LookupPort reads the system's service database (/etc/services) and
		// falls back to a small table built into Go.
		port, err := net.LookupPort("tcp", u.Scheme)
		if err != nil {
			fmt.Println(u.Scheme, err)
			continue
		}
		fmt.Println(u.Scheme, port)
	}
}
