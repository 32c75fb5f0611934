// Command server is a TCP echo server: it accepts one client at a time, says
// who connected, and sends back every line the client sends, in capitals.
//
// Run it, then the client in another terminal:
//
//	go run ./snippets/class16/tcp/server
//	go run ./snippets/class16/tcp/client
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"strings"
)

// addr is where the server listens: the loopback interface, port 50007.
const addr = "127.0.0.1:50007"

func main() {
	// socket + bind + listen in one call.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())

	// A server waits forever for the next client.
	for {
		conn, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		serve(conn)
	}
}

// serve talks to one client until it closes the connection.
func serve(conn net.Conn) {
	defer conn.Close()
	fmt.Println("Connected by", conn.RemoteAddr())
	lines := bufio.NewScanner(conn)
	for lines.Scan() {
		fmt.Printf("received %q\n", lines.Text())
		reply := strings.ToUpper(lines.Text())
		if _, err := fmt.Fprintln(conn, reply); err != nil {
			fmt.Println("send:", err)
			return
		}
		fmt.Printf("sent     %q\n", reply)
	}
	if err := lines.Err(); err != nil {
		fmt.Println("receive:", err)
	}
	fmt.Println("connection closed")
}
