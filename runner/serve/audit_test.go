package serve

// The tests of this file are those a mutation audit of the package found missing (issue 20): each guards a
// change of the code that every other test let pass. Most look at everything that follows an event, not only
// at the first event that matches.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

// pidSleeper is a cell that prints its process id, then sleeps until it is stopped.
const pidSleeper = `package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	fmt.Printf("pid %d\n", os.Getpid())
	time.Sleep(time.Hour)
}`

// startRun starts a cell (0: the whole lesson) and returns the id of its run.
func (f *fixture) startRun(t *testing.T, lesson string, cell int) string {
	t.Helper()
	code, body := f.do(t, "POST", "/api/run", fmt.Sprintf(`{"lesson":%q,"cell":%d}`, lesson, cell), true)
	var started struct{ Run string }
	if code != http.StatusAccepted || json.Unmarshal([]byte(body), &started) != nil || started.Run == "" {
		t.Fatalf("run %s In [%d]: %d %s", lesson, cell, code, body)
	}
	return started.Run
}

// stopRun stops a cell (0: Run all) and fails the test unless the server answers that it stopped.
func (f *fixture) stopRun(t *testing.T, lesson string, cell int) {
	t.Helper()
	if code, body := f.do(t, "POST", "/api/stop", fmt.Sprintf(`{"lesson":%q,"cell":%d}`, lesson, cell), true); code != http.StatusOK {
		t.Fatalf("stop %s In [%d]: %d %s", lesson, cell, code, body)
	}
}

// pidLine is the line pidSleeper and lessontest.PIDServer print.
var pidLine = regexp.MustCompile(`pid (\d+)\n`)

// pidOf reads the output of cell from ch until it has printed "pid N", and returns N.
func pidOf(t *testing.T, ch <-chan event, cell int) int {
	t.Helper()
	var out strings.Builder
	for {
		_, text := until(t, ch, cell, "output")
		out.WriteString(text)
		if m := pidLine.FindStringSubmatch(out.String()); m != nil {
			pid, err := strconv.Atoi(m[1])
			if err != nil || pid <= 0 { // kill(2) of 0 or less would signal a group
				t.Fatalf("In [%d] printed %q", cell, out.String())
			}
			return pid
		}
	}
}

// quiet collects the events of ch until none has come for half a second.
func quiet(t *testing.T, ch <-chan event) []event {
	t.Helper()
	var got []event
	deadline := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, ev)
		case <-time.After(500 * time.Millisecond):
			return got
		case <-deadline:
			t.Fatalf("events never stopped: %d so far", len(got))
		}
	}
}

// count returns how many events named name are of the cell of lesson (any lesson when lesson is "").
func count(evs []event, lesson string, cell int, name string) int {
	n := 0
	for _, ev := range evs {
		c, _ := ev.data["cell"].(float64)
		if ev.name == name && int(c) == cell && (lesson == "" || ev.data["lesson"] == lesson) {
			n++
		}
	}
	return n
}

// decode parses an event as the hub encodes it.
func decode(t *testing.T, msg []byte) event {
	t.Helper()
	head, data, ok := bytes.Cut(msg, []byte("\ndata: "))
	name, found := bytes.CutPrefix(head, []byte("event: "))
	var d map[string]any
	if !ok || !found || json.Unmarshal(bytes.TrimSpace(data), &d) != nil {
		t.Fatalf("malformed event %.200q", msg)
	}
	return event{string(name), d}
}

// drain returns the events waiting in a hub subscription now, without waiting for more.
func drain(t *testing.T, ch <-chan []byte) []event {
	t.Helper()
	var got []event
	for {
		select {
		case msg, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, decode(t, msg))
		default:
			return got
		}
	}
}

// waitLesson returns the first event named name of the cell of lesson.
func waitLesson(t *testing.T, ch <-chan event, lesson string, cell int, name string) event {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("event stream ended before %s of %s In [%d]", name, lesson, cell)
			}
			if c, _ := ev.data["cell"].(float64); ev.name == name && int(c) == cell && ev.data["lesson"] == lesson {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event for %s In [%d]", name, lesson, cell)
		}
	}
}

// TestAuditHostIPv6Loopback: the IPv6 loopback is this machine, with a port and without one.
func TestAuditHostIPv6Loopback(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	for _, host := range []string{"[::1]", "[::1]:" + f.port(), "[0:0:0:0:0:0:0:1]"} {
		if code, body := f.do(t, "GET", "/a.html", "", true, "Host", host); code != http.StatusOK {
			t.Errorf("Host %s: %d %.200s", host, code, body)
		}
	}
}

// TestAuditTokenExact: only the whole token opens the server: not a prefix of it, nor the token with one more
// character, as a bearer or in the URL; the same goes for the session cookie the token in the URL gives.
func TestAuditTokenExact(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	for _, wrong := range []string{token[:len(token)-1], token[:1], token + "x", "x" + token} {
		if code, _ := f.do(t, "GET", "/a.html", "", false, "Authorization", "Bearer "+wrong); code != http.StatusUnauthorized {
			t.Errorf("bearer %q: %d, want 401", wrong, code)
		}
		if code, _ := f.do(t, "GET", "/a.html?token="+wrong, "", false); code != http.StatusUnauthorized {
			t.Errorf("?token=%s: %d, want 401", wrong, code)
		}
	}
	if code, _ := f.do(t, "GET", "/a.html", "", false, "Authorization", "Bearer "+token); code != http.StatusOK {
		t.Errorf("right bearer: %d", code)
	}

	resp, _ := f.response(t, "GET", "/a.html?token="+token, "", false)
	name := "classnotes-" + f.port()
	var session string
	for _, c := range resp.Cookies() {
		if c.Name == name {
			session = c.Value
		}
	}
	if len(session) < 2 {
		t.Fatalf("no session cookie %s from the token in the URL: %s %v", name, resp.Status, resp.Header)
	}
	for _, wrong := range []string{session[:len(session)-1], session[:1], session + "x", "x" + session, ""} {
		if code, _ := f.do(t, "GET", "/a.html", "", false, "Cookie", name+"="+wrong); code != http.StatusUnauthorized {
			t.Errorf("cookie %q for session %q: %d, want 401", wrong, session, code)
		}
	}
	if code, _ := f.do(t, "GET", "/a.html", "", false, "Cookie", name+"="+session); code != http.StatusOK {
		t.Errorf("the session cookie: %d", code)
	}
}

// TestAuditNoSniff: every response says nosniff: pages, the API, the event stream, and the refusals (a text
// the browser guessed to be HTML would run in the server's origin).
func TestAuditNoSniff(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi")), "b.md": "In [1]:\n\n```go timeout=x\n```\n"})
	for _, tt := range []struct {
		name, method, path, body string
		auth                     bool
		header                   []string
		want                     int
	}{
		{"lesson page", "GET", "/a.html", "", true, nil, http.StatusOK},
		{"page of a lesson that does not load", "GET", "/b.html", "", true, nil, http.StatusOK},
		{"index", "GET", "/", "", true, nil, http.StatusOK},
		{"API answer", "POST", "/api/stop", `{"lesson":"a.md","cell":1}`, true, nil, http.StatusConflict},
		{"malformed request", "POST", "/api/run", `nope`, true, nil, http.StatusBadRequest},
		{"unknown page", "GET", "/nope.html", "", true, nil, http.StatusNotFound},
		{"no token", "GET", "/a.html", "", false, nil, http.StatusUnauthorized},
		{"wrong token in the URL", "GET", "/a.html?token=nope", "", false, nil, http.StatusUnauthorized},
		{"token in the URL", "GET", "/a.html?token=" + token, "", false, nil, http.StatusSeeOther},
		{"foreign host", "GET", "/a.html", "", true, []string{"Host", "evil.example"}, http.StatusForbidden},
		{"cross-origin", "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	} {
		resp, body := f.response(t, tt.method, tt.path, tt.body, tt.auth, tt.header...)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d %.200s, want %d", tt.name, resp.StatusCode, body, tt.want)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s (%d): X-Content-Type-Options %q", tt.name, resp.StatusCode, got)
		}
	}
	// The event stream: its headers come before its first event.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.http.URL+"/api/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Content-Type-Options"); resp.StatusCode != http.StatusOK || got != "nosniff" {
		t.Errorf("event stream: %s, X-Content-Type-Options %q", resp.Status, got)
	}
}

// TestAuditGeneratedToken: without a configured token a server makes one of 128 random bits, as 32 hex
// digits, that no other server shares, and that opens it.
func TestAuditGeneratedToken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.md")
	lessontest.Write(t, path, "# A\n")
	var tokens []string
	var servers []*Server
	for range 2 {
		srv, err := New(Config{Engine: newEngine(t), Root: dir, Files: []string{path}})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(srv.Token()) {
			t.Errorf("generated token %q: want 32 hex digits", srv.Token())
		}
		tokens = append(tokens, srv.Token())
		servers = append(servers, srv)
	}
	if tokens[0] == tokens[1] {
		t.Errorf("two servers made the same token %q", tokens[0])
	}
	hs := httptest.NewServer(servers[0].Handler())
	defer hs.Close()
	for i, tok := range tokens {
		req, _ := http.NewRequest("GET", hs.URL+"/a.html", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := []int{http.StatusOK, http.StatusUnauthorized}[i]; resp.StatusCode != want {
			t.Errorf("the token of server %d on server 0: %s, want %d", i, resp.Status, want)
		}
	}
}

// TestAuditFileOutsideRoot: a lesson file outside the served directory is refused; its name would start
// with "..".
func TestAuditFileOutsideRoot(t *testing.T) {
	dir := t.TempDir()
	inside := filepath.Join(dir, "served", "a.md")
	lessontest.Write(t, inside, "# A\n")
	for _, outside := range []string{filepath.Join(dir, "other", "b.md"), filepath.Join(dir, "served2", "c.md"), filepath.Join(dir, "d.md")} {
		lessontest.Write(t, outside, "# Outside\n")
		srv, err := New(Config{Engine: newEngine(t), Root: filepath.Join(dir, "served"), Files: []string{inside, outside}, Token: token})
		if err == nil {
			srv.Close()
			t.Errorf("New with %s outside the root: no error", outside)
		} else if !strings.Contains(err.Error(), "is not under") {
			t.Errorf("New with %s outside the root: %v", outside, err)
		}
	}
}

// TestAuditRunAllRefused: Run all is refused while a cell of the lesson runs, and a cell while Run all runs;
// another lesson is not held up by either.
func TestAuditRunAllRefused(t *testing.T) {
	f := newFixture(t, false, map[string]string{
		"a.md": cell(1, "", pidSleeper) + cell(2, "", hello("two")),
		"b.md": cell(1, "", hello("b")),
	})
	events := f.events(t)

	f.startRun(t, "a.md", 1)
	waitLesson(t, events, "a.md", 1, "output")
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":0}`, true); code != http.StatusConflict || !strings.Contains(body, "cells of this lesson are running") {
		t.Errorf("Run all while In [1] runs: %d %s", code, body)
	}
	f.startRun(t, "b.md", 0)
	waitLesson(t, events, "b.md", 1, "end")
	f.stopRun(t, "a.md", 1)

	f.startRun(t, "a.md", 0)
	waitLesson(t, events, "a.md", 1, "output")
	for _, n := range []int{1, 2} {
		if code, body := f.do(t, "POST", "/api/run", fmt.Sprintf(`{"lesson":"a.md","cell":%d}`, n), true); code != http.StatusConflict || !strings.Contains(body, "Run all") {
			t.Errorf("In [%d] during Run all: %d %s", n, code, body)
		}
	}
	f.startRun(t, "b.md", 1)
	waitLesson(t, events, "b.md", 1, "end")
	f.stopRun(t, "a.md", 0)
}

// TestAuditStopEndsOnce: a stopped cell, inline or server, ends exactly once, and a stop is no error.
func TestAuditStopEndsOnce(t *testing.T) {
	port := lessontest.FreePort(t)
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", pidSleeper) +
		cell(2, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.PIDServer, port))})
	events := f.events(t)
	for _, tt := range []struct {
		cell   int
		status string
	}{{1, "stopped"}, {2, "signal: interrupt"}} {
		f.startRun(t, "a.md", tt.cell)
		seen, _ := until(t, events, tt.cell, "output")
		f.stopRun(t, "a.md", tt.cell)
		all := append(seen, quiet(t, events)...)
		if n := count(all, "a.md", tt.cell, "end"); n != 1 {
			t.Errorf("In [%d] stopped: %d end events, want 1: %v", tt.cell, n, all)
		}
		for _, ev := range all {
			if ev.name == "run-error" {
				t.Errorf("In [%d] stopped: a run-error event %v", tt.cell, ev.data)
			}
			if c, _ := ev.data["cell"].(float64); ev.name == "end" && int(c) == tt.cell && ev.data["status"] != tt.status {
				t.Errorf("In [%d] stopped: end %v, want status %q", tt.cell, ev.data, tt.status)
			}
		}
	}
}

// TestAuditStopWaits: when POST /api/stop answers, the cell has ended: its end event is already sent, its
// process is gone, and a server's port is free.
func TestAuditStopWaits(t *testing.T) {
	port := lessontest.FreePort(t)
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", pidSleeper) +
		cell(2, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.PIDServer, port))})
	events := f.events(t)
	for _, n := range []int{1, 2} {
		id := f.startRun(t, "a.md", n)
		pid := pidOf(t, events, n)
		// A subscription straight to the hub: what it holds when Stop answers is what was sent by then.
		sub, unsubscribe := f.srv.hub.subscribe(true)
		f.stopRun(t, "a.md", n)
		gone(t, pid, fmt.Sprintf("when Stop of In [%d] answered", n))
		if n == 2 {
			lessontest.PortFree(t, port)
		}
		got := drain(t, sub.ch)
		unsubscribe()
		ended := false
		for _, ev := range got {
			if c, _ := ev.data["cell"].(float64); ev.name == "end" && int(c) == n && ev.data["run"] == id {
				ended = true
			}
		}
		if !ended {
			t.Errorf("when Stop of In [%d] answered, its end was not sent yet; sent: %v", n, got)
		}
	}
}

// TestAuditAcceptRunAll: the outputs of two cells of one Run all are both accepted, one after the other, and
// the lesson holds both, each in its place.
func TestAuditAcceptRunAll(t *testing.T) {
	src := "# Two cells\n\n" + cell(1, "", hello("first, longer than old")) + "Out [1]:\n\n```text\nold\n```\n\nBetween.\n\n" +
		cell(2, "", hello("second")) + "Out [2]:\n\n```text\nold\n```\n\nAfter.\n"
	f := newFixture(t, false, map[string]string{"a.md": src})
	events := f.events(t)
	id := f.startRun(t, "a.md", 0)
	until(t, events, 2, "end")
	for _, n := range []int{1, 2} {
		code, body := f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":%d,"run":%q}`, n, id), true)
		if code != http.StatusOK || !strings.Contains(body, `"written":true`) {
			t.Errorf("accept In [%d] of the Run all: %d %s", n, code, body)
		}
	}
	b, err := os.ReadFile(filepath.Join(f.dir, "a.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := regexp.MustCompile("(?m)^```text fp=\\S+$").ReplaceAllString(string(b), "```text fp=*")
	want := strings.Replace(src, "```text\nold\n```", "```text fp=*\nfirst, longer than old\n```", 1)
	want = strings.Replace(want, "```text\nold\n```", "```text fp=*\nsecond\n```", 1)
	if got != want {
		t.Errorf("lesson after both accepts:\n%s\nwant (fingerprints aside):\n%s", b, want)
	}
}

// TestAuditAcceptOtherLesson: a run is accepted only into its own lesson: named under another, it is not
// found, and no file changes.
func TestAuditAcceptOtherLesson(t *testing.T) {
	a := cell(1, "", hello("a")) + "Out [1]:\n\n```text\nold\n```\n"
	b := cell(1, "", hello("b")) + "Out [1]:\n\n```text\nold\n```\n"
	f := newFixture(t, false, map[string]string{"a.md": a, "b.md": b})
	events := f.events(t)
	id := f.startRun(t, "a.md", 1)
	waitLesson(t, events, "a.md", 1, "end")
	if code, body := f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"b.md","cell":1,"run":%q}`, id), true); code != http.StatusNotFound {
		t.Errorf("accept of a run of a.md as b.md: %d %s", code, body)
	}
	for name, src := range map[string]string{"a.md": a, "b.md": b} {
		if got, err := os.ReadFile(filepath.Join(f.dir, name)); err != nil || string(got) != src {
			t.Errorf("%s changed: %v\n%s", name, err, got)
		}
	}
	// Under its own name the same run is accepted: the refusal was for the name.
	if code, body := f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":1,"run":%q}`, id), true); code != http.StatusOK || !strings.Contains(body, `"written":true`) {
		t.Errorf("accept of the run as a.md: %d %s", code, body)
	}
}

// TestAuditCatchUpCapped: a page that opens while a cell runs catches up with at most run.DefaultCap bytes of
// its output, even when what the cell printed grew on its way: an invalid byte between two valid ones becomes
// a three-byte U+FFFD, so the engine's run.DefaultCap bytes are twice as long as text.
func TestAuditCatchUpCapped(t *testing.T) {
	flood := fmt.Sprintf(`package main

import (
	"os"
	"strings"
	"time"
)

func main() {
	os.Stdout.WriteString("x" + strings.Repeat("\xffa", %d))
	time.Sleep(time.Hour)
}`, run.DefaultCap)
	// What the engine forwards while the cell runs, as text: "x" first, so that run.DefaultCap falls between
	// two characters (1 + 4×262143 + 3 = 1<<20).
	want := "x" + strings.Repeat("\uFFFDa", (run.DefaultCap-1)/2) + strings.Repeat("\uFFFD", (run.DefaultCap-1)%2)
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", flood)})
	events := f.events(t)
	id := f.startRun(t, "a.md", 1)
	var live strings.Builder
	for live.Len() < len(want) {
		_, out := until(t, events, 1, "output")
		live.WriteString(out)
	}
	if live.String() != want {
		t.Fatalf("streamed %d bytes, not the %d expected", live.Len(), len(want))
	}
	sub, unsubscribe := f.srv.hub.subscribe(true)
	defer unsubscribe()
	got := drain(t, sub.ch)
	var catchUp string
	for _, ev := range got {
		if ev.name == "output" {
			catchUp += ev.data["text"].(string)
		}
	}
	if count(got, "a.md", 1, "started") != 1 || got[0].name != "started" || got[0].data["run"] != id {
		t.Errorf("catch-up events %.300v", got)
	}
	if len(catchUp) != run.DefaultCap || catchUp != want[:run.DefaultCap] {
		t.Errorf("catch-up of %d bytes, want the first %d bytes of the output (run.DefaultCap)", len(catchUp), run.DefaultCap)
	}
}

// TestAuditSplitCharacter: a character whose bytes the program writes apart, across a flush, reaches the
// page whole: no U+FFFD.
func TestAuditSplitCharacter(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", `package main

import (
	"os"
	"time"
)

func main() {
	os.Stdout.WriteString("a\xc3")
	time.Sleep(500 * time.Millisecond) // many flushes (flushEvery)
	os.Stdout.WriteString("\xa9\n")
}`)})
	events := f.events(t)
	f.startRun(t, "a.md", 1)
	got, out := until(t, events, 1, "end")
	if out != "aé\n" || strings.ContainsRune(out, '\uFFFD') {
		t.Errorf("streamed %q, want %q", out, "aé\n")
	}
	// The test is only worth something if a flush came between the two writes.
	var texts []string
	for _, ev := range got {
		if ev.name == "output" {
			texts = append(texts, ev.data["text"].(string))
		}
	}
	if len(texts) < 2 || texts[0] != "a" {
		t.Errorf("output events %q: want \"a\" flushed before the rest", texts)
	}
}

// TestAuditSlowSubscriber: a page that does not read its events is dropped once its buffer is full: its
// channel is closed, so that its stream ends, and so is gone, which cuts its connection off; ending the
// subscription afterwards is harmless. A page that reads gets every event.
func TestAuditSlowSubscriber(t *testing.T) {
	h := newHub()
	slow, unsubscribe := h.subscribe(true)
	fast, unsubscribeFast := h.subscribe(true)
	defer unsubscribeFast()
	buffered := cap(slow.ch)
	received := 0
	for i := range buffered + 10 {
		h.send(Notice{Message: strconv.Itoa(i)})
		received += len(drain(t, fast.ch))
	}
	if received != buffered+10 {
		t.Errorf("a page that reads got %d events of %d", received, buffered+10)
	}
	select {
	case <-slow.gone:
	default:
		t.Errorf("the slow page was not told it is gone")
	}
	for i := range buffered + 1 {
		select {
		case _, ok := <-slow.ch:
			if !ok {
				if i != buffered {
					t.Errorf("the slow page's channel closed after %d events, want %d", i, buffered)
				}
				unsubscribe() // a second close would panic
				return
			}
		default:
			t.Fatalf("the slow page's channel is open, empty after %d events: it was not dropped", i)
		}
	}
	t.Errorf("the slow page's channel holds more than its buffer")
}

// TestAuditNoPhantomStarted: a page that opens after a cell ended is not told that it started, in the middle
// of a Run all or after it.
func TestAuditNoPhantomStarted(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("one")) + cell(2, "", pidSleeper)})
	events := f.events(t)
	id := f.startRun(t, "a.md", 0)
	until(t, events, 1, "end")
	until(t, events, 2, "output")
	sub, unsubscribe := f.srv.hub.subscribe(true)
	got := drain(t, sub.ch)
	unsubscribe()
	if count(got, "a.md", 1, "started") != 0 || count(got, "a.md", 2, "started") != 1 || got[0].data["run"] != id {
		t.Errorf("a page opened while In [2] of a Run all runs, after In [1] ended, got %v", got)
	}
	f.stopRun(t, "a.md", 0)
	sub, unsubscribe = f.srv.hub.subscribe(true)
	got = drain(t, sub.ch)
	unsubscribe()
	if len(got) != 0 {
		t.Errorf("a page opened after the run got %v", got)
	}
}

// TestAuditReloadSnippet: saving the file of a src= cell, in a directory of its own, reloads its lesson.
func TestAuditReloadSnippet(t *testing.T) {
	dir := t.TempDir()
	snippet := filepath.Join(dir, "snippets", "hi", "main.go")
	lessontest.Write(t, snippet, hello("v0"))
	path := filepath.Join(dir, "a.md")
	lessontest.Write(t, path, "# A\n\nIn [1]:\n\n```go src=snippets/hi/main.go\n```\n")
	lessontest.Write(t, filepath.Join(dir, "b.md"), "# B\n")
	srv, hs := startServer(t, Config{Engine: newEngine(t), Root: dir, Files: []string{path, filepath.Join(dir, "b.md")}, Token: token})
	f := &fixture{dir: dir, srv: srv, http: hs}
	events := f.events(t)
	// The watcher starts watching as the test goes on: save again until it sees a save, for ten seconds.
	deadline := time.Now().Add(10 * time.Second)
	for i := 1; ; i++ {
		if err := os.WriteFile(snippet, []byte(hello(fmt.Sprintf("v%d", i))), 0o644); err != nil {
			t.Fatal(err)
		}
		select {
		case ev := <-events:
			if ev.name != "reload" || ev.data["lesson"] != "a.md" {
				t.Fatalf("after a save of the snippet: %v", ev)
			}
			return
		case <-time.After(time.Second):
		}
		if time.Now().After(deadline) {
			t.Fatal("saving the snippet of a src= cell does not reload its lesson")
		}
	}
}

// TestAuditCloseEndsServer: when Close returns, the server cells it started have ended and freed their ports.
func TestAuditCloseEndsServer(t *testing.T) {
	port := lessontest.FreePort(t)
	f := newFixture(t, false, map[string]string{"a.md": cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.PIDServer, port))})
	events := f.events(t)
	f.startRun(t, "a.md", 1)
	pid := pidOf(t, events, 1)
	f.srv.Close()
	gone(t, pid, "when Close returned")
	lessontest.PortFree(t, port)
}
