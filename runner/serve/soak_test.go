//go:build linux

package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

// The soak of issue 20: a class of an hour against a real runner serve process, measured. One teacher and
// soakStudents students follow the events, each on a connection of its own; the teacher runs cells one after
// another (5 MB outputs, small cells, a compile error, a cell edited every few runs so that it is rebuilt, a
// server and its client), accepts some; the server's memory is sampled from /proc. Then a client that never
// reads follows a flood of output, and Ctrl-C ends the server with such a client attached. Every student must
// have got every event the teacher got, in order, byte for byte.
const (
	soakStudents    = 60
	soakRuns        = 650              // CLASSNOTES_SOAK_RUNS changes it
	soakSampleEvery = 25               // runs between two samples of the server's memory
	soakBudget      = 64 << 20         // what a class may add to the server's memory beyond the outputs on screen
	soakSettle      = 10 * time.Second // quiet after the last run before the memory is judged
	soakMaxFlood    = 200              // runs of 5 MB output at most, for the server to drop a client that never reads
	soakWait        = 3 * time.Minute  // for any one run to end
)

func TestSoak(t *testing.T) {
	if os.Getenv("CLASSNOTES_SOAK") != "1" {
		t.Skip("the soak of an hour-like class runs with CLASSNOTES_SOAK=1 (make soak)")
	}
	runs, pause := soakRuns, time.Duration(0)
	if s := os.Getenv("CLASSNOTES_SOAK_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("CLASSNOTES_SOAK_RUNS=%q: want a number of runs", s)
		}
		runs = n
	}
	if s := os.Getenv("CLASSNOTES_SOAK_PAUSE"); s != "" { // between two runs: 5s makes 650 runs an hour
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			t.Fatalf("CLASSNOTES_SOAK_PAUSE=%q: want a duration", s)
		}
		pause = d
	}
	srv := startSoakServer(t, buildRunner(t), writeSoakLessons(t))
	teacher := srv.follow(t, "127.0.0.1", true)
	// Each student is a machine of its own (the server allows maxStreamsPerAddr streams per address): a
	// loopback address of its own, 127.0.0.2 and up.
	students := make([]*follower, soakStudents)
	for i := range students {
		students[i] = srv.follow(t, fmt.Sprintf("127.0.0.%d", i+2), false)
	}
	c := &soakClass{t: t, srv: srv, teacher: teacher, ends: map[string]map[int]soakEvent{}, failed: map[string]string{},
		out: map[string]int{}, text: map[string]string{}, latest: map[string]string{}, outcomes: map[string]int{}, version: 1}
	c.sum.start = time.Now()
	c.session(runs, pause)
	c.slowClient()
	c.interrupt()
	c.compare(students)
	c.report(students)
}

// buildRunner builds the runner once, from the root of the module the test runs in.
func buildRunner(t *testing.T) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(root) == root {
			t.Fatal("no go.mod above the test's directory")
		}
		root = filepath.Dir(root)
	}
	bin := filepath.Join(t.TempDir(), "runner")
	cmd := exec.Command("go", "build", "-o", bin, "./runner")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./runner: %v\n%s", err, out)
	}
	return bin
}

// soakLessons is the served directory, and the port of its server cell.
type soakLessons struct {
	dir  string
	port int
}

// bigProgram prints 5 MB of 64-byte lines to stdout, or to stderr and then exits 3.
func bigProgram(stderr bool) string {
	out, tail := "os.Stdout", ""
	if stderr {
		out, tail = "os.Stderr", "\n\tos.Exit(3)"
	}
	return fmt.Sprintf(`package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	w := bufio.NewWriterSize(%s, 64<<10)
	pad := strings.Repeat("x", 49)
	for i := range %d / 64 {
		fmt.Fprintf(w, "line %%08d %%s\n", i, pad)
	}
	w.Flush()%s
}`, out, 5<<20, tail)
}

const versionProgram = `package main

import "fmt"

const version = 1

func main() {
	fmt.Println("version", version)
	for i := range 100 {
		fmt.Printf("line %d of version %d\n", i, version)
	}
}`

// writeSoakLessons writes the class's lessons: big.md (5 MB, small, compile error, 5 MB on stderr that exits
// 3), edit.md (a cell the test edits, a small one) and net.md (a server, its client).
func writeSoakLessons(t *testing.T) soakLessons {
	dir := t.TempDir()
	port := lessontest.FreePort(t)
	lessontest.Write(t, filepath.Join(dir, "big.md"), "# Outputs\n\n"+cell(1, "", bigProgram(false))+cell(2, "", hello("hello, class"))+
		cell(3, "", "package main\n\nfunc main() { undefined() }\n")+cell(4, "", bigProgram(true)))
	lessontest.Write(t, filepath.Join(dir, "edit.md"), "# Edited in class\n\n"+cell(1, "", versionProgram)+cell(2, "", hello("unchanged")))
	lessontest.Write(t, filepath.Join(dir, "net.md"), "# A server\n\n"+
		cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.GreetingServer, port))+
		cell(2, "", fmt.Sprintf(lessontest.ReadAllClient, port)))
	return soakLessons{dir: dir, port: port}
}

// soakServer is runner serve running as a process of its own.
type soakServer struct {
	lessons  soakLessons
	cmd      *exec.Cmd
	pid      int
	base     string // http://127.0.0.1:PORT
	port     int
	token    string
	stderr   *serverLog
	exited   chan struct{} // closed at exitedAt
	exitedAt time.Time
}

// startSoakServer starts runner serve --lan on a free loopback port, in a process group of its own, with a
// private cache and GODEBUG=gctrace=1 (its heap after each collection, read from its standard error).
func startSoakServer(t *testing.T, bin string, les soakLessons) *soakServer {
	t.Helper()
	s := &soakServer{lessons: les, token: "soak-" + newRunID(), stderr: &serverLog{}, exited: make(chan struct{})}
	firstLine := make(chan string, 1)
	s.cmd = exec.Command(bin, "serve", "--lan", "--addr", "127.0.0.1:0", "--cache", filepath.Join(t.TempDir(), "cache"), les.dir)
	godebug := "gctrace=1"
	if g := os.Getenv("GODEBUG"); g != "" {
		godebug = g + ",gctrace=1"
	}
	s.cmd.Env = append(os.Environ(), "CLASSNOTES_TOKEN="+s.token, "GODEBUG="+godebug)
	s.cmd.Stdout = &firstLineWriter{line: firstLine}
	s.cmd.Stderr = s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.cmd.WaitDelay = 5 * time.Second
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.pid = s.cmd.Process.Pid
	go func() {
		s.cmd.Wait()
		s.exitedAt = time.Now()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			syscall.Kill(-s.pid, syscall.SIGKILL) // the group this test made for it
			<-s.exited
		}
	})
	var line string
	select {
	case line = <-firstLine:
	case <-s.exited:
		t.Fatalf("runner serve exited: %s", s.stderr.tail())
	case <-time.After(time.Minute):
		t.Fatalf("runner serve printed no address in a minute: %s", s.stderr.tail())
	}
	m := regexp.MustCompile(`^serving 3 lessons at (http://127\.0\.0\.1:(\d+))/\?token=(\S+)$`).FindStringSubmatch(line)
	if m == nil || m[3] != s.token {
		t.Fatalf("runner serve's first line: %q", line)
	}
	s.base = m[1]
	s.port, _ = strconv.Atoi(m[2])
	return s
}

// firstLineWriter sends the first line written to it, and discards the rest.
type firstLineWriter struct {
	buf  []byte
	line chan<- string
	sent bool
}

func (w *firstLineWriter) Write(p []byte) (int, error) {
	if !w.sent {
		w.buf = append(w.buf, p...)
		if i := bytes.IndexByte(w.buf, '\n'); i >= 0 {
			w.line <- string(w.buf[:i])
			w.sent, w.buf = true, nil
		}
	}
	return len(p), nil
}

// serverLog reads the server's standard error: the live heap of each garbage collection (gctrace), and the
// last other lines, for a failure's message.
type serverLog struct {
	mu              sync.Mutex
	partial         []byte
	lines           []string
	heapMB, maxHeap int // live heap after the last collection, and the most it was
	gcs             int
}

var gcLine = regexp.MustCompile(`^gc \d+ @.* (\d+)->(\d+)->(\d+) MB`)

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		if m := gcLine.FindStringSubmatch(line); m != nil {
			l.heapMB, _ = strconv.Atoi(m[3])
			l.maxHeap = max(l.maxHeap, l.heapMB)
			l.gcs++
			continue
		}
		if l.lines = append(l.lines, line); len(l.lines) > 40 {
			l.lines = l.lines[1:]
		}
	}
}

func (l *serverLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func (l *serverLog) heap() (last, most, gcs int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.heapMB, l.maxHeap, l.gcs
}

// memory returns the server's resident set now and at its highest (VmRSS, VmHWM), in bytes.
func (s *soakServer) memory(t *testing.T) (rss, hwm int64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[2] == "kB" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "VmRSS:":
				rss = n << 10
			case "VmHWM:":
				hwm = n << 10
			}
		}
	}
	if rss == 0 || hwm == 0 {
		t.Fatalf("no VmRSS or VmHWM in /proc/%d/status", s.pid)
	}
	return rss, hwm
}

// follower is one page's event stream: a hash of each event (name and data), in order; the teacher's also
// keeps the events, their output's text left out.
type follower struct {
	mu      sync.Mutex
	sums    []uint64
	bytes   int64
	log     []soakEvent   // the teacher's
	notify  chan struct{} // the teacher's: an event arrived
	ended   chan struct{} // the stream ended
	endedAt time.Time
}

// soakEvent is an event as the teacher reads it; Text only when short (a long output keeps its length).
type soakEvent struct {
	Name    string `json:"-"`
	Lesson  string `json:"lesson"`
	Cell    int    `json:"cell"`
	Run     string `json:"run"`
	Status  string `json:"status"`
	Outcome string `json:"outcome"`
	Text    string `json:"text"`
	Message string `json:"message"`
	Len     int    `json:"-"`
}

var soakSeed = maphash.MakeSeed()

// follow opens the event stream from the loopback address ip, the teacher's with the token, and reads it to
// its end. It returns once the server has subscribed the stream.
func (s *soakServer) follow(t *testing.T, ip string, teacher bool) *follower {
	t.Helper()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	req, err := http.NewRequest("GET", s.base+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	if teacher {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events from %s: %s", ip, resp.Status)
	}
	f := &follower{ended: make(chan struct{}), notify: make(chan struct{}, 1)}
	go f.read(resp.Body, teacher)
	return f
}

func (f *follower) read(body io.ReadCloser, teacher bool) {
	defer close(f.ended)
	defer body.Close()
	br := bufio.NewReaderSize(body, 256<<10)
	var line, data []byte
	name := ""
	var err error
	for {
		if line, err = readLine(br, line); err != nil {
			f.mu.Lock()
			f.endedAt = time.Now()
			f.mu.Unlock()
			return
		}
		switch {
		case len(line) == 0 && name != "":
			f.add(name, data, teacher)
			name, data = "", data[:0]
		case bytes.HasPrefix(line, []byte("event: ")):
			name = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data[:0], line[len("data: "):]...)
		}
	}
}

// readLine reads a line of any length into buf, without its newline.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	buf = buf[:0]
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return buf, err
		}
		return buf[:len(buf)-1], nil
	}
}

func (f *follower) add(name string, data []byte, teacher bool) {
	var h maphash.Hash
	h.SetSeed(soakSeed)
	h.WriteString(name)
	h.WriteByte(0)
	h.Write(data)
	var ev soakEvent
	if teacher {
		json.Unmarshal(data, &ev) // a malformed event differs from nothing: its hash is compared
		ev.Name, ev.Len = name, len(ev.Text)
		if len(ev.Text) > 4<<10 {
			ev.Text = ""
		}
	}
	f.mu.Lock()
	f.sums = append(f.sums, h.Sum64())
	f.bytes += int64(len(name) + len(data))
	if teacher {
		f.log = append(f.log, ev)
	}
	f.mu.Unlock()
	if teacher {
		select {
		case f.notify <- struct{}{}:
		default:
		}
	}
}

// soakClass is the teacher at work, and what the teacher's stream told so far.
type soakClass struct {
	t        *testing.T
	srv      *soakServer
	teacher  *follower
	client   http.Client
	cursor   int                          // events of the teacher's log read so far
	ends     map[string]map[int]soakEvent // by run and cell
	failed   map[string]string            // the runs the server reported an error for
	out      map[string]int               // output bytes, by run/cell (pendingKey)
	text     map[string]string            // the first 4 kB of output, by run/cell
	latest   map[string]string            // the run/cell of the last run of each lesson#cell: what its page shows
	outcomes map[string]int               // "lesson#cell: outcome", counted

	version, edits  int // edit.md's cell 1: its version, its runs
	smalls, bigAlls int
	acceptedBig     bool
	maxQueued       atomic.Int64 // bytes, in the server's socket for the silent client
	sigint          time.Time
	sum             soakSummary
}

// soakSummary is what the report prints.
type soakSummary struct {
	start                     time.Time
	counts                           // so far
	session                   counts // at the end of the session
	sessionTime               time.Duration
	samples                   []soakSample
	startRSS, endRSS          int64
	settledRSS, hwm, onScreen int64
	heapMB, maxHeapMB, gcs    int
	slowClosed                bool
	slowAfter                 time.Duration
	slowRuns, slowEvents      int
	slowDrained               int64
	slowEnd                   string
	exitCode                  int
	exitTime                  time.Duration
	blocked                   int64 // bytes queued for the silent client at Ctrl-C
	mismatches, dropped       int
}

// counts counts the teacher's runs and accepts.
type counts struct {
	runs, big, rebuilds, broken, servers int
	accepts, written, busy               int
	stops, noResult                      int // server cells run on their own and stopped; those that ended with no result
}

// soakSample is the server's memory after some runs.
type soakSample struct {
	runs     int
	at       time.Duration
	rss, hwm int64
	heapMB   int
	events   int
}

// absorb reads the teacher's events that arrived since the last call.
func (c *soakClass) absorb() {
	c.teacher.mu.Lock()
	evs := c.teacher.log[c.cursor:]
	c.cursor = len(c.teacher.log)
	c.teacher.mu.Unlock()
	for _, ev := range evs {
		switch ev.Name {
		case "output":
			c.out[pendingKey(ev.Run, ev.Cell)] += ev.Len
			if k := pendingKey(ev.Run, ev.Cell); len(c.text[k]) < 4<<10 {
				c.text[k] += ev.Text
			}
		case "end":
			if c.ends[ev.Run] == nil {
				c.ends[ev.Run] = map[int]soakEvent{}
			}
			c.ends[ev.Run][ev.Cell] = ev
			c.latest[ev.Lesson+"#"+strconv.Itoa(ev.Cell)] = pendingKey(ev.Run, ev.Cell)
			c.outcomes[fmt.Sprintf("%s#%d: %s", ev.Lesson, ev.Cell, ev.Outcome)]++
		case "run-error":
			if ev.Run != "" {
				c.failed[ev.Run] = ev.Message
			}
		}
	}
}

// await waits until done says yes, reading the teacher's events, for at most soakWait.
func (c *soakClass) await(what string, done func() bool) {
	c.t.Helper()
	deadline := time.After(soakWait)
	for c.absorb(); !done(); c.absorb() {
		select {
		case <-c.teacher.notify:
		case <-c.teacher.ended:
			c.t.Fatalf("%s: the teacher's event stream ended; server: %s", what, c.srv.stderr.tail())
		case <-deadline:
			c.t.Fatalf("%s: not in %v; server: %s", what, soakWait, c.srv.stderr.tail())
		}
	}
}

// post sends a request of the teacher's and returns its status and body.
func (c *soakClass) post(path, body string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.srv.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.srv.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// start starts a run of a cell (0: Run all) and returns its id. A run refused as busy is tried again: the
// server allows it once the last end of the one before was sent, which is when the teacher asks.
func (c *soakClass) start(lesson string, cell int) string {
	c.t.Helper()
	body := fmt.Sprintf(`{"lesson":%q,"cell":%d}`, lesson, cell)
	for try := 0; ; try++ {
		code, b := c.post("/api/run", body)
		if code == http.StatusConflict && bytes.Contains(b, []byte("running")) && try < 100 {
			c.sum.busy++
			time.Sleep(50 * time.Millisecond)
			continue
		}
		var r struct{ Run string }
		if code != http.StatusAccepted || json.Unmarshal(b, &r) != nil || r.Run == "" {
			c.t.Fatalf("run %s In [%d]: %d %s", lesson, cell, code, b)
		}
		c.sum.runs++
		return r.Run
	}
}

// wait waits for the ends of the cells of run.
func (c *soakClass) wait(runID string, cells ...int) {
	c.t.Helper()
	c.await("the end of run "+runID, func() bool {
		if msg, ok := c.failed[runID]; ok {
			c.t.Fatalf("run %s: error: %s", runID, msg)
		}
		for _, n := range cells {
			if _, ok := c.ends[runID][n]; !ok {
				return false
			}
		}
		return true
	})
}

// runCell runs a cell, waits for its end and returns the run.
func (c *soakClass) runCell(lesson string, cell int) string {
	c.t.Helper()
	id := c.start(lesson, cell)
	c.wait(id, cell)
	return id
}

// accept accepts the output of a cell of a run and reports whether it was written.
func (c *soakClass) accept(lesson string, cell int, runID string) bool {
	c.t.Helper()
	code, b := c.post("/api/accept", fmt.Sprintf(`{"lesson":%q,"cell":%d,"run":%q}`, lesson, cell, runID))
	var r struct{ Written bool }
	if code != http.StatusOK || json.Unmarshal(b, &r) != nil {
		c.t.Fatalf("accept %s In [%d] of run %s: %d %s", lesson, cell, runID, code, b)
	}
	c.sum.accepts++
	if r.Written {
		c.sum.written++
	}
	return r.Written
}

// expect fails the test unless the end of a cell of run id has an outcome starting with outcome, and its
// output starts with prefix, or, with prefix "big", is as long as the live output's cap.
func (c *soakClass) expect(id string, cell int, outcome, prefix string) {
	c.t.Helper()
	ev, k := c.ends[id][cell], pendingKey(id, cell)
	switch {
	case !strings.HasPrefix(ev.Outcome, outcome):
		c.t.Errorf("run %s In [%d] of %s: %q, want %q", id, cell, ev.Lesson, ev.Outcome, outcome)
	case prefix == "big" && c.out[k] < run.DefaultCap:
		c.t.Errorf("run %s In [%d] of %s: %d bytes of output, want the %d of the cap", id, cell, ev.Lesson, c.out[k], run.DefaultCap)
	case prefix != "big" && !strings.HasPrefix(c.text[k], prefix):
		c.t.Errorf("run %s In [%d] of %s: output %.200q, want it to start with %q", id, cell, ev.Lesson, c.text[k], prefix)
	}
}

// session runs the class: the steps below in turn, one run after another (pause between steps), until runs
// have been started, sampling the server's memory every soakSampleEvery runs; then it judges the memory after a quiet while.
func (c *soakClass) session(runs int, pause time.Duration) {
	steps := []func(){c.big1, c.small, c.edit, c.broken, c.serverAndClient, c.big4, c.editSmall, c.bigAll, c.netAll,
		c.big1, c.edit, c.small} // 13 runs: 5 of them 5 MB outputs (Run all has two)
	c.sample()
	c.sum.startRSS = c.sum.samples[0].rss
	for i, next := 0, soakSampleEvery; c.sum.runs < runs; i++ {
		steps[i%len(steps)]()
		time.Sleep(pause)
		if c.sum.runs >= next || c.sum.runs >= runs {
			c.sample()
			next += soakSampleEvery
		}
	}
	c.sum.session, c.sum.sessionTime = c.sum.counts, time.Since(c.sum.start)
	c.sum.endRSS, _ = c.srv.memory(c.t)
	time.Sleep(soakSettle)
	c.sum.settledRSS, c.sum.hwm = c.srv.memory(c.t)
	for _, m := range c.sum.samples { // the kernel's high-water mark may miss memory returned with madvise
		c.sum.hwm = max(c.sum.hwm, m.rss, m.hwm)
	}
	c.sum.heapMB, c.sum.maxHeapMB, c.sum.gcs = c.srv.stderr.heap()
	// What the pages show now: the output of the last run of each cell (no cell runs, so no catch-up buffer
	// holds any). The server keeps each twice for Accept, as the raw output and as the recorded text.
	for _, k := range c.latest {
		c.sum.onScreen += int64(c.out[k])
	}
	if limit := c.sum.startRSS + soakBudget + 2*c.sum.onScreen; c.sum.settledRSS > limit {
		c.t.Errorf("the server's RSS after the session is %s, over start %s + 64 MB + 2 × %s on screen = %s",
			mb(c.sum.settledRSS), mb(c.sum.startRSS), mb(c.sum.onScreen), mb(limit))
	}
}

func (c *soakClass) sample() {
	rss, hwm := c.srv.memory(c.t)
	heap, _, _ := c.srv.stderr.heap()
	c.teacher.mu.Lock()
	events := len(c.teacher.sums)
	c.teacher.mu.Unlock()
	s := soakSample{runs: c.sum.runs, at: time.Since(c.sum.start).Round(time.Second), rss: rss, hwm: hwm, heapMB: heap, events: events}
	c.sum.samples = append(c.sum.samples, s)
	c.t.Logf("soak: %4d runs %8v  RSS %s  peak %s  live heap %3d MB  %6d events", s.runs, s.at, mb(s.rss), mb(s.hwm), s.heapMB, s.events)
}

func mb(n int64) string { return fmt.Sprintf("%6.1f MB", float64(n)/(1<<20)) }

func (c *soakClass) big1() {
	id := c.runCell("big.md", 1)
	c.expect(id, 1, "ok", "big")
	c.sum.big++
	if !c.acceptedBig {
		c.acceptedBig = true // once: the lesson then holds a recorded output of 1 MB, compared with every run
		if !c.accept("big.md", 1, id) {
			c.t.Errorf("accept of a first 5 MB output: not written")
		}
	}
}

func (c *soakClass) big4() {
	id := c.runCell("big.md", 4)
	c.expect(id, 4, "exit status 3", "big")
	c.sum.big++
}

func (c *soakClass) small() {
	id := c.runCell("big.md", 2)
	c.expect(id, 2, "ok", "hello, class\n")
	if c.smalls++; c.smalls%4 == 1 {
		c.accept("big.md", 2, id)
	}
}

func (c *soakClass) broken() {
	id := c.runCell("big.md", 3)
	c.expect(id, 3, "compile error", "")
	c.sum.broken++
}

// edit runs edit.md's cell 1, editing its program first every third time, as a teacher's editor saves it (a
// file renamed over the lesson): the server reloads the lesson and the cell is built again.
func (c *soakClass) edit() {
	c.edits++
	changed := c.edits%3 == 0
	if changed {
		c.version++
		path := filepath.Join(c.srv.lessons.dir, "edit.md")
		src, err := os.ReadFile(path)
		if err != nil {
			c.t.Fatal(err)
		}
		edited := regexp.MustCompile(`const version = \d+`).ReplaceAll(src, fmt.Appendf(nil, "const version = %d", c.version))
		tmp := filepath.Join(c.srv.lessons.dir, ".edit.md.swp") // an editor's file: neither a lesson nor watched
		if err := os.WriteFile(tmp, edited, 0o644); err != nil {
			c.t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			c.t.Fatal(err)
		}
		c.sum.rebuilds++
	}
	id := c.runCell("edit.md", 1)
	c.expect(id, 1, "ok", fmt.Sprintf("version %d\n", c.version))
	if (changed || c.edits == 1) && !c.accept("edit.md", 1, id) {
		c.t.Errorf("accept of version %d: not written", c.version)
	}
}

func (c *soakClass) editSmall() {
	id := c.runCell("edit.md", 2)
	c.expect(id, 2, "ok", "unchanged\n")
}

// serverAndClient starts the server cell on its own, runs its client once it listens, and stops it.
func (c *soakClass) serverAndClient() {
	srv := c.start("net.md", 1)
	c.await("the server cell listening", func() bool {
		return strings.HasPrefix(c.text[pendingKey(srv, 1)], "listening\n") || c.ends[srv] != nil
	})
	if ev, ok := c.ends[srv][1]; ok {
		c.t.Fatalf("the server cell ended: %s", ev.Outcome)
	}
	id := c.runCell("net.md", 2)
	c.expect(id, 2, "ok", "hello from the server\n")
	if code, b := c.post("/api/stop", `{"lesson":"net.md","cell":1}`); code != http.StatusOK {
		c.t.Fatalf("stop the server cell: %d %s", code, b)
	}
	c.wait(srv, 1)
	c.expect(srv, 1, "stopped", "listening\n")
	if o := c.ends[srv][1].Outcome; !strings.HasPrefix(o, "stopped (") {
		// Stopped, but with no result to show or accept, though it listened and served.
		c.sum.noResult++
		c.t.Logf("run %s: the server cell, stopped after its client ran, ended %q", srv, o)
	}
	c.sum.servers++
	c.sum.stops++
}

func (c *soakClass) netAll() {
	id := c.start("net.md", 0)
	c.wait(id, 1, 2)
	c.expect(id, 1, "stopped", "listening\n")
	c.expect(id, 2, "ok", "hello from the server\n")
	c.sum.servers++
}

func (c *soakClass) bigAll() {
	id := c.start("big.md", 0)
	c.wait(id, 1, 2, 3, 4)
	c.expect(id, 1, "ok", "big")
	c.expect(id, 2, "ok", "hello, class\n")
	c.expect(id, 3, "compile error", "")
	c.expect(id, 4, "exit status 3", "big")
	c.sum.big += 2
	c.sum.broken++
	if c.bigAlls++; c.bigAlls%3 == 1 {
		c.accept("big.md", 2, id)
	}
}

// silent opens an event stream from the loopback address ip that the test never reads, with a small receive
// buffer, and returns it and its local address.
func (s *soakServer) silent(t *testing.T, ip string) (net.Conn, *net.TCPAddr) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		rc.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10) })
		return err
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := fmt.Fprintf(conn, "GET /api/events HTTP/1.1\r\nHost: %s\r\n\r\n", strings.TrimPrefix(s.base, "http://")); err != nil {
		t.Fatal(err)
	}
	local := conn.LocalAddr().(*net.TCPAddr)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		held, _, err := s.holds(local)
		if err != nil {
			t.Fatal(err)
		}
		if held {
			return conn, local
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server holds no socket of the connection from %v", local)
		}
	}
}

// holds reports whether the server process holds its end of the connection from local (a socket it closed
// is orphaned, inode 0, or gone), and how many bytes wait in that end's send queue.
func (s *soakServer) holds(local *net.TCPAddr) (bool, int64, error) {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false, 0, err
	}
	hex := func(ip net.IP, port int) string {
		ip = ip.To4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], port)
	}
	ours, theirs := hex(net.IPv4(127, 0, 0, 1), s.port), hex(local.IP, local.Port)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[1] != ours || f[2] != theirs {
			continue
		}
		tx, _, _ := strings.Cut(f[4], ":")
		queued, _ := strconv.ParseInt(tx, 16, 64)
		if f[9] == "0" {
			return false, queued, nil
		}
		fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", s.pid))
		if err != nil {
			return false, 0, err
		}
		for _, fd := range fds {
			if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", s.pid, fd.Name())); l == "socket:["+f[9]+"]" {
				return true, queued, nil
			}
		}
		return false, queued, nil
	}
	return false, 0, nil
}

// slowClient follows the events on a connection that never reads while 5 MB outputs flow, until the server
// drops it: it must close the connection without the client reading. Then the client reads what the kernel
// still holds for it: data, then the end of the stream.
func (c *soakClass) slowClient() {
	conn, local := c.srv.silent(c.t, "127.0.0.200")
	runs, events := c.sum.runs, len(c.teacher.log)
	start := time.Now()
	closed := make(chan time.Duration, 1)
	var pollErr error
	done := make(chan struct{})
	defer close(done)
	go func() {
		for tick := time.NewTicker(20 * time.Millisecond); ; {
			held, queued, err := c.srv.holds(local)
			c.maxQueued.Store(max(c.maxQueued.Load(), queued))
			if err != nil || !held {
				pollErr = err
				closed <- time.Since(start)
				return
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	for i := 0; !c.sum.slowClosed && time.Since(start) < streamWriteTimeout+5*time.Second && i < soakMaxFlood; i++ {
		if i%2 == 0 {
			c.big1()
		} else {
			c.big4()
		}
		select {
		case c.sum.slowAfter = <-closed:
			if pollErr != nil {
				c.t.Fatal(pollErr)
			}
			c.sum.slowClosed = true
		default:
		}
	}
	c.teacher.mu.Lock()
	c.sum.slowRuns, c.sum.slowEvents = c.sum.runs-runs, len(c.teacher.log)-events
	c.teacher.mu.Unlock()
	switch {
	case !c.sum.slowClosed:
		c.t.Errorf("a client that never reads is still connected after %d runs of 5 MB output (%v)", c.sum.slowRuns, time.Since(start))
		return
	case c.sum.slowAfter >= streamWriteTimeout:
		// Its first write that blocked began after the flood did: closed this late, the connection may have
		// been ended by that write's timeout, not by the drop.
		c.t.Errorf("a client that never reads was dropped, but its connection closed only %v after the flood began, not before its write timeout (%v)", c.sum.slowAfter, streamWriteTimeout)
	}
	for buf := make([]byte, 64<<10); ; {
		conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		n, err := conn.Read(buf)
		c.sum.slowDrained += int64(n)
		if err != nil {
			c.sum.slowEnd = err.Error()
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
				c.sum.slowEnd = "end of stream"
			} else {
				c.t.Errorf("the connection the server closed did not end when read: %v", err)
			}
			return
		}
	}
}

// soakExitLimit bounds how long Ctrl-C may take: the grace a stream gets for what is queued for it, and time
// to stop the server cell. runner serve's shutdown gives up on connections after 3 s: an exit that late
// waited for one (before issue 20, the full 5 s for a client that never reads).
var soakExitLimit = closeGrace + 1500*time.Millisecond

// interrupt sends Ctrl-C (SIGINT) to the server while a client that never reads is attached, its buffers
// full, and a server cell runs: the server must exit 130 without waiting for that client, the pages having
// been told that the server cell was stopped.
func (c *soakClass) interrupt() {
	_, local := c.srv.silent(c.t, "127.0.0.201")
	// The kernel's buffers for the silent client fill, and the server's writes to it block: more output than
	// they held for the first one, far fewer events than it takes to drop it.
	for range 2 + int(c.maxQueued.Load()/run.DefaultCap) {
		c.big1()
	}
	held, queued, err := c.srv.holds(local)
	if err != nil {
		c.t.Fatal(err)
	}
	if !held || queued == 0 {
		c.t.Fatalf("the silent client before Ctrl-C: held by the server %v, %d bytes queued for it", held, queued)
	}
	c.sum.blocked = queued
	srv := c.start("net.md", 1)
	c.await("the server cell listening", func() bool { return strings.HasPrefix(c.text[pendingKey(srv, 1)], "listening\n") })
	c.sigint = time.Now()
	if err := syscall.Kill(c.srv.pid, syscall.SIGINT); err != nil {
		c.t.Fatal(err)
	}
	select {
	case <-c.srv.exited:
	case <-time.After(time.Minute):
		c.t.Fatalf("runner serve still runs a minute after Ctrl-C: %s", c.srv.stderr.tail())
	}
	c.sum.exitTime = c.srv.exitedAt.Sub(c.sigint)
	c.sum.exitCode = c.srv.cmd.ProcessState.ExitCode()
	if c.sum.exitCode != 130 || c.sum.exitTime >= soakExitLimit {
		c.t.Errorf("Ctrl-C: exit code %d after %v, want 130 in less than %v; server: %s", c.sum.exitCode, c.sum.exitTime, soakExitLimit, c.srv.stderr.tail())
	}
	select {
	case <-c.teacher.ended:
	case <-time.After(10 * time.Second):
		c.t.Fatal("the teacher's event stream did not end with the server")
	}
	c.absorb()
	if _, ok := c.ends[srv][1]; !ok {
		c.t.Errorf("the pages were not told that Ctrl-C stopped the server cell")
	} else {
		c.expect(srv, 1, "stopped", "listening\n")
	}
	lessontest.PortFree(c.t, c.srv.lessons.port)
}

// compare fails the test for every student whose events are not the teacher's, in the same order.
func (c *soakClass) compare(students []*follower) {
	want := c.teacher.sums
	for i, s := range students {
		select {
		case <-s.ended:
		case <-time.After(10 * time.Second):
			c.t.Fatalf("student %d's event stream did not end with the server", i+1)
		}
		if s.endedAt.Before(c.sigint) {
			c.sum.dropped++
		}
		n := 0
		for n < len(want) && n < len(s.sums) && want[n] == s.sums[n] {
			n++
		}
		if n == len(want) && n == len(s.sums) {
			continue
		}
		if c.sum.mismatches++; c.sum.mismatches <= 5 {
			at := "after the last"
			if n < len(want) {
				ev := c.teacher.log[n]
				at = fmt.Sprintf("at the teacher's %s of run %s In [%d] of %s", ev.Name, ev.Run, ev.Cell, ev.Lesson)
			}
			c.t.Errorf("student %d (127.0.0.%d): %d events, the teacher %d; they differ from event %d on, %s", i+1, i+2, len(s.sums), len(want), n, at)
		}
	}
}

// report logs the samples and a summary to paste into a note.
func (c *soakClass) report(students []*follower) {
	s := &c.sum
	var b strings.Builder
	fmt.Fprintf(&b, "\n  runs   time       RSS        peak      live heap  events\n")
	for _, m := range s.samples {
		fmt.Fprintf(&b, "  %4d %8v  %s  %s  %4d MB  %7d\n", m.runs, m.at, mb(m.rss), mb(m.hwm), m.heapMB, m.events)
	}
	within := func(d, limit int64) string {
		if d < limit {
			return "within"
		}
		return "OVER"
	}
	limit := soakBudget + 2*s.onScreen
	fmt.Fprintf(&b, "\n--- soak of an hour-like class (issue 20) ---\n")
	fmt.Fprintf(&b, "runs         %d in %v, one after another: %d outputs of 5 MB (1 MB of each shown: the cap), %d rebuilds of a cell edited in class, %d compile errors, %d servers with a client; %d accepts (%d written); %d runs asked again while the one before was ending\n",
		s.session.runs, s.sessionTime.Round(time.Second), s.session.big, s.session.rebuilds, s.session.broken, s.session.servers,
		s.session.accepts, s.session.written, s.session.busy)
	fmt.Fprintf(&b, "streams      the teacher's and %d students', each on its own connection: %d events each (%s)\n", len(students), len(c.teacher.sums), mb(c.teacher.bytes))
	fmt.Fprintf(&b, "mismatches   %d students whose events are not the teacher's, in order, byte for byte (streams dropped before Ctrl-C: %d)\n", s.mismatches, s.dropped)
	fmt.Fprintf(&b, "RSS start    %s (streams open, nothing run yet)\n", mb(s.startRSS))
	fmt.Fprintf(&b, "RSS peak     %s (VmHWM over the session, or a sample above it; peak - start = %s)\n", mb(s.hwm), mb(s.hwm-s.startRSS))
	fmt.Fprintf(&b, "RSS end      %s right after the last run, %s after %v of quiet (end - start = %s)\n", mb(s.endRSS), mb(s.settledRSS), soakSettle, mb(s.settledRSS-s.startRSS))
	fmt.Fprintf(&b, "live heap    %d MB after the last collection, at most %d MB (gctrace, %d collections)\n", s.heapMB, s.maxHeapMB, s.gcs)
	fmt.Fprintf(&b, "on screen    %s: the output of the last run of each cell, which the pages show (no cell runs at the end, so no catch-up buffer, at most 1 MB a running cell, holds any); the server keeps it twice for Accept (raw, and as recorded), and keeps at most keptBytes = %d MB of ended runs\n", mb(s.onScreen), keptBytes>>20)
	fmt.Fprintf(&b, "bound        64 MB + 2 x on screen = %s: end - start %s it, peak - start %s it; counting all of keptBytes as on screen, 64 MB + %d MB: end - start %s it, peak - start %s it\n",
		mb(limit), within(s.settledRSS-s.startRSS, limit), within(s.hwm-s.startRSS, limit),
		keptBytes>>20, within(s.settledRSS-s.startRSS, soakBudget+keptBytes), within(s.hwm-s.startRSS, soakBudget+keptBytes))
	fmt.Fprintf(&b, "slow client  a stream never read, while 5 MB outputs flow: closed by the server %s, %v after the flood began (%d runs, %d events); at most %s waited in the server's socket; the client then read %s and %s\n",
		yesNo(s.slowClosed), s.slowAfter.Round(10*time.Millisecond), s.slowRuns, s.slowEvents, mb(c.maxQueued.Load()), mb(s.slowDrained), s.slowEnd)
	fmt.Fprintf(&b, "Ctrl-C       exit code %d after %v, with a server cell running, the client above still connected, and another that never reads attached, its buffers full (%s queued in the server's socket)\n", s.exitCode, s.exitTime.Round(10*time.Millisecond), mb(s.blocked))
	fmt.Fprintf(&b, "stops        %d of the %d server cells stopped on their own after their client ran ended with no result (\"stopped before it ended\")\n", s.session.noResult, s.session.stops)
	fmt.Fprintf(&b, "outcomes     %v (all runs, the slow client's included)\n", c.outcomes)
	c.t.Log(b.String())
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
