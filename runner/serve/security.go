package serve

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"classnotes/runner/site"
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

// cookieName is the name of the token cookie: it includes the port, so that two servers on one machine do not
// overwrite each other's.
func cookieName(r *http.Request) string {
	_, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		port = "80"
	}
	return "classnotes-" + port
}

// authorized reports whether r carries the token: as the cookie, or as Authorization: Bearer.
func (s *Server) authorized(r *http.Request) bool {
	if c, err := r.Cookie(cookieName(r)); err == nil && s.tokenOK(c.Value) {
		return true
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
// ?token= in the URL becomes a cookie and is taken out of the URL), then, for state changes, the cross-origin
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
		hd.Set("Content-Security-Policy", site.PolicyFor(""))
		if !s.hostAllowed(r) {
			jsonError(w, http.StatusForbidden, "host "+r.Host+" is not this machine")
			return
		}
		if t := r.URL.Query().Get("token"); t != "" && readOnly(r) {
			if !s.tokenOK(t) {
				jsonError(w, http.StatusUnauthorized, "wrong token")
				return
			}
			http.SetCookie(w, &http.Cookie{Name: cookieName(r), Value: s.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			q := r.URL.Query()
			q.Del("token")
			u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
		if !s.authorized(r) && !(s.cfg.LAN && readOnly(r)) {
			jsonError(w, http.StatusUnauthorized, "this needs the token: open the address runner serve printed")
			return
		}
		guarded.ServeHTTP(w, r)
	})
}
