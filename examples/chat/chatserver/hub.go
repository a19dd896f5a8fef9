// Package chatserver is the server of the chat example: the classic WebSocket
// chat, where every message a client publishes is cut to MaxChars characters and
// broadcast to every connected client, and a client leaves the set when its
// connection closes. It uses github.com/coder/websocket directly, as any Go
// server would; the clients are Go code using github.com/browserws/websocket
// (package chatclient), compiled to WASM for the page and natively for the
// terminal.
package chatserver

import (
	"context"
	"net/http"
	"sync"
	"unicode/utf8"

	cws "github.com/coder/websocket"
)

// MaxChars is the most characters (Unicode code points) a published message
// keeps; the rest is cut off, as the JavaScript original does with
// message.slice(0, 50).
const MaxChars = 50

// Cut returns s cut to its first MaxChars characters.
func Cut(s string) string {
	if utf8.RuneCountInString(s) <= MaxChars {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxChars {
			return s[:i]
		}
		n++
	}
	return s
}

// outboxSize is how many broadcast messages may wait for one slow client before
// that client is dropped: one slow reader must not stall the room.
const outboxSize = 64

// A Hub is the chat room: the set of connected clients. Its ServeHTTP is the
// WebSocket endpoint.
type Hub struct {
	mu      sync.Mutex
	clients map[*member]struct{}
}

type member struct {
	outbox chan string
}

// NewHub returns an empty room.
func NewHub() *Hub { return &Hub{clients: make(map[*member]struct{})} }

// Len reports how many clients are in the room.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// ServeHTTP accepts a WebSocket connection and keeps it in the room until it
// closes: each text or binary message it sends is cut to MaxChars characters
// and sent, as text, to every client, the sender included.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := cws.Accept(w, r, nil) // same-origin pages and non-browser clients only
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 10)

	m := &member{outbox: make(chan string, outboxSize)}
	h.join(m)
	defer h.leave(m)

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() { // writer: the only goroutine that writes to c
		for {
			select {
			case msg := <-m.outbox:
				if c.Write(ctx, cws.MessageText, []byte(msg)) != nil {
					cancel()
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()

	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return // closed by the client, dropped, or kicked out for being slow
		}
		h.broadcast(Cut(string(data)))
	}
}

func (h *Hub) join(m *member) {
	h.mu.Lock()
	h.clients[m] = struct{}{}
	h.mu.Unlock()
}

func (h *Hub) leave(m *member) {
	h.mu.Lock()
	delete(h.clients, m)
	h.mu.Unlock()
}

func (h *Hub) broadcast(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for m := range h.clients {
		select {
		case m.outbox <- msg:
		default: // too slow: it misses this message rather than stalling everyone
		}
	}
}
