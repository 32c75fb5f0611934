package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	"classnotes/runner/engine"
	"classnotes/runner/ready"
)

// gonbServers answers the hook of testdata/gonb_hooks.py for one notebook of TestGoNB: nbclient sends the
// number of each code cell before it runs or skips it, and gets "ok" back, or why not. At a server cell the
// answer waits until the server, started through the engine (its build, supervisor and ready= probe), is
// ready. The servers run until stop.
type gonbServers struct {
	e  *engine.Engine
	l  *engine.Lesson
	ln net.Listener

	mu      sync.Mutex
	cells   []int // the cells nbclient reached, in its order
	running []*gonbServer
	served  chan struct{} // closed when the listener is closed and the last answer given
}

// gonbServer is a server cell the test started.
type gonbServer struct {
	cell   int
	cancel context.CancelFunc
	done   chan struct{} // closed when RunAlone has returned: the server is stopped, r says how it went
	r      *engine.Result
	err    error
}

// startHook listens on a free loopback port for the hook's questions about the cells of l.
func startHook(e *engine.Engine, l *engine.Lesson) (*gonbServers, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &gonbServers{e: e, l: l, ln: ln, served: make(chan struct{})}
	go s.serve()
	return s, nil
}

// addr is where the hook asks, for CLASSNOTES_GONB_HOOK.
func (s *gonbServers) addr() string { return s.ln.Addr().String() }

func (s *gonbServers) serve() {
	defer close(s.served)
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.answer(conn)
	}
}

// answer reads a cell number from conn and answers once the cell may run: at once, or for a server cell once
// the server is ready.
func (s *gonbServers) answer(conn net.Conn) {
	defer conn.Close()
	line, err := bufio.NewReader(conn).ReadString('\n')
	answer := "ok"
	if n, convErr := strconv.Atoi(strings.TrimSpace(line)); err != nil || convErr != nil {
		answer = fmt.Sprintf("bad question %q (%v)", line, errors.Join(err, convErr))
	} else if err := s.reach(n); err != nil {
		answer = err.Error()
	}
	fmt.Fprintln(conn, answer)
}

// reach records that nbclient reached cell n and, for a server cell, starts the server and waits until it
// is ready.
func (s *gonbServers) reach(n int) error {
	s.mu.Lock()
	s.cells = append(s.cells, n)
	s.mu.Unlock()
	prog := s.l.Cell(n)
	if prog == nil {
		return fmt.Errorf("the lesson has no In [%d]", n)
	}
	if !prog.Cell.Attrs.Background {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &gonbServer{cell: n, cancel: cancel, done: make(chan struct{})}
	readiness := make(chan string, 2)
	obs := func(ev engine.Event) {
		var why string
		switch ev.Kind {
		case engine.ServerReady:
		case engine.CellDone:
			why = "ended before it was ready: " + ev.Result.Outcome()
		default:
			return
		}
		select {
		case readiness <- why:
		default:
		}
	}
	go func() {
		defer close(srv.done)
		srv.r, srv.err = s.e.RunAlone(ctx, s.l, prog, obs)
	}()
	s.mu.Lock()
	s.running = append(s.running, srv)
	s.mu.Unlock()
	select {
	case why := <-readiness:
		if why != "" {
			return fmt.Errorf("server In [%d] %s", n, why)
		}
		return nil
	case <-srv.done:
		return fmt.Errorf("server In [%d] ended before it was ready: %v", n, srv.err)
	}
}

// reached returns the cells nbclient reached, in its order.
func (s *gonbServers) reached() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.cells...)
}

// stop stops listening and stops the servers, last started first, as the engine does at the end of a lesson.
// It returns each server's result by its cell number, and an error when a server failed or its address is
// still bound afterwards.
func (s *gonbServers) stop() (map[int]*engine.Result, error) {
	s.ln.Close()
	<-s.served
	s.mu.Lock()
	running := s.running
	s.mu.Unlock()
	results := map[int]*engine.Result{}
	var errs []error
	for i := len(running) - 1; i >= 0; i-- {
		srv := running[i]
		srv.cancel()
		<-srv.done
		if srv.err != nil && !errors.Is(srv.err, context.Canceled) {
			errs = append(errs, fmt.Errorf("In [%d]: %w", srv.cell, srv.err))
		}
		if srv.r != nil {
			results[srv.cell] = srv.r
		}
		if probe := s.l.Cell(srv.cell).Cell.Attrs.Ready; probe != nil && probe.Kind != "out" {
			if inUse, err := ready.InUse(probe); err != nil || inUse {
				errs = append(errs, fmt.Errorf("In [%d]: %s still bound after the server was stopped (%v)", srv.cell, probe, err))
			}
		}
	}
	return results, errors.Join(errs...)
}
