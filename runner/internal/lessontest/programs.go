package lessontest

// The programs that the tests of several packages run in their lessons' cells: servers and the clients that
// talk to them. Each is a fmt.Sprintf format whose one %d is the port (a literal percent sign is %%), so that
// the tests of the runner, the engine and the server run the same programs and a change to one is made once.

// EchoServer is a server cell's program like the lesson's teaching servers: it listens on the loopback TCP
// port its %d stands for, prints "pid N", and for each connection prints "Connected by a client" and the line
// it received (quoted), sends that line back and closes the connection. It exits 1 when it cannot listen.
const EchoServer = `package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:%d")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("pid", os.Getpid())
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Println("Connected by a client")
		line, _ := bufio.NewReader(conn).ReadString('\n')
		fmt.Printf("received %%q\n", line)
		fmt.Fprint(conn, line)
		conn.Close()
	}
}`

// WelcomeServer is a server cell's program that listens on the loopback TCP port its %d stands for and, for each
// connection, prints "Connected by a client" and sends "welcome". It panics when it cannot listen.
const WelcomeServer = `package main

import (
	"fmt"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Println("Connected by a client")
		fmt.Fprintln(conn, "welcome")
		conn.Close()
	}
}`

// GreetingServer is a server cell's program that listens on the loopback TCP port its %d stands for, prints
// "listening", and sends each client "hello from the server", then prints "served client N". It panics when it
// cannot listen or accept.
const GreetingServer = `package main

import (
	"fmt"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	fmt.Println("listening")
	for n := 1; ; n++ {
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		fmt.Fprintln(c, "hello from the server")
		c.Close()
		fmt.Println("served client", n)
	}
}`

// NumberingServer is a server cell's program that listens on the loopback TCP port its %d stands for, prints
// "listening", and for the Nth connection prints "client N" and sends "you are client N". It panics when it
// cannot listen.
const NumberingServer = `package main

import (
	"fmt"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	fmt.Println("listening")
	for n := 1; ; n++ {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Println("client", n)
		fmt.Fprintf(conn, "you are client %%d\n", n)
		conn.Close()
	}
}`

// CountingServer is a server cell's program that listens on the loopback TCP port its %d stands for and sends
// the Nth connection "you are client N", printing nothing. It panics when it cannot listen.
const CountingServer = `package main

import (
	"fmt"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	for n := 1; ; n++ {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Fprintf(conn, "you are client %%d\n", n)
		conn.Close()
	}
}`

// PIDServer is a server cell's program that listens on the loopback TCP port its %d stands for, prints
// "pid N" with its process id, and closes each connection it accepts. It panics when it cannot listen.
const PIDServer = `package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	fmt.Printf("pid %%d\n", os.Getpid())
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		conn.Close()
	}
}`

// DaemonServer is a server cell's program that escapes its cell: it starts a copy of itself in a session of its
// own, which prints "daemon PID" and answers each connection on the loopback TCP port its %d stands for with
// "hello from the daemon", and then sleeps an hour.
const DaemonServer = `package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if os.Getenv("DAEMON") == "1" {
		ln, err := net.Listen("tcp", "127.0.0.1:%d")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("daemon", os.Getpid())
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(conn, "hello from the daemon")
			conn.Close()
		}
	}
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "DAEMON=1")
	cmd.Stdout = os.Stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	time.Sleep(time.Hour)
}`

// ReadAllClient is a client cell's program: it connects to the loopback TCP port its %d stands for and prints
// all that the server sends until it closes the connection. It panics when it cannot connect.
const ReadAllClient = `package main

import (
	"fmt"
	"io"
	"net"
)

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	b, _ := io.ReadAll(conn)
	fmt.Print(string(b))
}`

// ReadAllClientSaysError is ReadAllClient, except that it prints the error when it cannot connect and exits 0.
const ReadAllClientSaysError = `package main

import (
	"fmt"
	"io"
	"net"
)

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:%d")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(conn)
	fmt.Print(string(b))
}`

// EchoClient is a client cell's program for EchoServer: it connects to the loopback TCP port its %d stands
// for, sends "hello", and prints the reply line, quoted, as `reply "hello\n"`. It panics when it cannot connect.
const EchoClient = `package main

import (
	"bufio"
	"fmt"
	"net"
)

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	fmt.Fprintln(conn, "hello")
	reply, _ := bufio.NewReader(conn).ReadString('\n')
	fmt.Printf("reply %%q\n", reply)
}`

// DaemonClient is a client cell's program that connects to the loopback TCP port its %d stands for and prints
// the first line it receives. It panics when it cannot connect.
const DaemonClient = `package main

import (
	"bufio"
	"fmt"
	"net"
)

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	line, _ := bufio.NewReader(conn).ReadString('\n')
	fmt.Print(line)
}`

// UDPServer is a server cell's program that listens on the loopback UDP port its %d stands for, prints
// "pid N", and for each datagram prints `datagram "…"` and answers "got it". It exits 1 when it cannot listen.
const UDPServer = `package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	pc, err := net.ListenPacket("udp", "127.0.0.1:%d")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("pid", os.Getpid())
	buf := make([]byte, 1024)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		fmt.Printf("datagram %%q\n", buf[:n])
		pc.WriteTo([]byte("got it"), addr)
	}
}`

// UDPClient is a client cell's program that sends "ping" to the loopback UDP port its %d stands for and prints
// the answer, quoted, as `reply "got it"`. It panics when it cannot dial.
const UDPClient = `package main

import (
	"fmt"
	"net"
)

func main() {
	conn, err := net.Dial("udp", "127.0.0.1:%d")
	if err != nil {
		panic(err)
	}
	conn.Write([]byte("ping"))
	buf := make([]byte, 1024)
	n, _ := conn.Read(buf)
	fmt.Printf("reply %%q\n", buf[:n])
}`
