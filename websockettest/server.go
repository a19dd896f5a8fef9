//go:build !js

package websockettest

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/browserws/websocket"
)

// cleanupTimeout bounds how long Close waits for handlers to return.
const cleanupTimeout = 10 * time.Second

// Server is a WebSocket server on 127.0.0.1 for one test, made by NewServer
// or NewTLSServer. It accepts every opening handshake (unless SetHandshake
// says otherwise) and hands each connection, as a *Conn, to its handler or,
// without one, to Accept. Its methods are safe to call from any goroutine.
type Server struct {
	// URL is the server's base URL, ws://127.0.0.1:port or
	// wss://127.0.0.1:port; every path is served the same way (Conn.Request
	// tells which one the client asked for).
	URL string

	t       testing.TB
	ts      *httptest.Server
	handler func(*Conn)

	mu        sync.Mutex
	handshake func(*http.Request) Handshake
	pending   []*Conn // accepted connections Accept has not taken
	changed   chan struct{}
	conns     map[*Conn]bool
	seen      int // opening handshakes received
	refused   int // requests answered without a Conn
	closed    bool
	done      chan struct{} // closed by Close
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// NewServer starts a WebSocket server that t's Cleanup closes. With a handler,
// each connection runs it on a goroutine of its own (Echo, or any func(*Conn));
// without one, the test takes connections with Accept. At most one handler may
// be given.
func NewServer(t testing.TB, handler ...func(*Conn)) *Server {
	t.Helper()
	return start(t, false, handler)
}

// NewTLSServer is NewServer with TLS: URL is wss://, and the certificate is
// trusted only by Client and Options.
func NewTLSServer(t testing.TB, handler ...func(*Conn)) *Server {
	t.Helper()
	return start(t, true, handler)
}

func start(t testing.TB, tls bool, handler []func(*Conn)) *Server {
	t.Helper()
	if len(handler) > 1 {
		t.Fatalf("websockettest: NewServer takes at most one handler, got %d", len(handler))
	}
	s := newServer(nil)
	s.t = t
	if len(handler) == 1 {
		s.handler = handler[0]
	}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// A client that walks away (an untrusted certificate, a handshake
	// timeout) is the test's business, not a line in its output.
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		s.ts.StartTLS()
		s.URL = "wss" + strings.TrimPrefix(s.ts.URL, "https")
	} else {
		s.ts.Start()
		s.URL = "ws" + strings.TrimPrefix(s.ts.URL, "http")
	}
	t.Cleanup(s.Close)
	return s
}

// newServer makes a Server that serves nothing yet: start gives it a test and
// a listener, NewHandler neither.
func newServer(handler func(*Conn)) *Server {
	return &Server{handler: handler, changed: make(chan struct{}), conns: map[*Conn]bool{}, done: make(chan struct{})}
}

// Client returns an *http.Client that trusts the server's certificate (for
// NewTLSServer; for NewServer, a plain client), for websocket.Options.HTTPClient.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Options returns websocket.Options whose HTTPClient is Client, for
// websocket.NewWithOptions; the caller sets the other fields.
func (s *Server) Options() websocket.Options {
	return websocket.Options{HTTPClient: s.Client()}
}

// SetHandshake makes fn choose how the server answers each later opening
// handshake; nil restores the default, a zero Handshake. fn runs on the
// request's goroutine and must not call Accept.
func (s *Server) SetHandshake(fn func(r *http.Request) Handshake) {
	s.mu.Lock()
	s.handshake = fn
	s.mu.Unlock()
}

// Accept returns the server side of the next connection, waiting for a client
// if none has connected yet; connections are kept in the order their
// handshakes completed until Accept takes them. If none comes before ctx
// ends, Accept fails the test with t.Fatalf, saying what the server saw
// instead. Call it from the test's goroutine, on a server without a handler.
func (s *Server) Accept(ctx context.Context) *Conn {
	s.t.Helper()
	if s.handler != nil {
		s.t.Fatalf("websockettest: Accept on a server with a handler: its connections go to the handler")
	}
	for {
		s.mu.Lock()
		if len(s.pending) > 0 {
			c := s.pending[0]
			s.pending = s.pending[1:]
			s.mu.Unlock()
			return c
		}
		seen, refused, closed, ch := s.seen, s.refused, s.closed, s.changed
		s.mu.Unlock()
		taken := seen - refused
		if closed {
			s.t.Fatalf("websockettest: Accept: the server is closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			what := "no request at all"
			if seen > 0 {
				what = fmt.Sprintf("%d request(s) answered without a connection (refused, given up by the client, or not WebSocket handshakes) and %d connection(s) that earlier Accepts took", refused, taken)
			}
			s.t.Fatalf("websockettest: Accept: no connection before the context ended (%v); the server saw %s", context.Cause(ctx), what)
			return nil
		}
	}
}

// broadcast wakes the goroutines waiting for a change; s.mu is held.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// serve answers one HTTP request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "websockettest: the server is closed", http.StatusServiceUnavailable)
		return
	}
	s.seen++
	fn := s.handshake
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	c := s.upgrade(w, r, fn)
	s.mu.Lock()
	if c == nil {
		s.refused++
		s.broadcast()
		s.mu.Unlock()
		return
	}
	if s.closed {
		s.mu.Unlock()
		c.nc.Close()
		return
	}
	s.conns[c] = true
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		c.readLoop()
	}()
	if s.handler != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handler(c)
		}()
	} else {
		s.pending = append(s.pending, c)
		s.broadcast()
	}
	s.mu.Unlock()
}

// upgrade answers the handshake as fn says; it returns the Conn, or nil when
// there is none.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, fn func(*http.Request) Handshake) *Conn {
	if why := checkRequest(r); why != "" {
		refuse(w, why)
		return nil
	}
	var h Handshake
	if fn != nil {
		h = fn(r)
	}
	if h.Delay > 0 {
		timer := time.NewTimer(h.Delay)
		select {
		case <-timer.C:
		case <-s.done:
			timer.Stop()
			return nil
		case <-r.Context().Done(): // the client gave up
			timer.Stop()
			return nil
		}
	}
	nc, brw, err := hijack(w)
	if err != nil {
		http.Error(w, "websockettest: cannot take the connection over: "+err.Error(), http.StatusInternalServerError)
		return nil
	}
	a, ok := writeAnswer(brw.Writer, r, h)
	if !ok {
		nc.Close()
		return nil
	}
	return newConn(s, nc, brw.Reader, r, a)
}

// forget removes an ended connection from the ones Close must close.
func (s *Server) forget(c *Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Close ends every connection without a closing handshake, stops the server
// and waits for its goroutines, handlers included: a handler must return once
// its connection has ended. t's Cleanup calls it; calling it again does
// nothing.
func (s *Server) Close() {
	if err := s.shutdown(); err != nil {
		s.t.Errorf("%v", err)
	}
}

// shutdown is Close for a Server and a Handler: it refuses later requests,
// ends every connection, closes the listener when the server has one, and
// waits up to cleanupTimeout for the handlers. Only the first call does
// anything.
func (s *Server) shutdown() (err error) {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.done)
		s.broadcast()
		conns := make([]*Conn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		for _, c := range conns {
			c.end(errServerClosed)
		}
		if s.ts != nil {
			s.ts.Close()
		}
		waited := make(chan struct{})
		go func() { s.wg.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(cleanupTimeout):
			err = fmt.Errorf("websockettest: a handler was still running %v after the server closed its connections", cleanupTimeout)
		}
	})
	return err
}
