//go:build !js

package websockettest_test

import (
	"context"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// wait bounds every wait of these tests; none asserts on time.
const wait = 10 * time.Second

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return c
}

// client is a package websocket socket whose events land in channels.
type client struct {
	ws       *websocket.WebSocket
	open     chan struct{}
	messages chan any
	errors   chan error
	closed   chan *websocket.CloseEvent
}

func dial(t *testing.T, url string, o websocket.Options) *client {
	t.Helper()
	c := &client{
		open:     make(chan struct{}, 1),
		messages: make(chan any, 1000),
		errors:   make(chan error, 1),
		closed:   make(chan *websocket.CloseEvent, 1),
	}
	o.OnOpen = func(*websocket.Event) { c.open <- struct{}{} }
	o.OnMessage = func(e *websocket.MessageEvent) { c.messages <- e.Data }
	o.OnError = func(e *websocket.Event) { c.errors <- e.Err }
	o.OnClose = func(e *websocket.CloseEvent) { c.closed <- e }
	ws, err := websocket.NewWithOptions(url, &o)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetBinaryType(websocket.BinaryTypeArrayBuffer)
	c.ws = ws
	t.Cleanup(func() {
		ws.Close()
		<-ws.Done()
	})
	return c
}

func next[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("no %s within %v", what, wait)
		var zero T
		return zero
	}
}

// noError fails t if the client had an error event.
func (c *client) noError(t *testing.T) {
	t.Helper()
	select {
	case err := <-c.errors:
		t.Errorf("unexpected error event: %v", err)
	default:
	}
}

// connected connects a client to a server the test drives, and returns the
// client and the server's side once the client is open.
func connected(t *testing.T) (*client, *websockettest.Conn) {
	t.Helper()
	srv := websockettest.NewServer(t)
	c := dial(t, srv.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	next(t, c.open, "open event")
	return c, conn
}
