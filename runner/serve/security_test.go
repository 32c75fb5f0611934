package serve

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestHostCheck(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	port := f.port()
	for host, want := range map[string]int{
		"127.0.0.1:" + port:       http.StatusOK,
		"localhost:" + port:       http.StatusOK,
		"[::1]:" + port:           http.StatusOK,
		"127.0.0.2":               http.StatusOK,
		"evil.example:" + port:    http.StatusForbidden, // DNS rebinding: a page of evil.example resolved to us
		"evil.example":            http.StatusForbidden,
		"192.0.2.1:" + port:       http.StatusForbidden,
		"localhost.evil.example:": http.StatusForbidden,
	} {
		if code, body := f.do(t, "GET", "/a.html", "", true, "Host", host); code != want {
			t.Errorf("Host %s: %d %s, want %d", host, code, body, want)
		}
	}
	// Streams too.
	if code, _ := f.do(t, "GET", "/api/events", "", true, "Host", "evil.example"); code != http.StatusForbidden {
		t.Errorf("events with a foreign Host: %d", code)
	}
}

func TestToken(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	for _, tt := range []struct {
		name, method, path, body string
		header                   []string
		want                     int
	}{
		{"page without token", "GET", "/a.html", "", nil, http.StatusUnauthorized},
		{"index without token", "GET", "/", "", nil, http.StatusUnauthorized},
		{"events without token", "GET", "/api/events", "", nil, http.StatusUnauthorized},
		{"run without token", "POST", "/api/run", `{"lesson":"a.md","cell":1}`, nil, http.StatusUnauthorized},
		{"wrong bearer", "GET", "/a.html", "", []string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"wrong cookie", "GET", "/a.html", "", []string{"Cookie", "classnotes-" + f.port() + "=nope"}, http.StatusUnauthorized},
		{"wrong token in the URL", "GET", "/?token=nope", "", nil, http.StatusUnauthorized},
		{"the token as a cookie", "GET", "/a.html", "", []string{"Cookie", "classnotes-" + f.port() + "=" + token}, http.StatusUnauthorized},
		{"cookie of another port", "GET", "/a.html", "", []string{"Cookie", "classnotes-1=" + token}, http.StatusUnauthorized},
	} {
		code, body := f.do(t, tt.method, tt.path, tt.body, false, tt.header...)
		if code != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, code, body, tt.want)
		}
	}

	// The token in the URL becomes a cookie and leaves the URL.
	req, _ := http.NewRequest("GET", f.http.URL+"/a.html?token="+token+"&x=1", nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/a.html?x=1" ||
		!regexp.MustCompile(`^classnotes-`+f.port()+`=[0-9a-f]{32}; `).MatchString(cookie) || strings.Contains(cookie, token) ||
		!strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Errorf("token URL: %s, Location %q, Set-Cookie %q; want a session cookie, not the token", resp.Status, resp.Header.Get("Location"), cookie)
	}
	if got := resp.Header.Get("Referrer-Policy"); got != "same-origin" {
		t.Errorf("Referrer-Policy %q", got)
	}
}

// TestCrossOrigin: a page on another site cannot make the teacher's browser run, stop or accept anything, even
// with the teacher's cookie.
func TestCrossOrigin(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": cell(1, "", hello("hi"))})
	for _, path := range []string{"/api/run", "/api/stop", "/api/accept"} {
		for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}} {
			code, body := f.do(t, "POST", path, `{"lesson":"a.md","cell":1}`, true, h...)
			if code != http.StatusForbidden {
				t.Errorf("%s with %s: %d %s", path, h[0], code, body)
			}
		}
	}
	// GET never changes state: the API has no GET that runs anything.
	if code, _ := f.do(t, "GET", "/api/run?lesson=a.md&cell=1", "", true); code == http.StatusAccepted || code == http.StatusOK {
		t.Errorf("GET /api/run: %d", code)
	}
}

// TestStudentView: with LAN, pages and events need no token, but every POST does.
func TestStudentView(t *testing.T) {
	f := newFixture(t, true, map[string]string{"a.md": cell(1, "", hello("hi"))})
	code, body := f.do(t, "GET", "/a.html", "", false)
	if code != http.StatusOK || !strings.Contains(body, `data-view="student"`) {
		t.Errorf("student page: %d", code)
	}
	if code, body := f.do(t, "GET", "/a.html", "", true); code != http.StatusOK || !strings.Contains(body, `data-view="teacher"`) {
		t.Errorf("teacher page: %d %.200s", code, body)
	}
	for _, path := range []string{"/api/run", "/api/stop", "/api/accept"} {
		if code, _ := f.do(t, "POST", path, `{"lesson":"a.md","cell":1}`, false); code != http.StatusUnauthorized {
			t.Errorf("student POST %s: %d", path, code)
		}
	}
}

// TestPolicy: no script runs on a page but its own, allowed by its hash: not one in a lesson's HTML.
func TestPolicy(t *testing.T) {
	f := newFixture(t, false, map[string]string{"a.md": "# A\n\n<script>alert(1)</script>\n\n" + cell(1, "", hello("hi")), "b.md": "In [1]:\n\n```go timeout=x\n```\n"})
	for _, page := range []string{"/a.html", "/b.html", "/", "/api/run"} {
		req, _ := http.NewRequest("GET", f.http.URL+page, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline'; style") && strings.Contains(csp, "script-src 'unsafe-inline'") {
			t.Errorf("%s: policy %q", page, csp)
		}
		if page == "/a.html" && csp != pagePolicy() {
			t.Errorf("lesson page policy %q", csp)
		}
		if page == "/b.html" && !strings.Contains(csp, "script-src 'sha256-") {
			t.Errorf("error page policy %q", csp)
		}
	}
}
