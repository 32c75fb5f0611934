// Command many-clients starts several clients of the concurrent server at the
// same time, one goroutine each, and waits for all of them.
package main

import (
	"bufio"
	"fmt"
	"net"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		wg.Go(func() {
			name := fmt.Sprintf("client %d", i)
			conn, err := net.Dial("tcp", "127.0.0.1:50009")
			if err != nil {
				fmt.Println(name, err)
				return
			}
			defer conn.Close()
			fmt.Fprintln(conn, name)
			reply, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				fmt.Println(name, err)
				return
			}
			fmt.Printf("%s got %q\n", name, reply)
		})
	}
	wg.Wait()
}
