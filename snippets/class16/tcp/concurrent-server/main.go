// Command concurrent-server serves many TCP clients at once: each accepted
// connection gets its own goroutine, so a slow client does not hold up the
// others.
//
//	go run ./snippets/class16/tcp/concurrent-server
//	go run ./snippets/class16/tcp/many-clients
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"strings"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:50009")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(conn) // the loop is back at Accept at once
	}
}

// serve answers the client's one line and closes the connection.
func serve(conn net.Conn) {
	defer conn.Close()
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		fmt.Println("receive:", err)
		return
	}
	name := strings.TrimSpace(line)
	fmt.Printf("served %s\n", name)
	fmt.Fprintf(conn, "hello, %s\n", name)
}
