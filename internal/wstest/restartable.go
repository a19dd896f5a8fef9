//go:build !js

package wstest

import (
	"errors"
	"net"
	"net/http"
	"sync"

	"github.com/browserws/websocket/websockettest"
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
	srv    *http.Server
	h      *handler // nil while silent
	serves sync.WaitGroup
}

// Up makes the server listen and serve, on the port it had before if it had one.
// It does nothing if the server is already up.
func (s *Restartable) Up() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h != nil {
		return nil
	}
	h := newHandler()
	if err := s.serveLocked(h); err != nil {
		h.Shutdown()
		return err
	}
	s.h = h
	return nil
}

// Silent makes the server accept TCP connections and never answer them.
func (s *Restartable) Silent() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serveLocked(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // Down closes the connection
	}))
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

// serveLocked takes the server down if it is up, then serves h on its port.
func (s *Restartable) serveLocked(h http.Handler) error {
	s.downLocked()
	addr := s.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.addr = ln.Addr().String()
	s.srv = &http.Server{Handler: h}
	s.serves.Add(1)
	go func(srv *http.Server) {
		defer s.serves.Done()
		srv.Serve(ln)
	}(s.srv)
	return nil
}

// downLocked closes the listener and the connections net/http holds, then
// the WebSocket connections the handler took over.
func (s *Restartable) downLocked() {
	if s.srv == nil {
		return
	}
	s.srv.Close()
	s.serves.Wait()
	if s.h != nil {
		s.h.Shutdown()
	}
	s.srv, s.h = nil, nil
}

// restartables are the Restartable servers made through /restartable, by name.
type restartables struct {
	mu     sync.Mutex
	byName map[string]*Restartable
}

// restartable is the /restartable endpoint, a WebSocket so that WASM tests,
// which cannot listen, drive it as easily as native ones: ?name= picks the
// server (made on first use), ?do= is up, down or silent; the answer is one
// text message, the server's ws:// base URL (or "error: …"), then a 1000 close.
func (h *handler) restartable(c *websockettest.Conn) {
	rs := &h.restartables
	q := c.Request().URL.Query()
	rs.mu.Lock()
	if rs.byName == nil {
		rs.byName = map[string]*Restartable{}
	}
	s := rs.byName[q.Get("name")]
	if s == nil {
		s = &Restartable{}
		rs.byName[q.Get("name")] = s
	}
	rs.mu.Unlock()
	var err error
	switch q.Get("do") {
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
	c.SendText(answer)
	c.Close(1000, "")
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
