package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"classnotes/runner/build"
	"classnotes/runner/cache"
	"classnotes/runner/engine"
	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

const token = "t0k3n-for-the-tests"

func TestMain(m *testing.M) { lessontest.Main(m) }

var cell = lessontest.Cell

func hello(word string) string {
	return fmt.Sprintf("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(%q) }\n", word)
}

// fixture is a served directory of lessons behind an httptest server.
type fixture struct {
	dir  string
	srv  *Server
	http *httptest.Server
}

// newFixture serves the lessons (file name → contents) from a temporary directory.
func newFixture(t *testing.T, lan bool, lessons map[string]string) *fixture {
	t.Helper()
	dir, files := writeLessons(t, lessons)
	srv, hs := startServer(t, Config{Engine: newEngine(t), Root: dir, Files: files, Token: token, LAN: lan})
	return &fixture{dir: dir, srv: srv, http: hs}
}

// writeLessons writes the lessons (file name → contents) into a temporary directory, and returns it and their
// paths.
func writeLessons(t *testing.T, lessons map[string]string) (dir string, files []string) {
	t.Helper()
	dir = t.TempDir()
	for name, src := range lessons {
		path := filepath.Join(dir, name)
		lessontest.Write(t, path, src)
		files = append(files, path)
	}
	return dir, files
}

// newEngine returns an engine whose cache is in a temporary directory of its own.
func newEngine(t *testing.T) *engine.Engine {
	t.Helper()
	c, err := cache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e, err := engine.New(engine.Config{Cache: c, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// startServer serves cfg's lessons, watching them, behind an httptest server, as runner serve does, until the
// test ends.
func startServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go srv.Watch(ctx)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		cancel()
		hs.CloseClientConnections()
		srv.Close()
		hs.Close()
	})
	return srv, hs
}

// do sends a request with the token as a bearer, unless auth is false, and returns the status and the body.
func (f *fixture) do(t *testing.T, method, path, body string, auth bool, header ...string) (int, string) {
	t.Helper()
	resp, b := f.response(t, method, path, body, auth, header...)
	return resp.StatusCode, b
}

// response sends a request as do does and returns the response, its body read and closed. header holds
// name, value pairs; "Host" sets the request's Host.
func (f *fixture) response(t *testing.T, method, path, body string, auth bool, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return send(t, req)
}

// send sends req, never following a redirect, and returns the response and its body, read whole.
func send(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// event is one Server-Sent Event.
type event struct {
	name string
	data map[string]any
}

// events follows /api/events as the teacher; the stream ends with the test.
func (f *fixture) events(t *testing.T) <-chan event {
	t.Helper()
	return f.eventsAs(t, true)
}

// eventsAs follows /api/events as the teacher (with the token) or as a student (without).
func (f *fixture) eventsAs(t *testing.T, teacher bool) <-chan event {
	t.Helper()
	req, _ := http.NewRequest("GET", f.http.URL+"/api/events", nil)
	if teacher {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/api/events: %s", resp.Status)
	}
	ch := make(chan event, 1000)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				var d map[string]any
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &d)
				ch <- event{name, d}
			}
		}
	}()
	return ch
}

// until collects events of cell until one named last arrives for it, and returns them with the output text.
func until(t *testing.T, ch <-chan event, cell int, last string) ([]event, string) {
	t.Helper()
	var got []event
	var out strings.Builder
	timeout := time.After(time.Minute)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("event stream ended; got %v", got)
			}
			if c, _ := ev.data["cell"].(float64); int(c) != cell {
				continue
			}
			got = append(got, ev)
			if ev.name == "output" {
				out.WriteString(ev.data["text"].(string))
			}
			if ev.name == last {
				return got, out.String()
			}
		case <-timeout:
			t.Fatalf("no %s event for In [%d]; got %v", last, cell, got)
		}
	}
}

func (f *fixture) port() string {
	_, port, _ := net.SplitHostPort(f.http.Listener.Addr().String())
	return port
}

// TestBadRequests: unknown lessons and cells are 404, malformed bodies 400, with a JSON error.
func TestBadRequests(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	for _, tt := range []struct {
		path, body string
		want       int
		msg        string
	}{
		{"/api/run", `{"lesson":"nope.md","cell":1}`, 404, `no lesson \"nope.md\"`},
		{"/api/run", `{"lesson":"a.md","cell":9}`, 404, "a.md: no cell In [9]"},
		{"/api/run", `{"lesson":"../a.md","cell":1}`, 404, "no lesson"},
		{"/api/run", `not json`, 400, "malformed request"},
		{"/api/run", `{"lesson":"a.md","cell":"one"}`, 400, "malformed request"},
		{"/api/run", strings.Repeat(" ", 5000) + `{}`, 400, "malformed request"},
		{"/api/stop", `{"lesson":"a.md","cell":1}`, 409, "In [1] is not running"},
		{"/api/accept", `{"lesson":"a.md","cell":1,"run":"nope"}`, 404, `no run \"nope\"`},
	} {
		code, body := f.do(t, "POST", tt.path, tt.body, true)
		if code != tt.want || !strings.Contains(body, `"error":`) || !strings.Contains(body, tt.msg) {
			t.Errorf("%s %.40s: %d %s, want %d with %q", tt.path, tt.body, code, body, tt.want, tt.msg)
		}
	}
	if code, _ := f.do(t, "GET", "/nope.html", "", true); code != 404 {
		t.Errorf("unknown page: %d", code)
	}
}

// TestRunAndAccept: a run streams its output and ends with the verdict; a second run of the running cell is
// refused; the code that runs is the file's, whatever the request carries; Accept writes only that cell's Out
// region, and is refused once the file changed on disk.
func TestRunAndAccept(t *testing.T) {
	slow := `package main

import (
	"fmt"
	"time"
)

func main() {
	for i := range 5 {
		fmt.Println("line", i)
		time.Sleep(100 * time.Millisecond)
	}
}`
	src := "# A lesson\n\nProse   with trailing spaces   \n\n" + cell(1, "", slow) + "Out [1]:\n\n```text\nold\n```\n\nMore prose.\n\n" + cell(2, "", hello("two"))
	f := newFixture(t, false, map[string]string{"a.md": src})
	events := f.events(t)

	code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1,"code":"package main\nfunc main() { println(\"pwned\") }"}`, true)
	var started struct{ Run string }
	if code != http.StatusAccepted || json.Unmarshal([]byte(body), &started) != nil || started.Run == "" {
		t.Fatalf("run: %d %s", code, body)
	}
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusConflict || !strings.Contains(body, "already running") {
		t.Errorf("second run of a running cell: %d %s", code, body)
	}
	got, out := until(t, events, 1, "end")
	if got[0].name != "started" || got[0].data["run"] != started.Run {
		t.Errorf("first event %v", got[0])
	}
	if out != "line 0\nline 1\nline 2\nline 3\nline 4\n" {
		t.Errorf("streamed output %q", out)
	}
	for _, ev := range got {
		if ev.data["run"] != started.Run {
			t.Errorf("%s event of another run: %v", ev.name, ev.data)
		}
	}
	end := got[len(got)-1].data
	if end["verdict"] != "differs" || !strings.Contains(end["diff"].(string), "+line 0") || end["run"] != started.Run {
		t.Errorf("end event %v", end)
	}

	code, body = f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":1,"run":%q}`, started.Run), true)
	if code != http.StatusOK || !strings.Contains(body, `"written":true`) {
		t.Fatalf("accept: %d %s", code, body)
	}
	after, err := os.ReadFile(filepath.Join(f.dir, "a.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "```text\nold\n```", "```text fp=", 1)
	prefix, _, _ := strings.Cut(want, "```text fp=")
	if !strings.HasPrefix(string(after), prefix+"```text fp=") || !strings.Contains(string(after), "\nline 0\nline 1\nline 2\nline 3\nline 4\n```\n\nMore prose.\n\n"+cell(2, "", hello("two"))) {
		t.Errorf("lesson after accept:\n%s", after)
	}

	// A run that began before the file changed cannot be accepted into it.
	code, body = f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":2}`, true)
	started.Run = ""
	if code != http.StatusAccepted || json.Unmarshal([]byte(body), &started) != nil || started.Run == "" {
		t.Fatalf("run of In [2]: %d %s", code, body)
	}
	until(t, events, 2, "end")
	edited := strings.Replace(string(after), "More prose.", "More prose, edited.", 1)
	if err := os.WriteFile(filepath.Join(f.dir, "a.md"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	code, body = f.do(t, "POST", "/api/accept", fmt.Sprintf(`{"lesson":"a.md","cell":2,"run":%q}`, started.Run), true)
	if code != http.StatusConflict || !strings.Contains(body, "changed on disk") {
		t.Errorf("accept after an edit: %d %s", code, body)
	}
	if b, _ := os.ReadFile(filepath.Join(f.dir, "a.md")); string(b) != edited {
		t.Errorf("the edit on disk was not kept")
	}
}

// TestStop: Stop ends a running cell; its end says so.
func TestStop(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", `package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("started")
	time.Sleep(time.Hour)
}`)})
	events := f.events(t)
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	until(t, events, 1, "output")
	// A page that opens now sees the run from its start.
	late, out := until(t, f.events(t), 1, "output")
	if late[0].name != "started" || out != "started\n" {
		t.Errorf("a page opened during the run got %v, output %q", late, out)
	}
	if code, body := f.do(t, "POST", "/api/stop", `{"lesson":"a.md","cell":1}`, true); code != http.StatusOK {
		t.Fatalf("stop: %d %s", code, body)
	}
	got, _ := until(t, events, 1, "end")
	if end := got[len(got)-1].data; end["status"] != "stopped" {
		t.Errorf("end after stop: %v", end)
	}
}

// TestServerCell: a server cell keeps running after it is ready, its output streaming as clients connect; a
// client run while it is down says so; Stop ends the server and frees its port.
func TestServerCell(t *testing.T) {
	port := lessontest.FreePort(t)
	server := fmt.Sprintf(lessontest.WelcomeServer, port)
	client := fmt.Sprintf(lessontest.ReadAllClientSaysError, port)
	f := newFixture(t, false, map[string]string{"a.md": cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), server) + cell(2, "", client)})
	events := f.events(t)

	code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":2}`, true)
	if code != http.StatusAccepted || !strings.Contains(body, `"down":[1]`) {
		t.Errorf("client without its server: %d %s", code, body)
	}
	until(t, events, 2, "end")

	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("server: %d %s", code, body)
	}
	until(t, events, 1, "started")
	for i := range 2 {
		// The server is up as long as it is not stopped: a client from outside connects too.
		var conn net.Conn
		var err error
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			if conn, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(conn)
		conn.Close()
		if string(b) != "welcome\n" {
			t.Errorf("client %d got %q", i, b)
		}
		if _, out := until(t, events, 1, "output"); !strings.Contains(out, "Connected by a client") {
			t.Errorf("server output %q", out)
		}
	}
	code, body = f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":2}`, true)
	if code != http.StatusAccepted || strings.Contains(body, "down") {
		t.Errorf("client with its server up: %d %s", code, body)
	}
	if _, out := until(t, events, 2, "end"); out != "welcome\n" {
		t.Errorf("client output %q", out)
	}
	if code, body := f.do(t, "POST", "/api/stop", `{"lesson":"a.md","cell":1}`, true); code != http.StatusOK {
		t.Fatalf("stop server: %d %s", code, body)
	}
	got, _ := until(t, events, 1, "end")
	if end := got[len(got)-1].data; end["status"] != "signal: interrupt" {
		t.Errorf("server end: %v", end)
	}
	lessontest.PortFree(t, port)
}

// TestReload: saving a lesson reloads it (event reload, new page); a lesson that stops parsing shows its
// errors and the other lessons are unaffected; editors' temporary files are ignored.
func TestReload(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n\n" + cell(1, "", hello("a")), "b.md": "# B\n\n" + cell(1, "", hello("b"))})
	events := f.events(t)
	path := filepath.Join(f.dir, "a.md")
	// An editor writes a temporary file, then renames it over the lesson.
	tmp := filepath.Join(f.dir, ".a.md.swp")
	if err := os.WriteFile(tmp, []byte("# A, edited\n\n"+cell(1, "", hello("a"))), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	ev := next(t, events, "reload", "lesson-error")
	if ev.name != "reload" || ev.data["lesson"] != "a.md" {
		t.Fatalf("after a save: %v", ev)
	}
	if _, body := f.do(t, "GET", "/a.html", "", true); !strings.Contains(body, "A, edited") {
		t.Errorf("the page does not show the edit")
	}
	// Saved as editors save, by rename: a write in place could be seen half done, as an empty lesson.
	if err := os.WriteFile(tmp, []byte("# A\n\nIn [1]:\n\n```go timeout=soon\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	ev = next(t, events, "reload", "lesson-error")
	if ev.name != "lesson-error" || !strings.Contains(ev.data["message"].(string), "a.md:5:7: timeout=soon: want a positive Go duration") {
		t.Errorf("after a bad save: %v", ev)
	}
	if code, body := f.do(t, "GET", "/a.html", "", true); code != http.StatusOK || !strings.Contains(body, "a.md:5:7: timeout=soon") {
		t.Errorf("page of a broken lesson: %d %.300s", code, body)
	}
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusConflict {
		t.Errorf("run in a broken lesson: %d %s", code, body)
	}
	if code, body := f.do(t, "GET", "/b.html", "", true); code != http.StatusOK || !strings.Contains(body, "<h1") {
		t.Errorf("the other lesson: %d", code)
	}
}

// next returns the next event named one of names.
func next(t *testing.T, ch <-chan event, names ...string) event {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case ev := <-ch:
			for _, n := range names {
				if ev.name == n {
					return ev
				}
			}
		case <-timeout:
			t.Fatalf("no %v event", names)
		}
	}
}

// TestFlood: a program that floods its output is capped on the stream as in the notes, and the server stays
// responsive.
func TestFlood(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", `package main

import (
	"os"
	"strings"
)

func main() {
	line := strings.Repeat("x", 1023) + "\n"
	for range 8 << 10 {
		os.Stdout.WriteString(line)
	}
}`)})
	events := f.events(t)
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	if code, _ := f.do(t, "GET", "/a.html", "", true); code != http.StatusOK {
		t.Errorf("page while flooding: %d", code)
	}
	_, out := until(t, events, 1, "end")
	shown, note, _ := strings.Cut(out, "\n[live output capped: ")
	if len(shown) != run.DefaultCap || !strings.HasPrefix(note, "7340032 more bytes not shown]") {
		t.Errorf("streamed %d bytes, then %.60q", len(shown), note)
	}
	if !bytes.Equal([]byte(shown[:1024]), []byte(strings.Repeat("x", 1023)+"\n")) {
		t.Errorf("stream starts %.40q", shown)
	}
}

// TestRunsFileOnDisk: a run right after a save runs the saved program, even before the page reloads.
func TestRunsFileOnDisk(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("before"))})
	events := f.events(t)
	if err := os.WriteFile(filepath.Join(f.dir, "a.md"), []byte(cell(1, "", hello("after"))), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	if _, out := until(t, events, 1, "end"); out != "after\n" {
		t.Errorf("ran %q, want the program on disk", out)
	}
}

// TestNotice: a run whose build must first compile the standard library (an empty Go build cache stands for a
// new Go version) tells the page so, naming the cell; the run can be stopped meanwhile.
func TestNotice(t *testing.T) {
	t.Setenv("GOCACHE", t.TempDir())
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	events := f.events(t)
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":1}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	ev := next(t, events, "notice")
	if ev.data["message"] != build.StdNotice || ev.data["cell"] != 1.0 || ev.data["lesson"] != "a.md" {
		t.Errorf("notice: %v", ev.data)
	}
	if code, body := f.do(t, "POST", "/api/stop", `{"lesson":"a.md","cell":1}`, true); code != http.StatusOK {
		t.Fatalf("stop: %d %s", code, body)
	}
	until(t, events, 1, "end")
}

// TestStopRunAll: stopping a run of all cells ends the cell it cut short with a stopped end, and gives the
// cell that had already ended no second end.
func TestStopRunAll(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("first")) + cell(2, "", `package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("started")
	time.Sleep(time.Hour)
}`)})
	events := f.events(t)
	if code, body := f.do(t, "POST", "/api/run", `{"lesson":"a.md","cell":0}`, true); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	var all []event
	first, _ := until(t, events, 1, "end")
	all = append(all, first...)
	second, _ := until(t, events, 2, "output")
	all = append(all, second...)
	if code, body := f.do(t, "POST", "/api/stop", `{"lesson":"a.md","cell":0}`, true); code != http.StatusOK {
		t.Fatalf("stop: %d %s", code, body)
	}
	got, _ := until(t, events, 2, "end")
	if end := got[len(got)-1].data; end["status"] != "stopped" {
		t.Errorf("In [2]'s end after the stop: %v", end)
	}
	// Whatever else comes within a moment: no second end for In [1].
	timeout := time.After(300 * time.Millisecond)
	for done := false; !done; {
		select {
		case ev := <-events:
			all = append(all, ev)
		case <-timeout:
			done = true
		}
	}
	ends := 0
	for _, ev := range all {
		if c, _ := ev.data["cell"].(float64); ev.name == "end" && c == 1 {
			ends++
		}
	}
	if ends != 1 {
		t.Errorf("In [1] ended %d times", ends)
	}
}
