// Command shout is an exercise: send one line to the TCP echo server of
// In [2] and print the server's answer. Start the server first:
//
//	go run ./snippets/class16/tcp/server
//	go run ./snippets/class16/tcp/shout
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
)

func main() {
	log.SetFlags(0) // print errors without a timestamp

	conn, err := net.Dial("tcp", "127.0.0.1:50007")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println("connected to", conn.RemoteAddr())

	replies := bufio.NewScanner(conn)
	// BEGIN SOLUTION
	if _, err := fmt.Fprintln(conn, "is anybody there?"); err != nil {
		log.Fatal(err)
	}
	if !replies.Scan() {
		log.Fatalf("no reply: %v", replies.Err())
	}
	fmt.Println("the server says", replies.Text())
	// END SOLUTION
	// BEGIN STARTER
	// // Send the line "is anybody there?" to the server (fmt.Fprintln writes
	// // to conn), read its answer (replies.Scan, then replies.Text) and print
	// // "the server says" and the answer.
	// _ = replies
	// END STARTER
}
