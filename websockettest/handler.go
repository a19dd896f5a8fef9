//go:build !js

package websockettest

import (
	"net/http"
)

// Handler is the server of NewServer as an http.Handler, for a server of the
// caller's own that outlives any one test, such as a process that WASM tests
// reach (package websockettest/cmd/wstestserver). Its connections are the
// same Conns, made by the same code, as a Server's.
type Handler struct {
	s *Server
}

// NewHandler returns an http.Handler that answers each opening handshake as
// SetHandshake says (by default it accepts it) and runs handler on a goroutine
// of its own for each connection. Requests that are not opening handshakes are
// answered 400. handler must not be nil, and must return once its connection
// has ended. Call Close when done with it.
func NewHandler(handler func(*Conn)) *Handler {
	if handler == nil {
		panic("websockettest: NewHandler needs a handler")
	}
	return &Handler{s: newServer(handler)}
}

// ServeHTTP answers one request: an opening handshake becomes a Conn for the
// handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.s.serve(w, r) }

// SetHandshake makes fn choose how the handler answers each later opening
// handshake, as Server.SetHandshake does; nil restores the default.
func (h *Handler) SetHandshake(fn func(r *http.Request) Handshake) { h.s.SetHandshake(fn) }

// Close ends every connection without a closing handshake, answers later
// requests 503, and waits for the handlers to return. It returns an error
// when a handler was still running 10 seconds after its connection ended.
// Calling it again does nothing and returns nil. It does not close the
// caller's server or listener.
func (h *Handler) Close() error { return h.s.shutdown() }
