// Command client sends datagrams to the UDP server and prints its answers.
// Start the server first:
//
//	go run ./snippets/class16/udp/server
//	go run ./snippets/class16/udp/client
package main

import (
	"fmt"
	"log"
	"net"
	"time"
)

func main() {
	// Dial on "udp" sends nothing: it only fixes where Write sends to, so
	// that Read takes replies from that address alone.
	conn, err := net.Dial("udp", "127.0.0.1:50008")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	buf := make([]byte, 1024)
	for _, msg := range []string{"ping", "a longer datagram"} {
		if _, err := conn.Write([]byte(msg)); err != nil {
			log.Fatal(err)
		}
		// UDP may lose a datagram, and nothing would tell us: never wait
		// for a reply forever.
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("sent %q, received %q\n", msg, buf[:n])
	}
}
