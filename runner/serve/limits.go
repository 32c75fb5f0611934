package serve

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// What one client may hold, and for how long. A peer on the LAN is untrusted: it may open connections and never
// send a request, send half a body, or follow the events without reading them. Variables, so that tests can
// shorten them.
var (
	readHeaderTimeout  = 10 * time.Second // the request line and headers
	readTimeout        = 30 * time.Second // the whole request, body included (a POST's body is at most maxBody)
	writeTimeout       = 30 * time.Second // a response; the event stream sets its own, per write
	idleTimeout        = 60 * time.Second // a kept-alive connection between requests
	streamWriteTimeout = 15 * time.Second // one write to an event stream
	closeGrace         = time.Second      // for a stream to take the events queued when the server closes
)

const (
	maxHeaderBytes    = 16 << 10
	maxStreamsPerAddr = 32  // event streams open at once from one address (pages, tabs)
	maxConnsPerAddr   = 128 // connections open at once from one address
)

// HTTPServer returns an http.Server for the server's routes, with the timeouts and limits above. Serve it on a
// listener; Close the Server before shutting it down, so that the event streams end.
func (s *Server) HTTPServer() *http.Server {
	conns := newAddrCount(maxConnsPerAddr)
	byConn := map[net.Conn]string{}
	var mu sync.Mutex
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnState: func(c net.Conn, state http.ConnState) {
			mu.Lock()
			defer mu.Unlock()
			switch state {
			case http.StateNew:
				addr := hostOf(c.RemoteAddr().String())
				if !conns.acquire(addr) {
					c.Close() // the server sees the close and ends the connection
					return
				}
				byConn[c] = addr
			case http.StateClosed, http.StateHijacked:
				if addr, ok := byConn[c]; ok {
					delete(byConn, c)
					conns.release(addr)
				}
			}
		},
	}
}

// addrCount counts what each client address holds, up to limit.
type addrCount struct {
	limit int
	mu    sync.Mutex
	n     map[string]int
}

func newAddrCount(limit int) *addrCount { return &addrCount{limit: limit, n: map[string]int{}} }

// acquire counts one more for addr, unless it holds limit already.
func (a *addrCount) acquire(addr string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n[addr] >= a.limit {
		return false
	}
	a.n[addr]++
	return true
}

func (a *addrCount) release(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n[addr]--; a.n[addr] <= 0 {
		delete(a.n, addr)
	}
}

// clientAddr returns the address a request came from, without its port.
func clientAddr(r *http.Request) string { return hostOf(r.RemoteAddr) }

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
