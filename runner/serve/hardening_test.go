package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

// startHardened serves lessons as runner serve does, through HTTPServer with its timeouts and limits, after
// set has changed the limits (restored when the test ends).
func startHardened(t *testing.T, set func(), lessons map[string]string) *fixture {
	t.Helper()
	saved := []time.Duration{readHeaderTimeout, readTimeout, writeTimeout, idleTimeout, streamWriteTimeout, closeGrace}
	t.Cleanup(func() {
		readHeaderTimeout, readTimeout, writeTimeout, idleTimeout, streamWriteTimeout, closeGrace =
			saved[0], saved[1], saved[2], saved[3], saved[4], saved[5]
	})
	if set != nil {
		set()
	}
	dir, files := writeLessons(t, lessons)
	srv, err := New(Config{Engine: newEngine(t), Root: dir, Files: files, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = srv.HTTPServer()
	hs.Start()
	t.Cleanup(func() {
		srv.Close()
		hs.CloseClientConnections()
		hs.Close()
	})
	return &fixture{dir: dir, srv: srv, http: hs}
}

// dial opens a raw connection to f's server.
func (f *fixture) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", f.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedWithin reports whether the server closes c within d (what it sends meanwhile is read and dropped).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// TestHeldConnectionsClosed: a request whose body never comes, headers that never end, and a kept-alive
// connection left idle are closed by the server (all were held forever: with --lan, any peer could pile them
// up to the file limit).
func TestHeldConnectionsClosed(t *testing.T) {
	f := startHardened(t, func() {
		readHeaderTimeout, readTimeout, idleTimeout = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	}, map[string]string{"a.md": "# A\n"})
	for name, send := range map[string]string{
		"a POST without its body": "POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
			"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
		"headers that never end":          "GET /a.html HTTP/1.1\r\nHost: 127.0.0.1\r\n",
		"an idle kept-alive connection":   "GET /a.html HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n",
		"a connection that sends nothing": "",
	} {
		c := f.dial(t)
		if _, err := io.WriteString(c, send); err != nil {
			t.Fatal(err)
		}
		if !closedWithin(c, 10*time.Second) {
			t.Errorf("%s: the connection is still open after 10s", name)
		}
	}
}

// TestStreamsPerAddress: one address can follow the events on at most maxStreamsPerAddr streams; one more is
// refused with 429 until one closes.
func TestStreamsPerAddress(t *testing.T) {
	f := startHardened(t, nil, map[string]string{"a.md": "# A\n"})
	var bodies []io.Closer
	get := func() (*http.Response, error) {
		req, _ := http.NewRequest("GET", f.http.URL+"/api/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return (&http.Client{Transport: &http.Transport{}}).Do(req)
	}
	for i := range maxStreamsPerAddr {
		resp, err := get()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %v %v", i+1, resp, err)
		}
		bodies = append(bodies, resp.Body)
	}
	resp, err := get()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK { // a stream: reading it would wait for ever
		resp.Body.Close()
		t.Fatalf("stream %d: %s; want refused", maxStreamsPerAddr+1, resp.Status)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(b), "event streams are open from 127.0.0.1") {
		t.Errorf("stream %d: %s %s", maxStreamsPerAddr+1, resp.Status, b)
	}
	bodies[0].Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := get()
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if err == nil {
			resp.Body.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("a stream closed, and still no new one: %v %v", resp, err)
		}
	}
	for _, b := range bodies[1:] {
		b.Close()
	}
}

// TestConnectionsPerAddress: one address holds at most maxConnsPerAddr connections; the next is closed at once.
func TestConnectionsPerAddress(t *testing.T) {
	f := startHardened(t, nil, map[string]string{"a.md": "# A\n"})
	for range maxConnsPerAddr {
		f.dial(t)
	}
	time.Sleep(100 * time.Millisecond) // the server has seen them
	if c := f.dial(t); !closedWithin(c, 10*time.Second) {
		t.Errorf("connection %d is open", maxConnsPerAddr+1)
	}
}

// openStream follows the events on a raw connection that the test reads only when it wants to.
func (f *fixture) openStream(t *testing.T) net.Conn {
	t.Helper()
	c := f.dial(t)
	fmt.Fprintf(c, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", token)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.Contains(line, "200") {
		t.Fatalf("events: %q %v", line, err)
	}
	c.SetReadDeadline(time.Time{})
	return c
}

// streamsOpen returns how many event streams the server is writing.
func (f *fixture) streamsOpen() int {
	f.srv.streams.mu.Lock()
	defer f.srv.streams.mu.Unlock()
	n := 0
	for _, k := range f.srv.streams.n {
		n += k
	}
	return n
}

// TestSlowClientClosed: a page that never reads its events is dropped, and its connection closed, without
// waiting for it to read (it stayed open until the page read); and Ctrl-C does not wait for it.
func TestSlowClientClosed(t *testing.T) {
	f := startHardened(t, nil, map[string]string{"a.md": "# A\n"})
	f.openStream(t) // never read
	big := strings.Repeat("x", 64<<10)
	for i := 0; f.streamsOpen() > 0; i++ {
		if i == 4000 {
			t.Fatalf("the stream is still open after %d events of 64 kB it never read", i)
		}
		f.srv.hub.send(Output{Lesson: "a.md", Cell: 1, Text: big})
		if i > 300 {
			time.Sleep(time.Millisecond)
		}
	}

	// A second one, and the server closes: it does not wait for the page to read.
	f.openStream(t)
	for range 300 {
		f.srv.hub.send(Output{Lesson: "a.md", Cell: 1, Text: big})
	}
	f.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), closeGrace+5*time.Second)
	defer cancel()
	if err := f.http.Config.Shutdown(ctx); err != nil {
		t.Errorf("shutdown with a page that does not read: %v", err)
	}
}

// TestCloseEndsRunsForPages: when the server closes (Ctrl-C), a page is told that the runs it cut short ended,
// stopped, before its stream ends.
func TestCloseEndsRunsForPages(t *testing.T) {
	f := startHardened(t, nil, map[string]string{"a.md": "# A\n\n" + cell(1, "", "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tfmt.Println(\"started\")\n\ttime.Sleep(time.Minute)\n}\n")})
	events := f.events(t)
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	until(t, events, 1, "output")
	f.srv.Close()
	var ends []event
	for ev := range events {
		if ev.name == "end" {
			ends = append(ends, ev)
		}
	}
	if len(ends) != 1 || ends[0].data["status"] != "stopped" {
		t.Errorf("the page got %d ends: %v; want one, stopped", len(ends), ends)
	}
}

// rawGet sends GET target as it is written (a client library would clean it) and returns the status line and
// the Location.
func (f *fixture) rawGet(t *testing.T, target string, header ...string) (status, location string) {
	t.Helper()
	c := f.dial(t)
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n", target, strings.Join(header, ""))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Status, resp.Header.Get("Location")
}

// TestNoOpenRedirect: the token URL leads to a path on this server, never to another site ("//evil.example"
// led there).
func TestNoOpenRedirect(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n"})
	for target, want := range map[string]string{
		"//evil.example?token=" + token:             "/evil.example",
		"///evil.example?token=" + token:            "/evil.example",
		"/\\evil.example?token=" + token:            "/",
		"/%5Cevil.example?token=" + token:           "/",
		"/%2F%2Fevil.example?token=" + token:        "/evil.example",
		"/a.html?token=" + token + "&x=//e.example": "/a.html?x=%2F%2Fe.example",
		"/../../etc?token=" + token:                 "/etc",
	} {
		status, loc := f.rawGet(t, target)
		if !strings.HasPrefix(status, "303") || loc != want {
			t.Errorf("GET %s: %s, Location %q; want 303 to %q", target, status, loc, want)
		}
	}
}

// session returns a session cookie of f's server, got as the teacher's browser gets it.
func (f *fixture) session(t *testing.T, query string) (string, string) {
	t.Helper()
	c := f.dial(t)
	fmt.Fprintf(c, "GET /?%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", query)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		return resp.Status, ck.Value
	}
	return resp.Status, ""
}

// TestSessionCookie: the cookie holds a session of this server, not the token: another server refuses it, a
// junk cookie of the same name beside it (cookie tossing from a page of another port) does not lock the
// teacher out, and a one-time code opens one session and only one.
func TestSessionCookie(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n"})
	other := newFixture(t, false, map[string]string{"a.md": "# A\n"})
	status, session := f.session(t, "token="+token)
	if !strings.HasPrefix(status, "303") || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(session) {
		t.Fatalf("token URL: %s, session %q", status, session)
	}
	name := "classnotes-" + f.port()
	for _, cookie := range []string{
		name + "=" + session,
		name + "=junk; " + name + "=" + session,
		name + "=" + session + "; " + name + "=junk",
		"classnotes-1=junk; " + name + "=" + session,
	} {
		if code, body := f.do(t, "GET", "/a.html", "", false, "Cookie", cookie); code != http.StatusOK {
			t.Errorf("Cookie %q: %d %s", cookie, code, body)
		}
	}
	for _, cookie := range []string{name + "=junk", name + "=" + token, name + "=" + session[:31], "classnotes-" + other.port() + "=" + session} {
		if code, _ := f.do(t, "GET", "/a.html", "", false, "Cookie", cookie); code != http.StatusUnauthorized {
			t.Errorf("Cookie %q: %d; want 401", cookie, code)
		}
	}
	if code, _ := other.do(t, "GET", "/a.html", "", false, "Cookie", "classnotes-"+other.port()+"="+session); code != http.StatusUnauthorized {
		t.Errorf("another server took this one's session: %d", code)
	}

	u := f.srv.OpenURL(f.http.URL)
	if strings.Contains(u, token) {
		t.Fatalf("OpenURL has the token: %s", u)
	}
	code := strings.TrimPrefix(u, f.http.URL+"/?")
	if status, session := f.session(t, code); !strings.HasPrefix(status, "303") || session == "" {
		t.Errorf("the one-time code: %s, session %q", status, session)
	}
	if status, session := f.session(t, code); !strings.HasPrefix(status, "401") || session != "" {
		t.Errorf("the one-time code again: %s, session %q", status, session)
	}
	f.srv.sessions.revoke()
	if code, _ := f.do(t, "GET", "/a.html", "", false, "Cookie", name+"="+session); code != http.StatusUnauthorized {
		t.Errorf("a revoked session: %d", code)
	}
}

// TestSecrets: sessions and codes expire, and the oldest goes when there are too many.
func TestSecrets(t *testing.T) {
	now := time.Now()
	s := newSecrets(time.Hour, 3)
	s.now = func() time.Time { return now }
	var vs []string
	for range 4 {
		vs = append(vs, s.start())
		now = now.Add(time.Minute)
	}
	if s.valid(vs[0]) || !s.valid(vs[1]) || !s.valid(vs[3]) {
		t.Errorf("after 4 values in a set of 3: %v %v %v", s.valid(vs[0]), s.valid(vs[1]), s.valid(vs[3]))
	}
	now = now.Add(time.Hour)
	if s.valid(vs[3]) || s.take(vs[3]) {
		t.Errorf("a value outlived its life")
	}
}

// TestHiddenNotServed: a hidden lesson (.answers.md, or one in a hidden directory) is never served: New refuses it.
func TestHiddenNotServed(t *testing.T) {
	for _, name := range []string{".answers.md", ".teacher/a.md", "x/.y/a.md"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		lessontest.Write(t, path, "# Answers\n")
		other := filepath.Join(dir, "b.md")
		lessontest.Write(t, other, "# B\n")
		_, err := New(Config{Engine: newEngine(t), Root: dir, Files: []string{other, path}, Token: token, LAN: true})
		if err == nil || !strings.Contains(err.Error(), "is a hidden file") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestBadTokens: New refuses a token that is short or has characters a cookie or URL would change.
func TestBadTokens(t *testing.T) {
	for tok, want := range map[string]string{
		"x":                      "1 characters long",
		"fifteen-chars-x":        "15 characters long",
		"sixteen;chars-xx":       `';' at character 8`,
		"with space and more":    `' ' at character 5`,
		"naïve-token-of-16chars": `'ï' at character 3`,
	} {
		if _, err := New(Config{Engine: newEngine(t), Root: t.TempDir(), Token: tok}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("token %q: %v; want %q", tok, err, want)
		}
	}
	if err := CheckToken("sixteen-chars-ok"); err != nil {
		t.Errorf("a good token: %v", err)
	}
}

// TestStreamOutlivesTimeouts: an event stream lasts longer than the read and write timeouts of requests.
func TestStreamOutlivesTimeouts(t *testing.T) {
	f := startHardened(t, func() {
		readHeaderTimeout, readTimeout, writeTimeout, idleTimeout = 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
		streamWriteTimeout = 300 * time.Millisecond // each write has its own
	}, map[string]string{"a.md": "# A\n"})
	events := f.events(t)
	time.Sleep(time.Second)
	f.srv.hub.send(Notice{Lesson: "a.md", Cell: 1, Message: "still here"})
	select {
	case ev, ok := <-events:
		if !ok || ev.data["message"] != "still here" {
			t.Errorf("after the timeouts: %v %v", ev, ok)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no event after the timeouts")
	}
}

// TestCatchUpWholeCharacters: the catch-up of a page that joins a run is cut at the cap on a character's
// start (it was cut at a byte count, and a page could get half a character, shown as U+FFFD), and nothing
// after the cut is added later.
func TestCatchUpWholeCharacters(t *testing.T) {
	h := newHub()
	h.started("a.md", 1, "r")
	// The cap falls inside a character; then comes a flush that starts with one that would fit in the room left.
	out := "a" + strings.Repeat("é", run.DefaultCap)
	for len(out) > 0 {
		chunk := out[:min(len(out), 100_000)] // flushed as it comes, cut anywhere
		out = out[len(chunk):]
		h.output("a.md", 1, "r", []byte(chunk))
		h.mu.Lock()
		h.flushOne(h.pending[pendingKey("r", 1)], false) // as the flush loop does: a cut character waits
		h.mu.Unlock()
	}
	h.output("a.md", 1, "r", []byte("z"))
	h.flushRun("r", 1)
	sub, unsubscribe := h.subscribe(true)
	defer unsubscribe()
	<-sub.ch // started
	msg := string(<-sub.ch)
	_, data, _ := strings.Cut(msg, "data: ")
	var ev struct{ Text string }
	if err := json.Unmarshal([]byte(strings.TrimSpace(data)), &ev); err != nil {
		t.Fatal(err)
	}
	want := "a" + strings.Repeat("é", (run.DefaultCap-1)/2)
	if ev.Text != want || strings.ContainsRune(ev.Text, utf8.RuneError) {
		t.Errorf("catch-up of %d bytes (want %d), ends %q", len(ev.Text), len(want), ev.Text[max(0, len(ev.Text)-6):])
	}
}
