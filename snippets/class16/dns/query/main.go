// Command query asks the classroom's DNS server one question by hand: it
// builds the query with dnsmessage.Builder, sends it as one UDP datagram and
// reads the answer, also one datagram. Start the server first:
//
//	go run ./snippets/class16/dns/server
//	go run ./snippets/class16/dns/query
package main

import (
	"encoding/hex"
	"fmt"
	"log"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func main() {
	log.SetFlags(0)

	// The query: a 12-byte header (an ID of our choosing, flags, and how
	// many records each section holds), then the question.
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: 1, RecursionDesired: true})
	if err := b.StartQuestions(); err != nil {
		log.Fatal(err)
	}
	q := dnsmessage.Question{Name: dnsmessage.MustNewName("www.classroom.test."), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET}
	if err := b.Question(q); err != nil {
		log.Fatal(err)
	}
	query, err := b.Finish()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("query: %d bytes, the question %s %s\n", len(query), q.Name, typeName(q.Type))
	fmt.Print(hex.Dump(query))

	conn, err := net.Dial("udp", "127.0.0.1:50053")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(query); err != nil { // one Write: one datagram
		log.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512) // without EDNS, a DNS answer over UDP fits in 512 bytes
	n, err := conn.Read(buf) // one Read: the whole answer
	if err != nil {
		log.Fatal(err)
	}

	var p dnsmessage.Parser
	h, err := p.Start(buf[:n])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nreply: %d bytes\n", n)
	fmt.Printf("header: id %d, response %t, authoritative %t, rcode %v\n", h.ID, h.Response, h.Authoritative, h.RCode)
	if err := p.SkipAllQuestions(); err != nil { // the reply repeats the question
		log.Fatal(err)
	}
	answers, err := p.AllAnswers()
	if err != nil {
		log.Fatal(err)
	}
	for _, rr := range answers {
		fmt.Printf("answer: %s %d %s %s\n", rr.Header.Name, rr.Header.TTL, typeName(rr.Header.Type), value(rr.Body))
	}
}

// typeName is a record type's name as DNS writes it: A, AAAA, CNAME.
func typeName(t dnsmessage.Type) string {
	return strings.TrimPrefix(t.String(), "Type")
}

// value is a record's data: an address or a name.
func value(body dnsmessage.ResourceBody) string {
	switch b := body.(type) {
	case *dnsmessage.AResource:
		return netip.AddrFrom4(b.A).String()
	case *dnsmessage.AAAAResource:
		return netip.AddrFrom16(b.AAAA).String()
	case *dnsmessage.CNAMEResource:
		return b.CNAME.String()
	}
	return body.GoString()
}
