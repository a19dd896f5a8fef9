//go:build !js

package main

import (
	"bufio"
	"fmt"
	"github.com/browserws/websocket/bench/payload"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	cws "github.com/coder/websocket"
)

// The echo server every client of every library talks to: github.com/coder/websocket
// on loopback, in a process of its own, so that the client process measures only the
// client's time, allocations and memory (and, for the in-process workloads, the same
// handler in the client's process: startInProcServer). Its paths:
//
//	/echo  sends every message back, with the same type
//	/push  on a text message "n size", sends n binary messages of size bytes
//	/sink  reads messages; on the text message "end" it answers the text "ok"
//
// The query parameter compress=1 accepts permessage-deflate (context takeover, as
// browsers offer it); without it compression is refused.

// serve runs the echo server, prints its base URL (ws://127.0.0.1:port) on stdout
// and serves until stdin is closed.
func serve() {
	raiseFileLimit(20000)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatalf("listen: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(handle)}
	go srv.Serve(ln)
	fmt.Printf("ws://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

func handle(w http.ResponseWriter, r *http.Request) {
	mode := cws.CompressionDisabled
	if r.URL.Query().Get("compress") == "1" {
		mode = cws.CompressionContextTakeover
	}
	c, err := cws.Accept(w, r, &cws.AcceptOptions{
		OriginPatterns:  []string{"*"}, // browsers send their page's origin
		CompressionMode: mode,
	})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(-1)
	ctx := r.Context()
	switch r.URL.Path {
	case "/echo":
		for {
			typ, rd, err := c.Reader(ctx)
			if err != nil {
				return
			}
			wr, err := c.Writer(ctx, typ)
			if err != nil {
				return
			}
			buf := bufPool.Get().(*[]byte)
			_, err = io.CopyBuffer(wr, rd, *buf)
			bufPool.Put(buf)
			if err != nil {
				return
			}
			if err := wr.Close(); err != nil {
				return
			}
		}
	case "/push":
		for {
			_, cmd, err := c.Read(ctx)
			if err != nil {
				return
			}
			var n, size int
			if _, err := fmt.Sscan(string(cmd), &n, &size); err != nil {
				c.Close(cws.StatusUnsupportedData, "bad command")
				return
			}
			msg := payload.Of(size)
			for range n {
				if err := c.Write(ctx, cws.MessageBinary, msg); err != nil {
					return
				}
			}
		}
	case "/sink":
		for {
			typ, rd, err := c.Reader(ctx)
			if err != nil {
				return
			}
			if typ == cws.MessageText {
				b, err := io.ReadAll(rd)
				if err != nil {
					return
				}
				if string(b) == "end" {
					if err := c.Write(ctx, cws.MessageText, []byte("ok")); err != nil {
						return
					}
				}
				continue
			}
			buf := bufPool.Get().(*[]byte)
			_, err = io.CopyBuffer(io.Discard, rd, *buf)
			bufPool.Put(buf)
			if err != nil {
				return
			}
		}
	default:
		c.Close(cws.StatusPolicyViolation, "unknown path")
	}
}

// bufPool holds the copy buffers of the echo and sink loops: an idle connection
// holds none.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// startInProcServer serves the same handler from a listener inside this process,
// on 127.0.0.1 — the setting of a Go integration test that starts its server with
// httptest — for the "in-process" workloads. Its URL is http://127.0.0.1:port.
// Client and server then share the process's CPUs (GOMAXPROCS) and scheduler, so a
// goroutine hand-off on the client's side competes with the server's goroutines:
// this is where such hand-offs cost most.
func startInProcServer() *httptest.Server { return httptest.NewServer(http.HandlerFunc(handle)) }

// serverProcess is the echo server, run as a child process of the bench binary.
type serverProcess struct {
	url   string
	cmd   *exec.Cmd
	stdin io.Closer
}

// startServer re-executes this binary with -serve and reads the URL it prints.
func startServer() *serverProcess {
	exe, err := os.Executable()
	if err != nil {
		fatalf("%v", err)
	}
	cmd := exec.Command(exe, "-serve")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fatalf("starting the server process: %v", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		fatalf("the server process printed no URL: %v", err)
	}
	return &serverProcess{url: strings.TrimSpace(line), cmd: cmd, stdin: stdin}
}

func (s *serverProcess) stop() {
	s.stdin.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// pushCommand is the /push request for n messages of size bytes.
func pushCommand(n, size int) string { return strconv.Itoa(n) + " " + strconv.Itoa(size) }

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "wsbench: "+format+"\n", args...)
	os.Exit(1)
}
