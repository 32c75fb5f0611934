// Command server is a small DNS server for a zone of its own, classroom.test.
// The top-level domain .test is reserved for testing (RFC 6761), so these
// names mean nothing anywhere else. It answers A, AAAA and CNAME questions
// over UDP, one datagram in, one datagram out, and prints each question and
// its answer.
//
//	go run ./snippets/class16/dns/server
//	go run ./snippets/class16/dns/client
package main

import (
	"fmt"
	"log"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// addr is where the server listens. Real DNS servers use port 53; a port
// above 1023 needs no privileges.
const addr = "127.0.0.1:50053"

var (
	www = dnsmessage.MustNewName("www.classroom.test.")
	web = dnsmessage.MustNewName("web.classroom.test.")
)

// zone holds the server's records. www is an alias (a CNAME record) of web,
// the canonical name, which has an IPv4 and an IPv6 address, both from the
// ranges reserved for documentation.
var zone = []dnsmessage.Resource{
	record(www, dnsmessage.TypeCNAME, &dnsmessage.CNAMEResource{CNAME: web}),
	record(web, dnsmessage.TypeA, &dnsmessage.AResource{A: netip.MustParseAddr("192.0.2.10").As4()}),
	record(web, dnsmessage.TypeAAAA, &dnsmessage.AAAAResource{AAAA: netip.MustParseAddr("2001:db8::10").As16()}),
}

// record makes a resource record of the zone, valid for 300 seconds.
func record(name dnsmessage.Name, typ dnsmessage.Type, body dnsmessage.ResourceBody) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: name, Type: typ, Class: dnsmessage.ClassINET, TTL: 300},
		Body:   body,
	}
}

func main() {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		log.Fatal(err)
	}
	defer pc.Close()
	fmt.Println("listening on", pc.LocalAddr())

	buf := make([]byte, 64*1024)
	for {
		n, from, err := pc.ReadFrom(buf) // one datagram: one question
		if err != nil {
			log.Fatal(err)
		}
		reply, err := serve(buf[:n])
		if err != nil {
			fmt.Println("bad query:", err) // not DNS: no answer
			continue
		}
		if _, err := pc.WriteTo(reply, from); err != nil { // one datagram: the answer
			fmt.Println("send:", err)
		}
	}
}

// serve parses a query, prints its question and what the zone answers, and
// returns the reply datagram.
func serve(query []byte) ([]byte, error) {
	var m dnsmessage.Message
	if err := m.Unpack(query); err != nil {
		return nil, err
	}
	if m.Header.Response || len(m.Questions) != 1 {
		return nil, fmt.Errorf("want one question, got %d", len(m.Questions))
	}
	q := m.Questions[0]
	rcode, answers := answer(q)
	fmt.Printf("question: %-30s answer: %s\n", q.Name.String()+" "+typeName(q.Type), describe(rcode, answers))

	reply := dnsmessage.Message{
		Header: dnsmessage.Header{
			ID:               m.Header.ID, // the client matches the answer to its question by ID
			Response:         true,
			Authoritative:    true, // this server owns the zone: its answer is the last word
			RecursionDesired: m.Header.RecursionDesired,
			RCode:            rcode,
		},
		Questions: m.Questions, // the answer repeats the question
		Answers:   answers,
	}
	return reply.Pack()
}

// answer looks the question up in the zone. A name that has a CNAME record is
// an alias: a server answers a question about it with the CNAME record, then
// the records of the canonical name. A name the zone does not know gets
// NXDOMAIN: no such name.
func answer(q dnsmessage.Question) (dnsmessage.RCode, []dnsmessage.Resource) {
	var answers []dnsmessage.Resource
	name := q.Name
	for {
		records := lookup(name)
		if len(records) == 0 {
			return dnsmessage.RCodeNameError, nil
		}
		if cname, ok := records[0].Body.(*dnsmessage.CNAMEResource); ok && q.Type != dnsmessage.TypeCNAME {
			answers = append(answers, records[0]) // an alias has no other records
			name = cname.CNAME
			continue
		}
		for _, rr := range records {
			if rr.Header.Type == q.Type {
				answers = append(answers, rr)
			}
		}
		return dnsmessage.RCodeSuccess, answers // no answer at all: the name exists, without that type
	}
}

// lookup returns the zone's records for name. DNS names ignore case.
func lookup(name dnsmessage.Name) []dnsmessage.Resource {
	var records []dnsmessage.Resource
	for _, rr := range zone {
		if strings.EqualFold(rr.Header.Name.String(), name.String()) {
			records = append(records, rr)
		}
	}
	return records
}

// describe says what an answer holds: its records' types and data, in order.
// After a CNAME record, the next records are the canonical name's.
func describe(rcode dnsmessage.RCode, answers []dnsmessage.Resource) string {
	switch {
	case rcode == dnsmessage.RCodeNameError:
		return "NXDOMAIN (no such name)"
	case len(answers) == 0:
		return "no record of that type"
	}
	var parts []string
	for _, rr := range answers {
		parts = append(parts, typeName(rr.Header.Type)+" "+value(rr.Body))
	}
	return strings.Join(parts, ", ")
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
