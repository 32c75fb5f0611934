// Command server is a UDP server: it answers every datagram it receives with
// the datagram's length. There is no connection: each datagram carries the
// sender's address, and the reply goes back to it.
//
//	go run ./snippets/class16/udp/server
//	go run ./snippets/class16/udp/client
package main

import (
	"fmt"
	"log"
	"net"
)

func main() {
	// socket + bind: a datagram socket only needs an address.
	pc, err := net.ListenPacket("udp", "127.0.0.1:50008")
	if err != nil {
		log.Fatal(err)
	}
	defer pc.Close()
	fmt.Println("listening on", pc.LocalAddr())

	buf := make([]byte, 64*1024) // the largest UDP payload fits
	for {
		n, from, err := pc.ReadFrom(buf) // recvfrom
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("received %q from %v\n", buf[:n], from)
		reply := fmt.Sprintf("%d bytes", n)
		if _, err := pc.WriteTo([]byte(reply), from); err != nil { // sendto
			fmt.Println("send:", err)
			continue
		}
		fmt.Printf("sent     %q\n", reply)
	}
}
