package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"classnotes/runner/class"
	"classnotes/runner/engine"
)

// The class report: with --report, a student's check in a handout sends the teacher's runner serve, once it
// has printed everything, the state of each exercise it checked (class.Report). Sending never changes what
// the check prints on standard output or its exit code; what became of the report is one line on standard
// error.

// reportPath is the teacher's endpoint, under the URL the teacher gives.
const reportPath = "api/class/report"

// reportFlags adds the flags of the class report.
func reportFlags(fs *pflag.FlagSet) {
	fs.String("report", "", "send the state of each exercise to the teacher's serve at this URL (in a handout)")
	fs.String("code", "", "with --report: the class code the teacher gives")
	fs.String("name", "", "with --report: your name, as the teacher will see it")
	fs.Bool("share-diff", false, "with --report: also send the first line of each exercise's output that differs from the expected one")
}

// classTarget is where a report goes and as whom: the flags, checked before anything runs.
type classTarget struct {
	base      string // the teacher's URL as shown, ending in /
	endpoint  string // base + reportPath
	code      string
	name      string
	shareDiff bool
}

// maxCode bounds the class code, which travels in a header.
const maxCode = 128

// classTargetOf returns the target of the report the flags ask for, nil without --report, or a usage error.
func classTargetOf(fs *pflag.FlagSet) (*classTarget, error) {
	raw, _ := fs.GetString("report")
	code, _ := fs.GetString("code")
	name, _ := fs.GetString("name")
	shareDiff, _ := fs.GetBool("share-diff")
	if raw == "" {
		for _, flag := range []string{"code", "name", "share-diff"} {
			if fs.Changed(flag) {
				return nil, fmt.Errorf("--%s is for --report URL, which sends the state of your exercises to the teacher", flag)
			}
		}
		if fs.Changed("report") {
			return nil, errors.New("--report: expected the URL the teacher gives, such as http://192.168.1.20:8000/")
		}
		return nil, nil
	}
	if stale, _ := fs.GetBool("stale"); stale {
		return nil, errors.New("--report sends what a check found, and --stale runs nothing: give one of them")
	}
	if code == "" || strings.TrimSpace(name) == "" {
		return nil, errors.New("--report needs --code CODE and --name NAME: the class code the teacher gives, and your name as the teacher will see it")
	}
	u, err := reportURL(raw)
	if err != nil {
		return nil, err
	}
	if len(code) > maxCode || strings.IndexFunc(code, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
		return nil, fmt.Errorf("--code: expected the class code the teacher gives: at most %d letters, digits or signs, no spaces", maxCode)
	}
	name = strings.TrimSpace(name)
	if err := (&class.Report{Name: name}).Check(); err != nil {
		return nil, fmt.Errorf("--name: %s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), "report: "), "name: "))
	}
	return &classTarget{base: u.String(), endpoint: u.JoinPath(reportPath).String(), code: code, name: name, shareDiff: shareDiff}, nil
}

// reportURL checks the URL of --report: http or https, a host, and nothing that the report must not carry or
// that the teacher's URL does not have (credentials, a query, a fragment). Its path is made to end in /.
func reportURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	shown := raw
	if err == nil && u.User != nil {
		shown = u.Redacted() // a password is not repeated, not even to its owner's terminal
	}
	bad := func(why string) error {
		return fmt.Errorf("--report %q: %s; expected the URL the teacher gives, such as http://192.168.1.20:8000/", shown, why)
	}
	switch {
	case err != nil:
		return nil, bad("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("not an http or https URL")
	case u.Opaque != "" || u.Hostname() == "":
		return nil, bad("no host")
	case u.User != nil:
		return nil, bad("a URL with a user or password is not sent")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, bad("a URL with a query is not sent")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, bad("a URL with a fragment (#) is not the teacher's")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, bad("the port is not a number from 1 to 65535")
		}
	}
	if !strings.HasSuffix(u.Path, "/") {
		u = u.JoinPath("/")
	}
	return u, nil
}

// classReport gathers, while the check goes, what the report says: one result per exercise of a handout.
type classReport struct {
	target  *classTarget
	report  class.Report
	teacher bool // the checked lessons have an exercise with its solution: the teacher's copy
	handout bool // they have an exercise of a handout
}

// add adds cell r of lesson l, as the check reported it (cr), if it is an exercise of a handout that ran.
func (c *classReport) add(l *engine.Lesson, r *engine.Result, cr cellReport) {
	switch cr.Exercise {
	case "solution":
		c.teacher = true
		return
	case "solved", "not yet":
		c.handout = true
	default:
		return
	}
	if r.Skipped != "" {
		return // it did not run (a net exercise, offline): there is nothing to say of it
	}
	res := class.Result{
		Lesson: filepath.Base(l.Plan.File),
		Cell:   r.Cell().Number,
		Status: exerciseStatus(r, cr.Exercise == "solved"),
		Millis: min(max(cr.DurationMS, 0), class.MaxMillis),
	}
	if c.target.shareDiff {
		res.Diff = firstDiffLine(cr.Diff)
	}
	c.report.Exercises = append(c.report.Exercises, res)
}

// exerciseStatus returns the state of an exercise of a handout, as the report names it: solved when its output
// matched the expected one; otherwise what kept it from matching, from how the engine says its build and run
// went; not yet when it ran as the lesson says a program runs and printed something else.
func exerciseStatus(r *engine.Result, solved bool) class.Status {
	switch {
	case solved:
		return class.Solved
	case r.Build != nil && !r.Build.OK():
		return class.NoCompile
	case r.Run != nil && r.Run.TimedOut:
		return class.TimedOut
	case r.NotRun != "" || r.NotReady != "" || r.Build == nil || r.Run == nil:
		return class.RunFailed // not run (a server it runs with did not start) or not ready
	case r.Failed() && !r.ExpectsError():
		return class.RunFailed // a non-zero exit, a panic
	}
	return class.NotYet
}

// firstDiffLine returns the first line of a unified diff, after its header, that the student's run printed
// (starting with +), or, when it printed none, the first the notes have that it lacks (starting with -); the
// expected lines are the same for every student, the student's tell the teacher something. Made one short
// printable line; "" when the diff has no hunk.
func firstDiffLine(diff string) string {
	_, body, ok := strings.Cut("\n"+diff, "\n@@")
	if !ok {
		return "" // no hunk: not a difference
	}
	lines := strings.Split(body, "\n")
	for _, sign := range []string{"+", "-"} { // the student's line first: the expected one is the same for all
		for _, line := range lines[1:] { // lines[0] is the rest of the hunk's @@ line
			if strings.HasPrefix(line, sign) {
				return oneLine(line, class.MaxDiff)
			}
		}
	}
	return ""
}

// oneLine returns s as one line of at most limit bytes of printable characters: invalid UTF-8 and control or
// invisible characters removed, a tab kept as a space, the end cut at a character's boundary.
func oneLine(s string, limit int) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r) && r != ' ':
			continue
		}
		if b.Len()+utf8.RuneLen(r) > limit {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// sendClassReport sends the report, or says on standard error why there is none or why it was not sent.
func (a *App) sendClassReport(ctx context.Context, c *classReport) {
	switch {
	case !c.handout && c.teacher:
		a.reportf("no report sent: these are the teacher's lessons (exercises with their solutions), not a handout")
		return
	case !c.handout:
		a.reportf("no report sent: the checked lessons have no exercise")
		return
	}
	c.report.Name = c.target.name
	if c.report.Exercises == nil {
		c.report.Exercises = []class.Result{}
	}
	if n := len(c.report.Exercises); n > class.MaxExercises {
		a.reportf("report not sent: %d exercises, more than the %d a report holds: check fewer lessons at once (%s check --report … lessons/FILE.md)",
			n, class.MaxExercises, a.name())
		return
	}
	body, err := c.report.Encode()
	if err == nil {
		err = postReport(ctx, c.target, body)
	}
	if err != nil {
		a.reportf("report not sent: %s", strings.TrimPrefix(err.Error(), "report: "))
		return
	}
	a.reportf("report sent to %s (%s)", c.target.base, plural(len(c.report.Exercises), "exercise"))
}

// reportf prints one line about the report on standard error: "classnotes check: report sent to …".
func (a *App) reportf(format string, args ...any) {
	fmt.Fprintf(a.Stderr, a.name()+" check: "+format+"\n", args...)
}

// reportTiming bounds the sending of a report: each try, all of them, how many, the pause between two, and
// the longest a 429's Retry-After is waited for. A check that reports waits at most total for it.
var reportTiming = struct {
	try, total, pause, maxWait time.Duration
	tries                      int
}{try: 5 * time.Second, total: 10 * time.Second, pause: 500 * time.Millisecond, maxWait: 3 * time.Second, tries: 3}

// sendError is why one try failed, and whether another may do better (the teacher unreachable or busy).
type sendError struct {
	why   string
	retry bool
	wait  time.Duration // what a 429's Retry-After asked for
}

func (e *sendError) Error() string { return e.why }

// postReport posts body to the target's endpoint, trying again while the teacher's serve is unreachable or
// busy, within reportTiming.
func postReport(ctx context.Context, t *classTarget, body []byte) error {
	timing := reportTiming
	ctx, cancel := context.WithTimeout(ctx, timing.total)
	defer cancel()
	client := &http.Client{
		Transport: &http.Transport{
			Proxy:               nil, // straight to the teacher: the code goes to no one else
			DialContext:         (&net.Dialer{Timeout: timing.try}).DialContext,
			TLSHandshakeTimeout: timing.try,
			DisableKeepAlives:   true,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for try := 1; ; try++ {
		err := postOnce(ctx, client, t, body, timing.try)
		var se *sendError
		if err == nil || !errors.As(err, &se) || !se.retry || try >= timing.tries {
			return triesSaid(err, try)
		}
		wait := timing.pause * time.Duration(try)
		if se.wait > 0 {
			wait = min(se.wait, timing.maxWait)
		}
		if deadline, _ := ctx.Deadline(); time.Until(deadline) < wait {
			return triesSaid(err, try)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return triesSaid(err, try)
		}
	}
}

// triesSaid adds to err how many tries were made, when more than one.
func triesSaid(err error, tries int) error {
	if err == nil || tries == 1 {
		return err
	}
	return fmt.Errorf("%w (%d tries)", err, tries)
}

// postOnce posts body once, within timeout.
func postOnce(ctx context.Context, client *http.Client, t *classTarget, body []byte, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = http.Header{
		"Content-Type":  {"application/json"},
		"Authorization": {"Class " + t.code},
		"User-Agent":    {"classnotes"},
	}
	resp, err := client.Do(req)
	if err != nil {
		return transportError(err, t.base, timeout)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	status := resp.Status
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusUnauthorized:
		return &sendError{why: "the class code was not accepted"}
	case code >= 300 && code < 400:
		return &sendError{why: fmt.Sprintf("%s answered %s, a redirect, which is not followed: give the URL the teacher gives", t.base, status)}
	case code == http.StatusTooManyRequests && retryAfter(resp.Header.Get("Retry-After")) > 0:
		// Too many reports at once: another try after the wait asked, if short. Without Retry-After (the class
		// is full), waiting does not help: the message says what to do.
		return &sendError{why: serverSays(msg, status), retry: true, wait: retryAfter(resp.Header.Get("Retry-After"))}
	case code >= 500:
		return &sendError{why: fmt.Sprintf("%s answered %s", t.base, status), retry: true}
	}
	return &sendError{why: serverSays(msg, status)}
}

// serverSays returns the message of an answer refusing a report, made one printable line of at most 200
// bytes; its status when it has none.
func serverSays(msg []byte, status string) string {
	if line := oneLine(string(msg), 200); line != "" {
		return line
	}
	return "the teacher's serve answered " + oneLine(status, 200)
}

// transportError says why a request got no answer, and whether to try again: not for an address that does
// not resolve, nor for a certificate that is not trusted, which another try within seconds will not change.
func transportError(err error, base string, timeout time.Duration) error {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.Canceled):
		return &sendError{why: "interrupted"}
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &sendError{why: fmt.Sprintf("no answer from %s within %s", base, timeout), retry: true}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &sendError{why: fmt.Sprintf("nothing answers at %s (connection refused): is the teacher's serve running?", base), retry: true}
	case errors.As(err, &dns) && dns.IsNotFound:
		return &sendError{why: fmt.Sprintf("%s: no such host", base)}
	case errors.As(err, &cert):
		return &sendError{why: fmt.Sprintf("%s: %v", base, cert.Err)}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &sendError{why: fmt.Sprintf("%s: %v", base, err), retry: true}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// retryAfter returns the wait a Retry-After header asks for, in seconds or as a date; 0 when it asks none.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
		return time.Duration(min(n, 3600)) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0)
	}
	return 0
}
