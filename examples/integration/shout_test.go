//go:build !js

package integration

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
)

// client is a browser-like WebSocket whose events land in channels, so a test
// reads them in order, with a timeout, on its own goroutine.
type client struct {
	ws       *websocket.WebSocket
	open     chan struct{}
	messages chan any
	errors   chan error
	closed   chan *websocket.CloseEvent
}

// dial opens a socket to url with the handlers installed before the connection
// starts (Options.On…), and makes sure the test does not end with it open.
func dial(t *testing.T, url string, protocols ...string) *client {
	t.Helper()
	c := &client{
		open:     make(chan struct{}, 1),
		messages: make(chan any, 100),
		errors:   make(chan error, 1),
		closed:   make(chan *websocket.CloseEvent, 1),
	}
	ws, err := websocket.NewWithOptions(url, &websocket.Options{
		Protocols: protocols,
		OnOpen:    func(*websocket.Event) { c.open <- struct{}{} },
		OnMessage: func(e *websocket.MessageEvent) { c.messages <- e.Data },
		OnError:   func(e *websocket.Event) { c.errors <- e.Err },
		OnClose:   func(e *websocket.CloseEvent) { c.closed <- e },
	})
	if err != nil {
		t.Fatal(err)
	}
	c.ws = ws
	t.Cleanup(func() {
		ws.Close()
		<-ws.Done() // every event dispatched, no goroutine left
	})
	return c
}

// wait returns the next value from ch, or fails the test after 5 seconds.
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s after 5s", what)
		var zero T
		return zero
	}
}

func serve(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(Shout))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func TestShoutAnswersInUpperCase(t *testing.T) {
	c := dial(t, serve(t), "shout.v1")
	wait(t, c.open, "open event")
	if got := c.ws.Protocol(); got != "shout.v1" {
		t.Errorf("protocol %q, want shout.v1", got)
	}
	if got := wait(t, c.messages, "welcome"); got != "welcome" {
		t.Fatalf("first message %q, want welcome", got)
	}
	for _, s := range []string{"hello", "héllo wörld"} {
		if err := c.ws.Send(s); err != nil {
			t.Fatal(err)
		}
		if got, want := wait(t, c.messages, "answer"), strings.ToUpper(s); got != want {
			t.Errorf("answer to %q: %q, want %q", s, got, want)
		}
	}
}

func TestShoutSaysBye(t *testing.T) {
	c := dial(t, serve(t))
	wait(t, c.open, "open event")
	c.ws.Send("bye")
	e := wait(t, c.closed, "close event")
	if e.Code != 1000 || e.Reason != "bye" || !e.WasClean {
		t.Fatalf("close %d %q clean=%v, want 1000 \"bye\" clean", e.Code, e.Reason, e.WasClean)
	}
	<-c.ws.Done()
	if got := c.ws.ReadyState(); got != websocket.Closed {
		t.Fatalf("readyState %v after Done, want CLOSED", got)
	}
}

func TestShoutRefusesBinary(t *testing.T) {
	c := dial(t, serve(t))
	wait(t, c.open, "open event")
	c.ws.Send([]byte{1, 2, 3})
	e := wait(t, c.closed, "close event")
	if e.Code != 1003 || e.Reason != "text only" {
		t.Fatalf("close %d %q, want 1003 \"text only\"", e.Code, e.Reason)
	}
}

func TestShoutUnknownProtocolFailsLikeABrowser(t *testing.T) {
	// The server does not speak "shout.v2", so its answer names no protocol.
	// A browser fails such a connection (the client asked for one), and so does
	// this client: error, then close 1006, never open.
	c := dial(t, serve(t), "shout.v2")
	if err := wait(t, c.errors, "error event"); !errors.Is(err, websocket.ErrProtocolMismatch) {
		t.Errorf("error event's Err = %v, want ErrProtocolMismatch", err)
	}
	if e := wait(t, c.closed, "close event"); e.Code != 1006 || e.WasClean {
		t.Fatalf("close %d clean=%v, want 1006, not clean", e.Code, e.WasClean)
	}
	select {
	case <-c.open:
		t.Fatal("open event for a connection that failed")
	default:
	}
}

func TestServerDownGivesErrorThenClose(t *testing.T) {
	// Nothing listens here any more once the server is closed.
	srv := httptest.NewServer(http.HandlerFunc(Shout))
	dead := "ws" + strings.TrimPrefix(srv.URL, "http")
	srv.Close()

	c := dial(t, dead)
	if err := wait(t, c.errors, "error event"); err == nil {
		t.Error("error event without a cause in Err")
	}
	e := wait(t, c.closed, "close event")
	if e.Code != 1006 || e.WasClean {
		t.Fatalf("close %d clean=%v, want 1006, not clean", e.Code, e.WasClean)
	}
}
