package serve

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
)

// allowedHosts returns the names the Host header may carry besides loopback addresses: localhost, the
// configured ones, and with LAN the machine's host name and addresses.
func allowedHosts(cfg Config) map[string]bool {
	hosts := map[string]bool{"localhost": true}
	for _, h := range cfg.Hosts {
		hosts[strings.ToLower(h)] = true
	}
	if cfg.LAN {
		if name, err := os.Hostname(); err == nil {
			hosts[strings.ToLower(name)] = true
		}
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if ipn, ok := a.(*net.IPNet); ok {
					hosts[ipn.IP.String()] = true
				}
			}
		}
	}
	return hosts
}

// LANAddress returns the address students reach a server listening on addr at, without the port: addr's own
// IP when it is one, else one of the machine's addresses that allowedHosts allows with LAN, a private IPv4
// address first (a classroom's network), then any other global one, else the machine's host name.
func LANAddress(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP != nil && !tcp.IP.IsUnspecified() {
		return tcp.IP.String()
	}
	best, rank := "", 0
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || !ipn.IP.IsGlobalUnicast() {
				continue
			}
			r := 1 // IPv6
			switch v4 := ipn.IP.To4(); {
			case v4 != nil && v4.IsPrivate():
				r = 3
			case v4 != nil:
				r = 2
			}
			if r > rank {
				best, rank = ipn.IP.String(), r
			}
		}
	}
	if best == "" {
		best, _ = os.Hostname()
	}
	return best
}

// hostAllowed reports whether the Host of r names this machine. A page on another site that a DNS rebinding
// points at 127.0.0.1 carries its own name as Host, and is refused.
func (s *Server) hostAllowed(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	return s.hosts[host]
}

// cookieName is the name of the session cookie: it includes the port, so that two servers on one machine do
// not overwrite each other's.
func cookieName(r *http.Request) string {
	_, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		port = "80"
	}
	return "classnotes-" + port
}

// authorized reports whether r is the teacher's: it carries a session cookie of this server (any of the
// cookies of that name: a page of another port can set one, not remove the teacher's), or the token as
// Authorization: Bearer.
func (s *Server) authorized(r *http.Request) bool {
	name := cookieName(r)
	for _, c := range r.Cookies() {
		if c.Name == name && s.sessions.valid(c.Value) {
			return true
		}
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.tokenOK(bearer) {
		return true
	}
	return false
}

func (s *Server) tokenOK(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// readOnly reports whether r only reads: a page, the index or the event stream.
func readOnly(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// secure wraps h in the rules every request passes, streams included: the Host check, then the token (a
// ?token= or a one-time ?code= in the URL becomes a session cookie and is taken out of the URL; a student's
// report needs the class code instead, which its handler checks), then, for state changes, the cross-origin
// check.
func (s *Server) secure(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	guarded := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Content-Type-Options", "nosniff")
		// No script runs but the pages' own, which allow theirs by its hash (see pageHandler).
		hd.Set("Content-Security-Policy", policyFor(""))
		if !s.hostAllowed(r) {
			jsonError(w, http.StatusForbidden, "host "+r.Host+" is not this machine")
			return
		}
		q := r.URL.Query()
		if q.Has("token") || q.Has("code") {
			if !readOnly(r) {
				jsonError(w, http.StatusBadRequest, "the token goes in the Authorization header of a POST, not its URL")
				return
			}
			switch {
			case q.Has("token") && !s.tokenOK(q.Get("token")):
				jsonError(w, http.StatusUnauthorized, "wrong token")
				return
			case !q.Has("token") && !s.codes.take(q.Get("code")):
				jsonError(w, http.StatusUnauthorized, "this link was used already, or is too old: open the address that serve printed when it started")
				return
			}
			http.SetCookie(w, &http.Cookie{Name: cookieName(r), Value: s.sessions.start(), Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, MaxAge: int(sessionLife / time.Second)})
			q.Del("token")
			q.Del("code")
			http.Redirect(w, r, (&url.URL{Path: localPath(r.URL.Path), RawQuery: q.Encode()}).String(), http.StatusSeeOther)
			return
		}
		// A student's report needs no token: its handler checks the class code.
		if !s.authorized(r) && !(s.cfg.LAN && readOnly(r)) && !isReport(r) {
			jsonError(w, http.StatusUnauthorized, "this needs the token: open the address that serve printed when it started")
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// localPath returns p as a path on this server to redirect to: "//evil.example" and "/\evil.example", which a
// browser takes for another site, become "/".
func localPath(p string) string {
	p = path.Clean("/" + p)
	if strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return "/"
	}
	return p
}
