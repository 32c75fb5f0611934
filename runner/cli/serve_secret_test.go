package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// envCell prints what its environment says of the classroom's token.
var envCell = mainWith("fmt os strings", `	fmt.Printf("CLASSNOTES_TOKEN=%q\n", os.Getenv("CLASSNOTES_TOKEN"))
	for _, kv := range os.Environ() {
		if strings.Contains(kv, "s3cret") {
			fmt.Println("leaked:", kv)
		}
	}`)

// TestTokenNotInCells: with CLASSNOTES_TOKEN set, no cell sees it: not one run from the classroom, whose output
// streams to every student, nor one rendered into the notes.
func TestTokenNotInCells(t *testing.T) {
	const tok = "s3cret-token-of-the-teacher"
	t.Setenv("CLASSNOTES_TOKEN", tok)
	dir := t.TempDir()
	path := filepath.Join(dir, "lessons", "l.md")
	writeFile(t, path, cell(1, "", envCell))

	r := startRunner(t, dir, os.Getenv, "serve", "--addr", "127.0.0.1:0")
	m := firstLine(t, r, regexp.MustCompile(`^serving 1 lesson at (http://127\.0\.0\.1:\d+)/\?token=`+tok+`\n`))
	req, _ := http.NewRequest("GET", m[1]+"/api/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	events, err := (&http.Client{Timeout: time.Minute}).Do(req) // a run that never ends fails the test
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	if code, body := bearerPost(t, m[1], tok, "/api/run", `{"lesson":"l.md","cell":1}`); code != http.StatusAccepted {
		t.Fatalf("run: %d %s", code, body)
	}
	var out strings.Builder
	sc := bufio.NewScanner(events.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "event: end" {
			break
		}
		var d struct{ Text string }
		if data, ok := strings.CutPrefix(line, "data: "); ok && json.Unmarshal([]byte(data), &d) == nil {
			out.WriteString(d.Text)
		}
	}
	if got := out.String(); got != "CLASSNOTES_TOKEN=\"\"\n" {
		t.Errorf("the cell run from the classroom printed %q; want no token", got)
	}
	interrupt(t, r)

	code, _, stderr := runner(t, context.Background(), dir, "render", "--no-html")
	if code != exitOK {
		t.Fatalf("render: exit %d\n%s", code, stderr)
	}
	if got := readFile(t, path); strings.Contains(got, tok) || strings.Contains(got, "\nleaked: ") || !strings.Contains(got, "CLASSNOTES_TOKEN=\"\"") {
		t.Errorf("the rendered notes:\n%s", got)
	}
}

// TestServeBadToken: a token a teacher chose that is short, or has characters that a cookie or a URL would
// change, is refused with what is wrong, before anything is served.
func TestServeBadToken(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "l.md"), "# L\n")
	for tok, want := range map[string]string{
		"x":                           "runner: serve: CLASSNOTES_TOKEN: the token is 1 characters long: it needs at least 16",
		"a-long-token;with-semicolon": `runner: serve: CLASSNOTES_TOKEN: the token has ';' at character 13`,
		"a long token with spaces":    `runner: serve: CLASSNOTES_TOKEN: the token has ' ' at character 2`,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		r := startRunner(t, dir, func(k string) string {
			if k == "CLASSNOTES_TOKEN" {
				return tok
			}
			return os.Getenv(k)
		}, "serve", "--addr", "127.0.0.1:0")
		select {
		case code := <-r.exit:
			if code != exitBadInput || !strings.Contains(r.stderr.String(), want) || r.stdout.String() != "" {
				t.Errorf("token %q: exit %d, stdout %q, stderr:\n%s", tok, code, r.stdout.String(), r.stderr.String())
			}
		case <-ctx.Done():
			t.Errorf("token %q: serve did not refuse it; stdout %q", tok, r.stdout.String())
			r.cancel()
		}
		cancel()
	}
}

// TestServeOpenOneTimeCode: --open gives the browser a one-time code, not the token, since a command line is
// visible to every user of the machine (ps); the code opens the teacher's view once.
func TestServeOpenOneTimeCode(t *testing.T) {
	const tok = "s3cret-token-not-for-ps"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "l.md"), "# L\n")
	bin := filepath.Join(dir, "bin")
	argv := filepath.Join(dir, "xdg-open.argv")
	writeFile(t, filepath.Join(bin, "xdg-open"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > "+argv+".tmp && mv "+argv+".tmp "+argv+"\n")
	if err := os.Chmod(filepath.Join(bin, "xdg-open"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	r := startRunner(t, dir, func(k string) string {
		if k == "CLASSNOTES_TOKEN" {
			return tok
		}
		return os.Getenv(k)
	}, "serve", "--addr", "127.0.0.1:0", "--open")
	m := firstLine(t, r, regexp.MustCompile(`^serving 1 lesson at (http://127\.0\.0\.1:\d+)/\?token=`+tok+`\n`))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !waitFile(ctx, argv) {
		t.Fatalf("xdg-open never ran; stderr:\n%s", r.stderr.String())
	}
	opened := strings.TrimSpace(readFile(t, argv))
	if strings.Contains(opened, tok) || !regexp.MustCompile(`^`+regexp.QuoteMeta(m[1])+`/\?code=[0-9a-f]{32}$`).MatchString(opened) {
		t.Fatalf("xdg-open was given %q", opened)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		resp, err := client.Get(opened)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("opening the code, time %d: %s; want %d", i+1, resp.Status, want)
		}
	}
	interrupt(t, r)
	// An orphan that starts within a second after xdg-open ended is taken for the browser's and left alone (see
	// the README, "Programs the runner starts"): the next test's programs, in this same process, start after it.
	time.Sleep(1500 * time.Millisecond)
}

// TestHiddenLessonsNotFound: a hidden file in a lesson directory (.answers.md) is not a lesson: serve --lan
// published it to students, and render would draw it into the site.
func TestHiddenLessonsNotFound(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lessons", "a.md"), "# A\n")
	writeFile(t, filepath.Join(dir, "lessons", ".answers.md"), "# Answers\n")
	code, stdout, stderr := runner(t, context.Background(), dir, "list", "lessons")
	if code != exitOK || !strings.Contains(stdout, "a.md") || strings.Contains(stdout, "answers") {
		t.Errorf("list: exit %d\n%s%s", code, stdout, stderr)
	}
}
