// Package integration shows tests written with the public test kit,
// github.com/browserws/websocket/websockettest: page-like clients against a
// server under test, a reconnection through the kit's fault proxy, and a
// misbehaving server scripted step by step, each checked with the kit's event
// recorder. The server under test here is Chat, a tiny chat room written with
// github.com/coder/websocket, as a Go server would be.
package integration

import (
	"context"
	"net/http"
	"sync"
	"time"

	cws "github.com/coder/websocket"
)

// Chat is the server under test: a chat room. Only pages of
// https://chat.example may join: coder/websocket's Accept checks the
// handshake's Origin header and answers any other origin with 403 Forbidden.
// A page that joins is greeted with "welcome"; every message a page sends is
// broadcast, as text, to every page in the room, its sender included.
//
// Messages are written one at a time; a page that does not take one within a
// second is dropped. Close ends every connection and waits for the handlers.
type Chat struct {
	mu     sync.Mutex
	conns  map[*cws.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewChat returns an empty room.
func NewChat() *Chat { return &Chat{conns: make(map[*cws.Conn]struct{})} }

// ServeHTTP is the room's WebSocket endpoint.
func (c *Chat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn, err := cws.Accept(w, r, &cws.AcceptOptions{OriginPatterns: []string{"https://chat.example"}})
	if err != nil {
		return // Accept has answered (403 for another origin)
	}
	defer conn.CloseNow()
	if !c.join(conn) {
		return
	}
	defer c.leave(conn)
	for {
		_, data, err := conn.Read(context.Background())
		if err != nil {
			return // closed by the page, dropped, or ended by Close
		}
		c.broadcast(data)
	}
}

// join greets conn and adds it to the room, both under the lock, so that
// "welcome" is the first message a page gets.
func (c *Chat) join(conn *cws.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || write(conn, []byte("welcome")) != nil {
		return false
	}
	c.conns[conn] = struct{}{}
	c.wg.Add(1)
	return true
}

func (c *Chat) leave(conn *cws.Conn) {
	c.mu.Lock()
	delete(c.conns, conn)
	c.mu.Unlock()
	c.wg.Done()
}

func (c *Chat) broadcast(msg []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for conn := range c.conns {
		write(conn, msg) // a failed write closes conn: its handler leaves
	}
}

func write(conn *cws.Conn, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return conn.Write(ctx, cws.MessageText, msg)
}

// Close ends every connection at once (no closing handshake) and waits until
// every page's handler has returned; later pages are turned away.
func (c *Chat) Close() {
	c.mu.Lock()
	c.closed = true
	conns := make([]*cws.Conn, 0, len(c.conns))
	for conn := range c.conns {
		conns = append(conns, conn)
	}
	c.mu.Unlock()
	for _, conn := range conns {
		conn.CloseNow()
	}
	c.wg.Wait()
}
