package wstest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Restartable is a test server on a port of its own that a test takes down and
// brings back, to show a reconnecting client real failures: Down closes the
// listener and ends every connection without a close frame (what a crashed
// server process looks like: clients see 1006, and new connections are refused),
// Up listens again on the same port with the full test handler (/echo, /close,
// /drop …), and Silent listens but never answers: the TCP connection is accepted,
// the handshake never is.
type Restartable struct {
	mu     sync.Mutex
	addr   string // 127.0.0.1:port, fixed at the first Up
	ln     net.Listener
	srv    *http.Server
	h      *handler
	conns  map[net.Conn]bool // every connection accepted since the last Up or Silent
	serves sync.WaitGroup
}

// Up makes the server listen and serve, on the port it had before if it had one.
// It does nothing if the server is already up.
func (s *Restartable) Up() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil && s.srv != nil {
		return nil
	}
	s.downLocked()
	ln, err := s.listenLocked()
	if err != nil {
		return err
	}
	s.h = newHandler()
	s.srv = &http.Server{Handler: s.h}
	s.serves.Add(1)
	go func() {
		defer s.serves.Done()
		s.srv.Serve(ln)
	}()
	return nil
}

// Silent makes the server accept TCP connections and never answer them.
func (s *Restartable) Silent() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.downLocked()
	ln, err := s.listenLocked()
	if err != nil {
		return err
	}
	s.serves.Add(1)
	go func() { // hold each connection, unread, until Down closes it
		defer s.serves.Done()
		for {
			if _, err := ln.Accept(); err != nil {
				return
			}
		}
	}()
	return nil
}

// Down stops the server: the listener is closed, so connections are refused, and
// every connection it had is ended without a close frame.
func (s *Restartable) Down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.downLocked()
}

// URL returns the server's base URL with the ws scheme ("" before the first Up
// or Silent). It stays the same across restarts.
func (s *Restartable) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == "" {
		return ""
	}
	return "ws://" + s.addr
}

func (s *Restartable) listenLocked() (net.Listener, error) {
	addr := s.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.addr = ln.Addr().String()
	s.conns = map[net.Conn]bool{}
	s.ln = &trackingListener{Listener: ln, s: s}
	return s.ln, nil
}

func (s *Restartable) downLocked() {
	if s.ln == nil {
		return
	}
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.ln = nil
	s.mu.Unlock() // the serving goroutines take s.mu to track connections
	s.serves.Wait()
	s.mu.Lock()
	if s.srv != nil {
		s.srv.Close()
		s.h.Shutdown()
		s.srv, s.h = nil, nil
	}
}

// trackingListener records the connections it accepts, so that Down can end them
// even after the handler hijacked them from net/http.
type trackingListener struct {
	net.Listener
	s *Restartable
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if l.s.conns == nil { // Down came first
		c.Close()
		return nil, net.ErrClosed
	}
	l.s.conns[c] = true
	return c, nil
}

// restartables are the Restartable servers made through /restartable, by name.
type restartables struct {
	mu     sync.Mutex
	byName map[string]*Restartable
}

// serve is the /restartable endpoint, a WebSocket so that WASM tests, which
// cannot listen, drive it as easily as native ones: ?name= picks the server
// (made on first use), ?do= is up, down or silent; the answer is one text
// message, the server's ws:// base URL (or "error: …"), then a 1000 close.
func (rs *restartables) serve(w http.ResponseWriter, r *http.Request) {
	c, err := accept(w, r)
	if err != nil {
		return
	}
	defer c.CloseNow()
	name := r.URL.Query().Get("name")
	rs.mu.Lock()
	if rs.byName == nil {
		rs.byName = map[string]*Restartable{}
	}
	s := rs.byName[name]
	if s == nil {
		s = &Restartable{}
		rs.byName[name] = s
	}
	rs.mu.Unlock()
	switch r.URL.Query().Get("do") {
	case "up":
		err = s.Up()
	case "down":
		s.Down()
	case "silent":
		err = s.Silent()
	default:
		err = errBadDo
	}
	answer := s.URL()
	if err != nil {
		answer = "error: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.Write(ctx, websocket.MessageText, []byte(answer))
	c.Close(websocket.StatusNormalClosure, "")
}

var errBadDo = errors.New("wstest: ?do= must be up, down or silent")

// closeAll takes every restartable server down, for the handler's Shutdown.
func (rs *restartables) closeAll() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, s := range rs.byName {
		s.Down()
	}
}
