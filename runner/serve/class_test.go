package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"classnotes/runner/class"
)

const classCode = "ABCD2345"

// exerciseLesson is a lesson with a cell that is no exercise (In [1]) and two exercises (In [2], In [3]).
var exerciseLesson = "# Exercises\n\n" + cell(1, "", hello("intro")) +
	cell(2, "exercise", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\t// BEGIN SOLUTION\n\tfmt.Println(42)\n\t// END SOLUTION\n}\n") +
	cell(3, "exercise", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\t// BEGIN SOLUTION\n\tfmt.Println(43)\n\t// END SOLUTION\n}\n")

// newClassFixture serves exerciseLesson as ex.md with LAN, the class code classCode and a class of at most
// maxStudents (0: the default).
func newClassFixture(t *testing.T, maxStudents int) *fixture {
	t.Helper()
	dir, files := writeLessons(t, map[string]string{"ex.md": exerciseLesson, "a.md": cell(1, "", hello("hi"))})
	srv, hs := startServer(t, Config{Engine: newEngine(t), Root: dir, Files: files, Token: token, LAN: true,
		ClassCode: classCode, MaxStudents: maxStudents})
	return &fixture{dir: dir, srv: srv, http: hs}
}

// reportOf returns a report as a student's check sends it: name, then per exercise its cell of ex.md and state.
func reportOf(t *testing.T, name string, results ...any) string {
	t.Helper()
	r := &class.Report{Name: name, Exercises: []class.Result{}}
	for i := 0; i+1 < len(results); i += 2 {
		r.Exercises = append(r.Exercises, class.Result{Lesson: "ex.md", Cell: results[i].(int), Status: results[i+1].(class.Status), Millis: 1500})
	}
	b, err := json.Marshal(r) // not Encode: some tests send what Check refuses
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// postReport sends a report as a student's check does, with the headers given (name, value pairs; "Host" sets
// the Host), and returns the response, its body read.
func (f *fixture) postReport(t *testing.T, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", f.http.URL+reportPath, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Class "+classCode)
	for i := 0; i+1 < len(header); i += 2 {
		switch {
		case header[i] == "Host":
			req.Host = header[i+1]
		case header[i+1] == "":
			req.Header.Del(header[i])
		default:
			req.Header.Set(header[i], header[i+1])
		}
	}
	return send(t, req)
}

// reportFrom sends a report to the server's handler as if from addr (an IP address): the loopback tests
// cannot send from several addresses.
func (f *fixture) reportFrom(addr, body string) (int, string) {
	req := httptest.NewRequest("POST", "http://127.0.0.1"+reportPath, strings.NewReader(body))
	req.RemoteAddr = addr + ":40000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Class "+classCode)
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// snapshot returns GET /api/class as the teacher gets it.
func (f *fixture) snapshot(t *testing.T) ClassSnapshot {
	t.Helper()
	code, body := f.do(t, "GET", "/api/class", "", true)
	var snap ClassSnapshot
	if err := json.Unmarshal([]byte(body), &snap); code != http.StatusOK || err != nil {
		t.Fatalf("GET /api/class: %d %s %v", code, body, err)
	}
	return snap
}

// TestClassReport: each rule of POST /api/class/report, with the status and the plain-text message a student's
// check prints. No answer sets a cookie or allows another origin.
func TestClassReport(t *testing.T) {
	f := newClassFixture(t, 0)
	good := reportOf(t, "Ana", 2, class.Solved, 3, class.NotYet)
	origin := "http://127.0.0.1:" + f.port()
	for _, tc := range []struct {
		name   string
		body   io.Reader
		header []string
		want   int
		msg    string // the whole message, or "" for none
	}{
		{"no code", strings.NewReader(good), []string{"Authorization", ""}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"wrong code", strings.NewReader(good), []string{"Authorization", "Class ABCD2346"}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"the code as a bearer", strings.NewReader(good), []string{"Authorization", "Bearer " + classCode}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"the token, not the code", strings.NewReader(good), []string{"Authorization", "Bearer " + token}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"the code alone", strings.NewReader(good), []string{"Authorization", classCode}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"the code with more", strings.NewReader(good), []string{"Authorization", "Class " + classCode + "X"}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"a cookie, no code", strings.NewReader(good), []string{"Authorization", "", "Cookie", "code=" + classCode}, http.StatusUnauthorized, "wrong or missing class code\n"},
		{"not JSON", strings.NewReader(`name=Ana`), nil, http.StatusBadRequest, "report: not a report (JSON with name and exercises)\n"},
		{"a name with a line break", strings.NewReader(reportOf(t, "Ana\nBo")), nil, http.StatusBadRequest, "report: name: has control or invisible characters\n"},
		{"not JSON's type", strings.NewReader(good), []string{"Content-Type", "text/plain"}, http.StatusUnsupportedMediaType, "a report is JSON: Content-Type: application/json\n"},
		{"too large", strings.NewReader(strings.Repeat(" ", class.MaxBody+1)), nil, http.StatusRequestEntityTooLarge, "a report is at most 16384 bytes\n"},
		{"too large, no length", io.MultiReader(strings.NewReader(`{"name": "`+strings.Repeat("a", class.MaxBody)), strings.NewReader(`"}`)), nil, http.StatusRequestEntityTooLarge, "a report is at most 16384 bytes\n"},
		{"an unknown exercise", strings.NewReader(reportOf(t, "Ana", 2, class.Solved, 9, class.Solved)), nil, http.StatusUnprocessableEntity, "an exercise the lessons do not have: ex.md In [9] (is your handout of this course?)\n"},
		{"a cell that is no exercise", strings.NewReader(reportOf(t, "Ana", 1, class.Solved)), nil, http.StatusUnprocessableEntity, "an exercise the lessons do not have: ex.md In [1] (is your handout of this course?)\n"},
		{"from another origin", strings.NewReader(good), []string{"Origin", "http://evil.example"}, http.StatusForbidden, ""},
		{"from another site", strings.NewReader(good), []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, ""},
		{"for another host", strings.NewReader(good), []string{"Host", "evil.example"}, http.StatusForbidden, ""},
		{"good", strings.NewReader(good), nil, http.StatusNoContent, ""},
		{"the code in small letters", strings.NewReader(good), []string{"Authorization", "Class " + strings.ToLower(classCode)}, http.StatusNoContent, ""},
		{"from this server's own page", strings.NewReader(good), []string{"Origin", origin, "Sec-Fetch-Site", "same-origin"}, http.StatusNoContent, ""},
	} {
		resp, body := f.postReport(t, tc.body, tc.header...)
		if resp.StatusCode != tc.want || tc.msg != "" && body != tc.msg {
			t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, body, tc.want, tc.msg)
		}
		if tc.msg != "" && resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tc.name, resp.Header.Get("Content-Type"))
		}
		for name := range resp.Header {
			if name == "Set-Cookie" || strings.HasPrefix(name, "Access-Control-") {
				t.Errorf("%s: the answer has %s: %s", tc.name, name, resp.Header.Get(name))
			}
		}
	}
	// Only the good reports counted, all of one student (Ana, from this address).
	snap := f.snapshot(t)
	if len(snap.Rows) != 1 || snap.Seq != 3 || snap.Rows[0].Name != "Ana" || snap.Rows[0].Results[0].Status != "solved" {
		t.Errorf("after the reports: %+v", snap)
	}
	if want := []string{"ex.md In [2]", "ex.md In [3]"}; strings.Join(snap.Exercises, "|") != strings.Join(want, "|") {
		t.Errorf("the class's exercises: %q, want %q", snap.Exercises, want)
	}
	// A browser's preflight is refused: no CORS.
	if code, _ := f.do(t, "OPTIONS", reportPath, "", false, "Origin", "http://evil.example", "Access-Control-Request-Method", "POST"); code < 400 {
		t.Errorf("preflight: %d", code)
	}
}

// TestClassNoLAN: without LAN there is no class: no code, no report route, no Class view.
func TestClassNoLAN(t *testing.T) {
	f := newFixture(t, false, map[string]string{"ex.md": exerciseLesson})
	if f.srv.ClassCode() != "" || f.srv.Class() != nil {
		t.Errorf("a class without LAN: code %q", f.srv.ClassCode())
	}
	if resp, body := f.postReport(t, strings.NewReader(reportOf(t, "Ana", 2, class.Solved))); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a report without LAN: %d %s", resp.StatusCode, body)
	}
	if code, _ := f.do(t, "GET", "/api/class", "", true); code != http.StatusNotFound {
		t.Errorf("GET /api/class without LAN: %d", code)
	}
	if _, body := f.do(t, "GET", "/ex.html", "", true); strings.Contains(body, `id="class`) || strings.Contains(body, `data-action="class"`) {
		t.Errorf("the teacher's page without LAN has a Class view")
	}
}

// TestClassRows: a student is a name from an address; a report replaces that student's row, never another's,
// whoever sends it.
func TestClassRows(t *testing.T) {
	f := newClassFixture(t, 0)
	for _, r := range []struct {
		addr, body string
	}{
		{"10.0.0.1", reportOf(t, "Ana", 2, class.Solved, 3, class.Solved)},
		{"10.0.0.2", reportOf(t, "Ana", 2, class.NoCompile)}, // another Ana
		{"10.0.0.1", reportOf(t, "Bo", 2, class.TimedOut)},   // Ana's machine, another name
		{"10.0.0.2", reportOf(t, "Ana", 3, class.RunFailed)}, // the second Ana again
	} {
		if code, body := f.reportFrom(r.addr, r.body); code != http.StatusNoContent {
			t.Fatalf("report from %s: %d %s", r.addr, code, body)
		}
	}
	snap := f.snapshot(t)
	var got []string
	for _, row := range snap.Rows {
		got = append(got, fmt.Sprintf("%d %s: %s, %s", row.Index, row.Name, row.Results[0].Status, row.Results[1].Status))
	}
	if want := "0 Ana: solved, solved|1 Ana (2): , failed at run time|2 Bo: timed out, "; strings.Join(got, "|") != want {
		t.Errorf("rows %q, want %q", got, want)
	}
	var counts []string
	for _, n := range snap.Counts {
		counts = append(counts, n.Text)
	}
	if want := "ex.md In [2]: 1 of 2 solved; 1 timed out|ex.md In [3]: 1 of 2 solved; 1 failed at run time"; strings.Join(counts, "|") != want {
		t.Errorf("counts %q, want %q", counts, want)
	}
}

// TestClassFull: a new student beyond the class's size is refused with 429 and no Retry-After (no later try
// helps); a student already in it still reports.
func TestClassFull(t *testing.T) {
	f := newClassFixture(t, 2)
	for _, addr := range []string{"10.0.0.1", "10.0.0.2"} {
		if code, body := f.reportFrom(addr, reportOf(t, "Ana", 2, class.Solved)); code != http.StatusNoContent {
			t.Fatalf("from %s: %d %s", addr, code, body)
		}
	}
	req := httptest.NewRequest("POST", "http://127.0.0.1"+reportPath, strings.NewReader(reportOf(t, "Cy", 2, class.Solved)))
	req.RemoteAddr = "10.0.0.3:1"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Class "+classCode)
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusTooManyRequests || rec.Body.String() != "the class is full: tell the teacher\n" || rec.Header().Get("Retry-After") != "" {
		t.Errorf("a third student in a class of 2: %d %q, Retry-After %q", rec.Code, rec.Body.String(), rec.Header().Get("Retry-After"))
	}
	if code, body := f.reportFrom("10.0.0.2", reportOf(t, "Ana", 2, class.NotYet)); code != http.StatusNoContent {
		t.Errorf("a student of the full class: %d %s", code, body)
	}
}

// TestClassFlood: 1,000 reports in a second from one address: reportBurst are taken, the rest refused with
// Retry-After, and meanwhile the server answers the teacher and the other students.
func TestClassFlood(t *testing.T) {
	f := newClassFixture(t, 0)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	body := reportOf(t, "Flood", 2, class.Solved)
	var taken, limited, other atomic.Int64
	var badRetry atomic.Value
	var wg sync.WaitGroup
	jobs := make(chan int)
	start := time.Now()
	for range 32 {
		wg.Go(func() {
			for range jobs {
				req, _ := http.NewRequest("POST", f.http.URL+reportPath, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Class "+classCode)
				resp, err := client.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusNoContent:
					taken.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
					if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
						badRetry.Store(resp.Header.Get("Retry-After"))
					}
				default:
					other.Add(1)
				}
			}
		})
	}
	for i := range 1000 {
		jobs <- i
		if i == 500 { // in the middle of the flood, the teacher's page, and another student
			if code, _ := f.do(t, "GET", "/ex.html", "", true); code != http.StatusOK {
				t.Errorf("the teacher's page during the flood: %d", code)
			}
			if code, msg := f.reportFrom("10.0.0.9", reportOf(t, "Cy", 2, class.Solved)); code != http.StatusNoContent {
				t.Errorf("another student during the flood: %d %s", code, msg)
			}
		}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	most := int64(reportBurst) + int64(elapsed/reportEvery) + 1
	if taken.Load() < int64(reportBurst) || taken.Load() > most || limited.Load() != 1000-taken.Load() || other.Load() != 0 {
		t.Errorf("1,000 reports in %v: %d taken (want %d to %d), %d limited, %d else", elapsed, taken.Load(), reportBurst, most, limited.Load(), other.Load())
	}
	if v := badRetry.Load(); v != nil {
		t.Errorf("a refused report's Retry-After: %q", v)
	}
	if snap := f.snapshot(t); len(snap.Rows) != 2 {
		t.Errorf("after the flood: %+v", snap.Rows)
	}
}

// TestRateLimit: an address sends burst at once, then one every every; others are not held back by it, and
// the addresses followed are bounded.
func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	l := newRateLimit(3, 2*time.Second, 2)
	for i := range 3 {
		if ok, _ := l.allow("a", now); !ok {
			t.Fatalf("request %d of a burst of 3 refused", i+1)
		}
	}
	if ok, wait := l.allow("a", now); ok || wait != 2*time.Second {
		t.Errorf("a fourth at once: %v, wait %v", ok, wait)
	}
	if ok, wait := l.allow("a", now.Add(time.Second)); ok || wait != time.Second {
		t.Errorf("a fourth a second later: %v, wait %v", ok, wait)
	}
	if ok, _ := l.allow("a", now.Add(2*time.Second)); !ok {
		t.Errorf("a fourth after 2 s refused")
	}
	if ok, _ := l.allow("b", now); !ok {
		t.Errorf("b held back by a")
	}
	// A third address, beyond the 2 followed, while the others' allowances are not whole: it is followed, the
	// address that will have its allowance whole first forgotten (a flood from many addresses never locks a
	// student out).
	if ok, _ := l.allow("c", now.Add(time.Second)); !ok || len(l.full) != 2 {
		t.Errorf("a third address refused, or more than 2 followed (%d)", len(l.full))
	}
	if _, kept := l.full["a"]; !kept {
		t.Errorf("a, the address with the most requests ahead, was forgotten rather than b")
	}
}

// TestClassView: the teacher's pages get the Class view, the class's state (GET /api/class) and each report as
// a class event; a student's page (LAN, no token) gets none of them, nor the class code.
func TestClassView(t *testing.T) {
	f := newClassFixture(t, 0)
	teacher, student := f.eventsAs(t, true), f.eventsAs(t, false)
	time.Sleep(100 * time.Millisecond) // both streams subscribed
	if code, body := f.reportFrom("10.0.0.1", reportOf(t, "<b>Ana</b>", 2, class.Solved)); code != http.StatusNoContent {
		t.Fatalf("report: %d %s", code, body)
	}
	// An event every page gets, after the class event: the student's stream has had its chance to get it.
	if code, body := f.do(t, "POST", "/api/notes", `{"lesson":"ex.md","hidden":true}`, true); code != http.StatusOK {
		t.Fatalf("hide notes: %d %s", code, body)
	}
	names := func(ch <-chan event) []string {
		var got []string
		for {
			select {
			case ev := <-ch:
				got = append(got, ev.name)
				if ev.name == "class" {
					row, _ := ev.data["row"].(map[string]any)
					counts, _ := ev.data["counts"].([]any)
					first, _ := counts[0].(map[string]any)
					if row["name"] != "<b>Ana</b>" || first["text"] != "ex.md In [2]: 1 of 1 solved" || ev.data["seq"] != 1.0 {
						t.Errorf("the class event: %v", ev.data)
					}
				}
				if ev.name == "notes" {
					return got
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("no notes event; got %q", got)
			}
		}
	}
	if got := names(teacher); strings.Join(got, " ") != "class notes" {
		t.Errorf("the teacher's page got %q", got)
	}
	if got := names(student); strings.Join(got, " ") != "notes" {
		t.Errorf("a student's page got %q", got)
	}

	code, page := f.do(t, "GET", "/ex.html", "", false)
	if code != http.StatusOK || strings.Contains(page, classCode) || strings.Contains(page, `id="class`) || strings.Contains(page, `data-action="class"`) {
		t.Errorf("a student's page: %d, has the class code or view", code)
	}
	if code, body := f.do(t, "GET", "/api/class", "", false); code != http.StatusUnauthorized || strings.Contains(body, "Ana") {
		t.Errorf("a student's GET /api/class: %d %s", code, body)
	}
	resp, page := f.response(t, "GET", "/ex.html", "", true)
	if !strings.Contains(page, `<table id="class" data-students="0"`) || !strings.Contains(page, `<th scope="col" data-exercise="ex.md In [2]">ex.md In [2]</th>`) ||
		!strings.Contains(page, "<strong>"+classCode+"</strong>") || strings.Contains(page, "Ana") {
		t.Errorf("the teacher's page's Class view:\n%s", page)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); csp != pagePolicy() || !strings.Contains(csp, "script-src 'sha256-") {
		t.Errorf("the teacher's page's policy: %q", csp)
	}
}

// TestLANAddress: the address serve tells students is the one it listens on, or, listening on every
// interface, one that the Host check lets through with LAN.
func TestLANAddress(t *testing.T) {
	if got := LANAddress(&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 8000}); got != "192.0.2.7" {
		t.Errorf("listening on 192.0.2.7: %q", got)
	}
	got := LANAddress(&net.TCPAddr{IP: net.IPv4zero, Port: 8000})
	s := &Server{hosts: allowedHosts(Config{LAN: true})}
	req := httptest.NewRequest("POST", "http://"+net.JoinHostPort(got, "8000")+reportPath, nil)
	if got == "" || !s.hostAllowed(req) {
		t.Errorf("listening on every interface: %q, which the Host check refuses", got)
	}
	t.Logf("this machine's LAN address: %s", got)
}

// TestClassNewStudents: a new student's report without exercises makes no row (422), and one address is at most
// class.MaxNamesPerAddress students (429): each answered with its message, the class unchanged.
func TestClassNewStudents(t *testing.T) {
	f := newClassFixture(t, 0)
	if code, body := f.reportFrom("10.0.0.1", reportOf(t, "Ana")); code != http.StatusUnprocessableEntity || body != "a report without exercises makes no student\n" {
		t.Errorf("a report without exercises: %d %q", code, body)
	}
	for i, name := range []string{"Ana", "Bo", "Cy", "Di"} {
		code, body := f.reportFrom("10.0.0.2", reportOf(t, name, 2, class.Solved))
		if i < class.MaxNamesPerAddress && code != http.StatusNoContent || i == class.MaxNamesPerAddress && (code != http.StatusTooManyRequests || !strings.HasPrefix(body, "at most 3 names report from one address")) {
			t.Errorf("name %d from one address: %d %q", i+1, code, body)
		}
	}
	if n := len(f.srv.Class().Rows()); n != class.MaxNamesPerAddress {
		t.Errorf("%d students, want %d", n, class.MaxNamesPerAddress)
	}
}
