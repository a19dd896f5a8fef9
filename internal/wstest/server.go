//go:build !js

// Package wstest is the WebSocket server behind the package's tests: one
// endpoint per server behaviour a browser has to cope with (echo, closes,
// drops, invalid UTF-8, refused handshakes, protocol games, large and flooding
// messages, raw frames and scripts). Each WebSocket endpoint is a behaviour of
// the test kit websockettest (a func(*websockettest.Conn), with a Handshake of
// its own where the opening handshake is special), served by one
// websockettest.Handler; the plain HTTP endpoints (/record, /reject,
// /auth, /redirect) are served in front of it. Native tests run it
// in-process; WASM tests reach it in a separate process started by
// websockettest/cmd/wstestserver. Like the kit, it builds natively only.
package wstest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/browserws/websocket/websockettest"
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
func (s *Server) WSURL() string { return "ws" + strings.TrimPrefix(s.URL, "http") }

// handler routes the plain HTTP endpoints through mux, and the paths of the
// endpoint table (endpoints.go) to kit, which answers each opening handshake
// and runs each connection's behaviour as the table says; any other path is
// not found.
type handler struct {
	mux      *http.ServeMux
	kit      *websockettest.Handler
	records  *records
	done     chan struct{} // closed by Shutdown: ends every wait of a behaviour
	shutdown sync.Once
}

func newHandler() *handler {
	h := &handler{
		mux:     http.NewServeMux(),
		records: newRecords(),
		done:    make(chan struct{}),
	}
	h.kit = websockettest.NewHandler(h.serve)
	h.kit.SetHandshake(h.handshake)
	h.mux.HandleFunc("/record", h.records.serveRecord)
	h.mux.HandleFunc("/reject", reject)
	h.mux.HandleFunc("/auth", auth)
	h.mux.HandleFunc("/redirect", redirect)
	for path := range endpoints {
		h.mux.Handle(path, h.kit)
	}
	return h
}

// ServeHTTP serves one request of the test server.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Shutdown ends every wait of the behaviours and every connection, and waits
// for the behaviours to return.
func (h *handler) Shutdown() {
	h.shutdown.Do(func() {
		close(h.done)
		h.kit.Close()
	})
}
