// Package wstest is the WebSocket server behind the package's tests: one handler
// per server behaviour a browser has to cope with (echo, closes, drops, invalid
// UTF-8, refused handshakes, protocol games, large and flooding messages). Native
// tests run it in-process; WASM tests reach it in a separate process started by
// websockettest/cmd/wstestserver.
package wstest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
)

// Server is a running test server.
type Server struct {
	*httptest.Server
	h *handler
}

// Start starts a test server on 127.0.0.1.
func Start() *Server {
	h := newHandler()
	return &Server{Server: httptest.NewServer(h), h: h}
}

// StartTLS starts a test server with TLS on 127.0.0.1; its certificate is trusted
// only by the server's own Client.
func StartTLS() *Server {
	h := newHandler()
	return &Server{Server: httptest.NewTLSServer(h), h: h}
}

// Handler returns the test server's handler, for a server of the caller's own; call
// Shutdown when done with it to end connections the handler holds.
func Handler() interface {
	http.Handler
	Shutdown()
} {
	return newHandler()
}

// Close ends the connections the handler took over and stops the server.
func (s *Server) Close() {
	s.h.Shutdown()
	s.Server.Close()
}

// WSURL returns the server's base URL with the ws scheme.
func (s *Server) WSURL() string { return "ws" + s.URL[len("http"):] }

// handler routes requests and tracks hijacked connections.
type handler struct {
	mux          *http.ServeMux
	records      *records
	restartables restartables // the servers of /restartable (restartable.go)
	gates        *gates

	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
	done  chan struct{}

	// ctx bounds every WebSocket read and write; Shutdown cancels it, which ends
	// the connections coder/websocket took over.
	ctx    context.Context
	cancel context.CancelFunc
}

// Shutdown closes every connection a handler took over and waits for its goroutines.
func (h *handler) Shutdown() {
	h.mu.Lock()
	select {
	case <-h.done:
	default:
		close(h.done)
	}
	h.cancel()
	h.restartables.closeAll()
	for c := range h.conns {
		c.Close()
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// ServeHTTP serves one request of the test server.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.wg.Add(1)
	defer h.wg.Done()
	h.mux.ServeHTTP(w, r)
}

// track registers a hijacked connection so that Shutdown closes it.
func (h *handler) track(c net.Conn) func() {
	h.mu.Lock()
	h.conns[c] = true
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
		c.Close()
	}
}
