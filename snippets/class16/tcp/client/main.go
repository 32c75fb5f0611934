// Command client connects to the TCP echo server, sends two lines and prints
// the replies. Start the server first:
//
//	go run ./snippets/class16/tcp/server
//	go run ./snippets/class16/tcp/client
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
)

func main() {
	log.SetFlags(0) // print errors without a timestamp

	// socket + connect. With no server listening, Dial fails at once with
	// "connection refused".
	conn, err := net.Dial("tcp", "127.0.0.1:50007")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	replies := bufio.NewScanner(conn)
	for _, msg := range []string{"hello, server", "how are you?"} {
		if _, err := fmt.Fprintln(conn, msg); err != nil {
			log.Fatal(err)
		}
		if !replies.Scan() {
			log.Fatalf("no reply: %v", replies.Err())
		}
		fmt.Printf("sent %q, received %q\n", msg, replies.Text())
	}
}
