package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"classnotes/runner/cache"
	"classnotes/runner/internal/lessontest"
	"classnotes/runner/run"
)

func TestMain(m *testing.M) { lessontest.Main(m) }

var (
	cell     = lessontest.Cell
	freePort = lessontest.FreePort
)

// load writes src as a lesson in a temporary directory, outside any module, and loads it with an engine that
// keeps its cache in another.
func load(t *testing.T, src string) (*Engine, *Lesson) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "l.md")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := cache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e, err := New(Config{Cache: c, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Load("l.md", path)
	if err != nil {
		t.Fatal(err)
	}
	return e, l
}

// recorder keeps the events it observes, from any goroutine.
type recorder struct {
	mu     sync.Mutex
	events []string              // "In [N] kind", in the order observed
	output map[int]*bytes.Buffer // what each cell printed, as delivered
	delay  time.Duration         // how long each event takes to observe
}

func newRecorder() *recorder { return &recorder{output: map[int]*bytes.Buffer{}} }

func (r *recorder) observe(ev Event) {
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.Kind == Notice { // the first build with a Go toolchain: not the lesson's events
		return
	}
	n := ev.Result.Cell().Number
	if ev.Kind == CellOutput {
		if r.output[n] == nil {
			r.output[n] = &bytes.Buffer{}
		}
		r.output[n].Write(ev.Chunk)
		return
	}
	r.events = append(r.events, fmt.Sprintf("In [%d] %v", n, ev.Kind))
}

// TestEvents runs a lesson with a server and two clients: every event arrives, each cell's in order, the
// server ready before its clients start and stopped after they are done, and each cell's output, as observed,
// is what it recorded.
func TestEvents(t *testing.T) {
	port := freePort(t)
	src := cell(1, "", `package main

import "fmt"

func main() { fmt.Println("before") }`) +
		cell(2, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.NumberingServer, port)) +
		cell(3, "", fmt.Sprintf(lessontest.ReadAllClient, port)) + cell(4, "", fmt.Sprintf(lessontest.ReadAllClient, port))
	e, l := load(t, src)
	rec := newRecorder()
	results, err := e.Render(context.Background(), l, false, rec.observe)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"In [1] started", "In [1] done",
		"In [2] started", "In [2] ready",
		"In [3] started", "In [3] done",
		"In [4] started", "In [4] done",
		"In [2] done",
	}
	if got := strings.Join(rec.events, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	wantText := map[int]string{1: "before\n", 2: "listening\nclient 1\nclient 2\nsignal: interrupt\n", 3: "you are client 1\n", 4: "you are client 2\n"}
	if len(results) != len(wantText) {
		t.Fatalf("%d results, want %d", len(results), len(wantText))
	}
	for _, r := range results {
		n := r.Cell().Number
		if r.Text != wantText[n] || r.Failed() {
			t.Errorf("In [%d]: text %q failed %v (%s), want %q", n, r.Text, r.Failed(), r.Outcome(), wantText[n])
		}
		if got := rec.output[n].String(); got != string(r.Run.Printed) {
			t.Errorf("In [%d]: observed output %q, recorded %q", n, got, r.Run.Printed)
		}
	}

	// Written back and rendered again, nothing runs: every cell comes from the cache.
	if _, written, err := e.WriteBack(l, results); err != nil || !written {
		t.Fatalf("WriteBack: written %v, %v", written, err)
	}
	l, err = e.Load("l.md", l.Plan.File)
	if err != nil {
		t.Fatal(err)
	}
	rec = newRecorder()
	if _, err := e.Render(context.Background(), l, false, rec.observe); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.events, ","); got != "In [1] cached,In [2] cached,In [3] cached,In [4] cached" {
		t.Errorf("second render: %s", got)
	}
}

// TestCancel: a cancelled context stops the cell that runs, what it started, and the server, and leaves no
// process behind.
func TestCancel(t *testing.T) {
	port := freePort(t)
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), strings.Replace(fmt.Sprintf(lessontest.NumberingServer, port),
		`fmt.Println("listening")`, fmt.Sprintf(`fmt.Println("listening")
	f, _ := os.OpenFile(%q, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	fmt.Fprintln(f, os.Getpid())
	f.Close()`, pids), 1)) +
		cell(2, "", fmt.Sprintf(`package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

func main() {
	child := exec.Command("sleep", "300")
	if err := child.Start(); err != nil {
		panic(err)
	}
	f, _ := os.OpenFile(%q, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	fmt.Fprintln(f, os.Getpid())
	fmt.Fprintln(f, child.Process.Pid)
	f.Close()
	time.Sleep(time.Hour)
}`, pids))
	src = strings.Replace(src, "import (\n\t\"fmt\"\n\t\"net\"\n)", "import (\n\t\"fmt\"\n\t\"net\"\n\t\"os\"\n)", 1)
	e, l := load(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if b, err := os.ReadFile(pids); err == nil && strings.Count(string(b), "\n") == 3 {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	done := make(chan error, 1)
	go func() {
		_, err := e.Check(ctx, l, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("Check of a cancelled run returned no error")
		}
	case <-time.After(time.Minute):
		t.Fatal("Check did not return after the context was cancelled")
	}
	b, err := os.ReadFile(pids)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pids file %q: %v", b, err)
		}
		lessontest.WaitEnded(t, pid, false)
	}
	lessontest.PortFree(t, port)
}

// printer prints n numbered lines as fast as it can.
const printer = `package main

import "fmt"

func main() {
	for i := range %d {
		fmt.Println("line", i)
	}
}`

// TestSlowObserver: an observer that takes its time changes nothing of what is recorded, and still gets all of
// the output before the cell's done event.
func TestSlowObserver(t *testing.T) {
	src := cell(1, "", fmt.Sprintf(printer, 3000))
	e, l := load(t, src)
	fast, err := e.Check(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	rec.delay = 2 * time.Millisecond
	var doneSeen string
	slow, err := e.Check(context.Background(), l, func(ev Event) {
		rec.observe(ev)
		if ev.Kind == CellDone {
			rec.mu.Lock()
			doneSeen = rec.output[1].String()
			rec.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if slow[0].Text != fast[0].Text || !strings.HasSuffix(slow[0].Text, "line 2999\n") {
		t.Errorf("a slow observer changed the recorded text: %d bytes against %d", len(slow[0].Text), len(fast[0].Text))
	}
	if doneSeen != slow[0].Text {
		t.Errorf("by the done event the observer had %d of %d bytes", len(doneSeen), len(slow[0].Text))
	}
}

// TestLiveCap: the live stream is capped like the recorded output, and says how much more there was.
func TestLiveCap(t *testing.T) {
	src := cell(1, "", `package main

import (
	"os"
	"strings"
)

func main() {
	line := strings.Repeat("x", 1023) + "\n"
	for range 3 << 10 {
		os.Stdout.WriteString(line)
	}
}`)
	e, l := load(t, src)
	rec := newRecorder()
	results, err := e.Check(context.Background(), l, rec.observe)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.output[1].String()
	shown, note, _ := strings.Cut(got, "\n[live output capped: ")
	if len(shown) != run.DefaultCap || note != fmt.Sprintf("%d more bytes not shown]\n", 2<<20) {
		t.Errorf("live stream: %d bytes shown, then %q", len(shown), note)
	}
	if r := results[0]; r.Run.Dropped != 2<<20 || !strings.Contains(r.Text, "[output capped: 2097152 more bytes dropped]") {
		t.Errorf("recorded: dropped %d", r.Run.Dropped)
	}
}

func TestNewChecksConfig(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := New(Config{Timeout: d}); err == nil || !strings.Contains(err.Error(), "must be positive") {
			t.Errorf("New with timeout %v: %v", d, err)
		}
	}
}

// TestOfflineNetCell checks that, offline, a net cell is skipped without being built (its code here does not
// compile), while the cell after it is built and runs.
func TestOfflineNetCell(t *testing.T) {
	e, l := load(t, cell(1, "net", "package main\n\nfunc main() { offline() }")+
		cell(2, "", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"ran\") }"))
	e.cfg.Offline = true
	results, err := e.Render(context.Background(), l, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.Skipped == "" || r.Build != nil {
		t.Errorf("the net cell: skipped %q, build %+v", r.Skipped, r.Build)
	}
	if r := results[1]; !r.Ran() || r.Text != "ran\n" {
		t.Errorf("the other cell: %s, printed %q", r.Outcome(), r.Text)
	}
}
