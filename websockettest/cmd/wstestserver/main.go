//go:build !js

// Command wstestserver serves WebSocket test servers on a local port for tests
// compiled to WASM, which cannot listen: the test starts it, reads its URL and
// dials it. It listens on 127.0.0.1 (-addr), prints its ws:// base URL on the
// first line of standard output, then serves until it is interrupted or, with
// -stdin, until its standard input closes.
//
// Under /kit/ it serves the named behaviours of package websockettest, each a
// websockettest.Conn:
//
//	/kit/echo                       every message back as it came (Echo)
//	/kit/close?code=&reason=[&now=1] after the client's first message (at once
//	                                with now=1), the closing handshake with
//	                                code (default 1000) and reason
//	/kit/drop?after_ms=             echoes, then after after_ms (default 0)
//	                                closes TCP without a close frame (Drop)
//	/kit/reset?after_ms=            the same with a TCP reset (Reset)
//	/kit/refuse?status=             refuses the opening handshake with status
//	                                (200 to 599, default 403)
//	/kit/frame?hex=                 writes the hex-decoded bytes as they are
//	                                right after the handshake (WriteRaw), then
//	                                echoes
//	/kit/sink                       reads and drops every message, sends
//	                                none
//	/kit/late?delay_ms=             answers the opening handshake after
//	                                delay_ms (Handshake.Delay; default 0), or
//	                                never if the client gives up first, then
//	                                echoes
//
// A /kit/ request whose query makes no sense is refused with 400, an unknown
// behaviour with 404. Every other path is the test server of package
// websocket's own tests (internal/wstest: /echo, /close, /raw, /script …).
//
// Plain HTTP POSTs control the server, for reconnection tests (they answer
// 200 with a line of text, and allow any origin). A tag is the value of the
// query parameter tag in a handshake's URL; without tag, each acts on every
// connection and handshake on the port:
//
//	/_control/dropall[?tag=]          ends the open WebSocket connections
//	                                  without a close frame (clients see 1006)
//	/_control/restart?down_ms=[&tag=] drops them, then answers their opening
//	                                  handshakes 503 for down_ms (default 500),
//	                                  then serves them again: a server that
//	                                  restarts
//	/_control/up[?tag=]               ends a restart now
//
// Test binaries that share the server (go test runs packages in parallel) end
// each other's connections with a control that has no tag: a test tags its
// URLs to restart a server of its own.
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/browserws/websocket/internal/wstest"
	"github.com/browserws/websocket/websockettest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	stdin := flag.Bool("stdin", false, "stop when standard input closes")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := newServer()
	hs := s.httpServer()
	go hs.Serve(ln)
	fmt.Printf("ws://%s\n", ln.Addr())
	os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	if *stdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			stop <- os.Interrupt
		}()
	}
	<-stop
	hs.Close()
	if err := s.close(); err != nil {
		log.Print(err)
	}
}

// defaultDown is how long /_control/restart refuses handshakes by default.
const defaultDown = 500 * time.Millisecond

// server is everything the command serves on its port.
type server struct {
	kit *websockettest.Handler
	own interface {
		http.Handler
		Shutdown()
	}
	mux *http.ServeMux

	mu        sync.Mutex
	conns     map[net.Conn]string  // the connections handlers took over (WebSockets), with their tags
	upgrading map[net.Conn]string  // the tags of the handshakes being answered
	pruneAt   int                  // len(conns) at which closed ones are forgotten
	downUntil map[string]time.Time // /_control/restart: handshakes with the tag ("": all) are refused until then
}

func newServer() *server {
	s := &server{
		kit:       websockettest.NewHandler(serveKit),
		own:       wstest.Handler(),
		mux:       http.NewServeMux(),
		conns:     map[net.Conn]string{},
		upgrading: map[net.Conn]string{},
		downUntil: map[string]time.Time{},
	}
	s.kit.SetHandshake(kitHandshake)
	s.mux.Handle("/kit/", s.kit)
	s.mux.HandleFunc("/_control/", s.control)
	s.mux.Handle("/", s.own)
	return s
}

// httpServer returns the http.Server that serves s; its ConnState hook is how
// s knows the WebSocket connections that the control endpoints end.
func (s *server) httpServer() *http.Server {
	return &http.Server{
		Handler:   s,
		ConnState: s.connState,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
}

// connKey is the key of the request context's value that is the connection.
type connKey struct{}

// ServeHTTP refuses opening handshakes while the server is restarting, and
// routes every other request.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "" && s.down(r.URL.Query().Get("tag")) {
		http.Error(w, "wstestserver: restarting (/_control/restart)", http.StatusServiceUnavailable)
		return
	}
	if c, _ := r.Context().Value(connKey{}).(net.Conn); c != nil && r.Header.Get("Upgrade") != "" {
		s.mu.Lock()
		s.upgrading[c] = r.URL.Query().Get("tag") // for connState
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.upgrading, c)
			s.mu.Unlock()
		}()
	}
	s.mux.ServeHTTP(w, r)
}

// down reports whether handshakes with tag are refused now.
func (s *server) down(tag string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downLocked(tag)
}

func (s *server) downLocked(tag string) bool {
	now := time.Now()
	return now.Before(s.downUntil[""]) || now.Before(s.downUntil[tag])
}

// connState records each connection a handler takes over (every WebSocket
// connection, the kit's and internal/wstest's, is a websockettest.Conn
// hijacked from net/http), so that dropAll can close it. The connections are
// kept as net/http made them, not wrapped, because a Conn needs the
// *net.TCPConn (to reset a connection, or close its writing side). One hijacked while the
// server is restarting, past the check of ServeHTTP, is closed at once.
func (s *server) connState(c net.Conn, state http.ConnState) {
	if state != http.StateHijacked {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.downLocked(s.upgrading[c]) {
		c.Close()
		return
	}
	s.conns[c] = s.upgrading[c]
	delete(s.upgrading, c)
	if len(s.conns) >= s.pruneAt { // forget the ones closed since, now and then
		for c := range s.conns {
			if isClosed(c) {
				delete(s.conns, c)
			}
		}
		s.pruneAt = 2*len(s.conns) + 64
	}
}

// isClosed reports whether c has been closed; it asks the file descriptor,
// which refuses to be used once closed.
func isClosed(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	return rc.Control(func(uintptr) {}) != nil
}

// dropAll closes every WebSocket connection ("" for tag) or those with the
// tag, without a close frame, and returns how many were still open.
func (s *server) dropAll(tag string) int {
	var conns []net.Conn
	s.mu.Lock()
	for c, t := range s.conns {
		if tag == "" || t == tag {
			conns = append(conns, c)
			delete(s.conns, c)
		}
	}
	s.mu.Unlock()
	n := 0
	for _, c := range conns {
		if c.Close() == nil {
			n++
		}
	}
	return n
}

// control answers /_control/dropall and /_control/restart.
func (s *server) control(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*") // pages of the WASM tests are on other origins
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "wstestserver: the control endpoints take POST", http.StatusMethodNotAllowed)
		return
	}
	tag := r.URL.Query().Get("tag")
	switch r.URL.Path {
	case "/_control/dropall":
		fmt.Fprintf(w, "dropped %d connection(s)\n", s.dropAll(tag))
	case "/_control/up":
		s.mu.Lock()
		delete(s.downUntil, tag)
		s.mu.Unlock()
		fmt.Fprintln(w, "serving")
	case "/_control/restart":
		down := defaultDown
		if v := r.URL.Query().Get("down_ms"); v != "" {
			ms, err := strconv.Atoi(v)
			if err != nil || ms < 0 {
				http.Error(w, "wstestserver: down_ms must be a number of milliseconds", http.StatusBadRequest)
				return
			}
			down = time.Duration(ms) * time.Millisecond
		}
		s.mu.Lock()
		s.downUntil[tag] = time.Now().Add(down)
		s.mu.Unlock()
		fmt.Fprintf(w, "dropped %d connection(s); refusing handshakes for %v\n", s.dropAll(tag), down)
	default:
		http.Error(w, "wstestserver: unknown control endpoint (dropall, restart, up)", http.StatusNotFound)
	}
}

// close ends every connection and waits for the handlers.
func (s *server) close() error {
	s.own.Shutdown()
	err := s.kit.Close()
	s.dropAll("")
	return err
}

// kitRequest is what a /kit/ request asks for.
type kitRequest struct {
	behaviour string // the path after /kit/
	code      int
	reason    string
	now       bool
	after     time.Duration // drop, reset: after_ms; late: delay_ms
	status    int
	raw       []byte
}

// parseKit reads a /kit/ request; the error is the status that refuses it and
// why.
func parseKit(r *http.Request) (kitRequest, int, error) {
	q := r.URL.Query()
	k := kitRequest{behaviour: r.URL.Path[len("/kit/"):], code: 1000, reason: q.Get("reason"), now: q.Get("now") == "1", status: http.StatusForbidden}
	number := func(name string, lo, hi int, into *int) error {
		v := q.Get(name)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%s must be a number from %d to %d", name, lo, hi)
		}
		*into = n
		return nil
	}
	var err error
	switch k.behaviour {
	case "echo", "sink":
	case "close":
		err = number("code", 0, 65535, &k.code)
	case "drop", "reset":
		ms := 0
		err = number("after_ms", 0, 1<<30, &ms)
		k.after = time.Duration(ms) * time.Millisecond
	case "refuse":
		err = number("status", 200, 599, &k.status)
	case "frame":
		if k.raw, err = hex.DecodeString(q.Get("hex")); err != nil {
			err = errors.New("hex must be bytes in hexadecimal")
		}
	case "late":
		ms := 0
		err = number("delay_ms", 0, 1<<30, &ms)
		k.after = time.Duration(ms) * time.Millisecond
	default:
		return k, http.StatusNotFound, errors.New("no such behaviour (echo, sink, close, drop, reset, refuse, frame, late)")
	}
	if err != nil {
		return k, http.StatusBadRequest, err
	}
	return k, 0, nil
}

// kitHandshake answers the opening handshakes of /kit/: refused for
// /kit/refuse and for requests that make no sense, accepted otherwise.
func kitHandshake(r *http.Request) websockettest.Handshake {
	k, status, err := parseKit(r)
	switch {
	case err != nil:
		return websockettest.Handshake{Status: status, Body: "wstestserver: " + r.URL.Path + ": " + err.Error() + "\n"}
	case k.behaviour == "refuse":
		return websockettest.Handshake{Status: k.status, Body: "wstestserver: refused by /kit/refuse\n"}
	case k.behaviour == "late":
		return websockettest.Handshake{Delay: k.after}
	}
	return websockettest.Handshake{}
}

// serveKit runs the behaviour a /kit/ connection asked for.
func serveKit(c *websockettest.Conn) {
	k, _, err := parseKit(c.Request())
	if err != nil { // kitHandshake refused it
		c.Drop()
		return
	}
	switch k.behaviour {
	case "close":
		if !k.now {
			if _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
		c.Close(k.code, k.reason)
	case "drop", "reset":
		end := c.Drop
		if k.behaviour == "reset" {
			end = c.Reset
		}
		t := time.AfterFunc(k.after, end)
		websockettest.Echo(c)
		t.Stop()
	case "frame":
		if c.WriteRaw(k.raw) != nil {
			return
		}
		websockettest.Echo(c)
	case "sink":
		for {
			if _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	default:
		websockettest.Echo(c)
	}
}
