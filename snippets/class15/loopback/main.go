// Command loopback plays both parts in one program: a server listens on a
// port the kernel picks, and a client connects to it over the loopback
// interface. Each step is named after the socket call it stands for.
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
)

func main() {
	// socket + bind + listen. Port 0 asks the kernel for any free port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	fmt.Println("server: listening on", ln.Addr())

	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept() // accept: wait for a client
		if err != nil {
			log.Fatal(err)
		}
		defer conn.Close()
		line, err := bufio.NewReader(conn).ReadString('\n') // recv
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("server: received %q\n", line)
		fmt.Fprintf(conn, "echo: %s", line) // send
	}()

	conn, err := net.Dial("tcp", ln.Addr().String()) // socket + connect
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println("client: connected from", conn.LocalAddr(), "to", conn.RemoteAddr())
	fmt.Fprintln(conn, "hello")
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("client: received %q\n", reply)
	<-done
}
