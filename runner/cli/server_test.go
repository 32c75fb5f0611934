package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"classnotes/runner/internal/lessontest"
)

// freePort returns a loopback port that nothing listens on, for TCP and UDP alike.
var freePort = lessontest.FreePort

// portFree fails the test unless something can bind the port again, for TCP and UDP.
var portFree = lessontest.PortFree

// pidFileServer returns lessontest.EchoServer on port writing its pid to pidFile instead of printing it, for a
// test that stops the runner before the lesson is written.
func pidFileServer(port int, pidFile string) string {
	return strings.Replace(fmt.Sprintf(lessontest.EchoServer, port), `fmt.Println("pid", os.Getpid())`,
		fmt.Sprintf(`os.WriteFile(%q, []byte(fmt.Sprint(os.Getpid())), 0o644)`, pidFile), 1)
}

func dropPid(out string) string {
	return regexp.MustCompile(`(?m)^pid \d+\n`).ReplaceAllString(out, "")
}

// TestServerAndClient runs a TCP server with a client, and a UDP server with a client, in one lesson: the probes
// do not show up as clients, both sides are recorded, and the servers are gone afterwards.
func TestServerAndClient(t *testing.T) {
	dir := t.TempDir()
	tcpPort, udpPort := freePort(t), freePort(t)
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", tcpPort), fmt.Sprintf(lessontest.EchoServer, tcpPort)) +
		cell(2, fmt.Sprintf("background ready=udp:localhost:%d", udpPort), fmt.Sprintf(lessontest.UDPServer, udpPort)) +
		cell(3, "", fmt.Sprintf(lessontest.EchoClient, tcpPort)) +
		cell(4, "", fmt.Sprintf(lessontest.UDPClient, udpPort))
	path := filepath.Join(dir, "net.md")
	writeFile(t, path, src)
	code, _, stderr := runner(t, context.Background(), dir, "render", "net.md")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	outs := outputs(t, readFile(t, path))
	want := map[int]string{
		1: "Connected by a client\nreceived \"hello\\n\"\nsignal: interrupt\n",
		2: "datagram \"ping\"\nsignal: interrupt\n",
		3: "reply \"hello\\n\"\n",
		4: "reply \"got it\"\n",
	}
	for n, w := range want {
		if got := dropPid(outs[n]); got != w {
			t.Errorf("Out [%d] = %q, want %q", n, got, w)
		}
	}
	if !strings.Contains(stderr, "In [1]: stopped (signal: interrupt)") {
		t.Errorf("progress does not say the server was stopped:\n%s", stderr)
	}
	waitGone(t, pidAfter(t, outs[1], "pid"))
	waitGone(t, pidAfter(t, outs[2], "pid"))
	portFree(t, tcpPort)
	portFree(t, udpPort)

	// runner run on the client starts the server before it, and stops it.
	code, stdout, stderr := runner(t, context.Background(), dir, "run", "net.md", "3")
	if code != exitOK || stdout != "reply \"hello\\n\"\n" {
		t.Errorf("run 3: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	portFree(t, tcpPort)
}

// TestServerProblems: servers that never get ready, crash first, ignore the interrupt, find their address taken,
// or serve a client that does not compile.
func TestServerProblems(t *testing.T) {
	tests := []struct {
		name   string
		lesson func(port int) string
		hold   bool // the test holds the port before the lesson runs
		code   int
		server string // Out [1], without the pid line
		later  string // Out [2]; "" when the cell must not have run
	}{
		{
			name: "never ready",
			lesson: func(port int) string {
				return cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d timeout=1s", port), mainWith("fmt os time", `	fmt.Println("pid", os.Getpid())
	fmt.Println("thinking")
	time.Sleep(time.Hour)`)) + cell(2, "", mainWith("fmt", `	fmt.Println("client")`))
			},
			code: exitFailed, server: "thinking\nnot ready after 1s\n",
		},
		{
			name: "crashes before ready",
			lesson: func(port int) string {
				return cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), mainWith("fmt os", `	fmt.Println("pid", os.Getpid())
	fmt.Println("cannot bind")
	os.Exit(1)`)) + cell(2, "", mainWith("fmt", `	fmt.Println("client")`))
			},
			code: exitFailed, server: "cannot bind\nexit status 1\n",
		},
		{
			name: "ignores the interrupt",
			lesson: func(port int) string {
				return cell(1, `background ready="out:^serving$"`, mainWith("fmt os os/signal time", `	signal.Ignore(os.Interrupt)
	fmt.Println("pid", os.Getpid())
	fmt.Println("serving")
	time.Sleep(time.Hour)`)) + cell(2, "", mainWith("fmt", `	fmt.Println("client")`))
			},
			code: exitOK, server: "serving\nsignal: killed\n", later: "client\n",
		},
		{
			name: "address in use",
			lesson: func(port int) string {
				return cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), mainWith("fmt os", `	fmt.Println("pid", os.Getpid())`)) +
					cell(2, "", mainWith("fmt", `	fmt.Println("client")`))
			},
			hold: true, code: exitFailed, server: "address 127.0.0.1:%d already in use\n",
		},
		{
			name: "client does not compile",
			lesson: func(port int) string {
				return cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), fmt.Sprintf(lessontest.EchoServer, port)) +
					cell(2, "", "package main\n\nfunc main() { undefined() }")
			},
			code: exitFailed, server: "signal: interrupt\n", later: "main.go:3:15: undefined: undefined\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			port := freePort(t)
			if tt.hold {
				ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
				if err != nil {
					t.Fatal(err)
				}
				defer ln.Close()
			}
			path := filepath.Join(dir, "l.md")
			writeFile(t, path, tt.lesson(port))
			code, _, stderr := runner(t, context.Background(), dir, "render", "l.md")
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			outs := outputs(t, readFile(t, path))
			if want := strings.ReplaceAll(tt.server, "%d", strconv.Itoa(port)); dropPid(outs[1]) != want {
				t.Errorf("Out [1] = %q, want %q", outs[1], want)
			}
			later, ran := outs[2]
			if tt.later == "" && ran {
				t.Errorf("In [2] ran after its server failed: %q", later)
			}
			if tt.later == "" && !strings.Contains(stderr, "In [2]: not run: In [1] did not get ready") {
				t.Errorf("stderr does not say In [2] was not run:\n%s", stderr)
			}
			if tt.later != "" && later != tt.later {
				t.Errorf("Out [2] = %q, want %q", later, tt.later)
			}
			if strings.Contains(outs[1], "pid ") {
				waitGone(t, pidAfter(t, outs[1], "pid"))
			}
			if !tt.hold {
				portFree(t, port)
			}
		})
	}
}

// TestServerInterrupted: Ctrl-C of the runner while a client runs stops the server too, and writes nothing.
func TestServerInterrupted(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	pidFile := filepath.Join(dir, "server.pid")
	server := pidFileServer(port, pidFile)
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), server) +
		cell(2, "", mainWith("fmt time", `	fmt.Println("client waits")
	time.Sleep(time.Hour)`))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)
	interruptedRender(t, dir, path, pidFile, 500*time.Millisecond) // the client runs by then
	portFree(t, port)
}

// TestRunnerSIGINT sends a real SIGINT to a built runner process in the middle of a lesson with a server: the
// runner stops every child, writes nothing and exits 130.
func TestRunnerSIGINT(t *testing.T) {
	dir := t.TempDir()
	bin := buildRunner(t, dir)
	port := freePort(t)
	pidFile := filepath.Join(dir, "server.pid")
	server := pidFileServer(port, pidFile)
	src := cell(1, fmt.Sprintf("background ready=tcp:127.0.0.1:%d", port), server) +
		cell(2, "", mainWith("fmt time", `	fmt.Println("client waits")
	time.Sleep(time.Hour)`))
	path := filepath.Join(dir, "l.md")
	writeFile(t, path, src)

	cmd := exec.Command(bin, "render", "l.md")
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if !waitFile(ctx, pidFile) {
		cmd.Process.Kill()
		t.Fatalf("server never started; stderr:\n%s\nlesson:\n%s", stderr.String(), readFile(t, path))
	}
	time.Sleep(300 * time.Millisecond) // the client is running now
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitSignal {
		t.Errorf("runner exit %d (%v), want %d; stderr:\n%s", code, err, exitSignal, stderr.String())
	}
	if readFile(t, path) != src {
		t.Errorf("interrupted runner wrote the lesson")
	}
	waitGoneFile(t, pidFile)
	portFree(t, port)
}
