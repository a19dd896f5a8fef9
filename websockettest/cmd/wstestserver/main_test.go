//go:build !js

package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/leakcheck"
)

// wait bounds every wait; nothing asserts on time.
const wait = 15 * time.Second

// client is a package websocket socket whose events land in channels.
type client struct {
	ws       *websocket.WebSocket
	open     chan struct{}
	messages chan any
	errors   chan error
	closed   chan *websocket.CloseEvent
}

func dial(t *testing.T, url string) *client {
	t.Helper()
	c := &client{open: make(chan struct{}, 1), messages: make(chan any, 100), errors: make(chan error, 1), closed: make(chan *websocket.CloseEvent, 1)}
	ws, err := websocket.NewWithOptions(url, &websocket.Options{
		OnOpen:    func(*websocket.Event) { c.open <- struct{}{} },
		OnMessage: func(e *websocket.MessageEvent) { c.messages <- e.Data },
		OnError:   func(e *websocket.Event) { c.errors <- e.Err },
		OnClose:   func(e *websocket.CloseEvent) { c.closed <- e },
	})
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

// start serves newServer on a port of its own, as main does.
func start(t *testing.T) (s *server, ws, httpURL string) {
	t.Helper()
	s = newServer()
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = s.httpServer()
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		if err := s.close(); err != nil {
			t.Error(err)
		}
	})
	return s, "ws" + strings.TrimPrefix(ts.URL, "http"), ts.URL
}

func post(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Post(url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s %s", url, resp.Status, body)
	}
	return string(body)
}

// echoes checks that c is open and echoes msg.
func echoes(t *testing.T, c *client, msg string) {
	t.Helper()
	next(t, c.open, "open event")
	c.ws.Send(msg)
	if got := next(t, c.messages, "echo"); got != msg {
		t.Errorf("echo: got %v, want %q", got, msg)
	}
}

func refusedWith(t *testing.T, c *client, status int) {
	t.Helper()
	var he *websocket.HandshakeError
	if err := next(t, c.errors, "error event"); !errors.As(err, &he) || he.StatusCode != status {
		t.Errorf("error %v, want a HandshakeError with status %d", err, status)
	}
	next(t, c.closed, "close event")
}

func closedWith(t *testing.T, c *client, code int, reason string, clean bool) {
	t.Helper()
	e := next(t, c.closed, "close event")
	if e.Code != code || e.Reason != reason || e.WasClean != clean {
		t.Errorf("close event %d %q clean=%v, want %d %q clean=%v", e.Code, e.Reason, e.WasClean, code, reason, clean)
	}
}

func TestKit(t *testing.T) {
	t.Run("", func(t *testing.T) {
		_, ws, _ := start(t)

		echoes(t, dial(t, ws+"/kit/echo"), "hello")

		// The sink takes messages and sends none: the client's close gets
		// the answer, after everything it sent.
		sink := dial(t, ws+"/kit/sink")
		next(t, sink.open, "open event")
		sink.ws.Send("dropped")
		sink.ws.CloseWithCode(4003, "")
		closedWith(t, sink, 4003, "", true)
		select {
		case m := <-sink.messages:
			t.Errorf("/kit/sink sent %v", m)
		default:
		}

		c := dial(t, ws+"/kit/close?code=4001&reason=bye")
		next(t, c.open, "open event")
		c.ws.Send("first")
		closedWith(t, c, 4001, "bye", true)

		closedWith(t, dial(t, ws+"/kit/close?now=1&code=4002"), 4002, "", true)
		closedWith(t, dial(t, ws+"/kit/drop"), 1006, "", false)
		closedWith(t, dial(t, ws+"/kit/reset?after_ms=0"), 1006, "", false)
		refusedWith(t, dial(t, ws+"/kit/refuse?status=409"), 409)
		refusedWith(t, dial(t, ws+"/kit/refuse"), 403)
		refusedWith(t, dial(t, ws+"/kit/close?code=x"), 400)
		refusedWith(t, dial(t, ws+"/kit/nosuch"), 404)

		// An unmasked text frame "hi", then the echo.
		f := dial(t, ws+"/kit/frame?hex=81026869")
		next(t, f.open, "open event")
		if got := next(t, f.messages, "the raw frame"); got != "hi" {
			t.Errorf("raw frame: got %v, want hi", got)
		}
		f.ws.Send("after")
		if got := next(t, f.messages, "echo"); got != "after" {
			t.Errorf("echo after the raw frame: got %v, want after", got)
		}

		// The package's own endpoints are served at the other paths.
		own := dial(t, ws+"/echo")
		next(t, own.open, "open event")
		own.ws.Send("own")
		if got := next(t, own.messages, "echo"); got != "own" {
			t.Errorf("/echo: got %v, want own", got)
		}
	})
	checkLeaks(t)
}

func TestControl(t *testing.T) {
	t.Run("", func(t *testing.T) {
		_, ws, httpURL := start(t)

		resp, err := http.Get(httpURL + "/_control/dropall")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /_control/dropall: %s, want 405", resp.Status)
		}

		// With a tag, dropall ends only the connections that had it.
		tagged, untagged := dial(t, ws+"/echo?tag=mine"), dial(t, ws+"/kit/echo")
		echoes(t, tagged, "tagged")
		echoes(t, untagged, "untagged")
		if got := post(t, httpURL+"/_control/dropall?tag=mine"); !strings.Contains(got, "dropped 1 connection(s)") {
			t.Errorf("dropall?tag=mine answered %q, want it to say 1 connection", got)
		}
		closedWith(t, tagged, 1006, "", false)
		untagged.ws.Send("still open")
		if got := next(t, untagged.messages, "echo"); got != "still open" {
			t.Errorf("untagged after dropall?tag=mine: got %v, want still open", got)
		}
		untagged.ws.Close()
		closedWith(t, untagged, 1005, "", true)

		// dropall ends the kit's and internal/wstest's connections alike,
		// without a close frame, and the server serves on.
		kit, own := dial(t, ws+"/kit/echo"), dial(t, ws+"/echo")
		echoes(t, kit, "a")
		echoes(t, own, "b")
		if got := post(t, httpURL+"/_control/dropall"); !strings.Contains(got, "dropped 2 connection(s)") {
			t.Errorf("dropall answered %q, want it to say 2 connections", got)
		}
		closedWith(t, kit, 1006, "", false)
		closedWith(t, own, 1006, "", false)
		echoes(t, dial(t, ws+"/kit/echo"), "after dropall")

		// restart drops too, refuses handshakes (the down time is long
		// enough for the next one to come within it), then serves again.
		open := dial(t, ws+"/kit/echo")
		echoes(t, open, "c")
		post(t, httpURL+"/_control/restart?down_ms=3000")
		closedWith(t, open, 1006, "", false)
		refusedWith(t, dial(t, ws+"/echo"), http.StatusServiceUnavailable)
		deadline := time.Now().Add(wait)
		for {
			c := dial(t, ws+"/kit/echo")
			select {
			case <-c.open:
				c.ws.Send("back")
				if got := next(t, c.messages, "echo"); got != "back" {
					t.Errorf("after the restart: got %v, want back", got)
				}
				return
			case <-c.closed:
			case <-time.After(wait):
				t.Fatalf("no open or close event within %v", wait)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server did not serve again within %v of the restart", wait)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	checkLeaks(t)
}

// The server forgets the connections that have ended: a long run does not
// keep every connection it ever had.
func TestForgetsEndedConnections(t *testing.T) {
	t.Run("", func(t *testing.T) {
		s, ws, _ := start(t)
		const n = 200
		for range n {
			c := dial(t, ws+"/kit/close?now=1")
			closedWith(t, c, 1000, "", true)
		}
		s.mu.Lock()
		kept := len(s.conns)
		s.mu.Unlock()
		if kept >= n {
			t.Errorf("the server keeps %d connections after %d ended", kept, n)
		}
	})
	checkLeaks(t)
}

func checkLeaks(t *testing.T) {
	leakcheck.Check(t, "of the server or the client", func(stack string) bool {
		return strings.Contains(stack, "browserws/websocket") && !strings.Contains(stack, "testing.tRunner")
	})
}

// A restart with a tag takes down only that tag's connections and handshakes,
// until up; /kit/late answers the handshake late (or never, if the client
// gives up first), then echoes.
func TestTaggedRestartAndLate(t *testing.T) {
	t.Run("", func(t *testing.T) {
		_, ws, httpURL := start(t)
		mine, other := dial(t, ws+"/kit/echo?tag=mine"), dial(t, ws+"/kit/echo?tag=other")
		echoes(t, mine, "a")
		echoes(t, other, "b")
		// Down far longer than any wait: only up brings it back.
		if got := post(t, httpURL+"/_control/restart?tag=mine&down_ms=600000"); !strings.Contains(got, "dropped 1 connection(s)") {
			t.Errorf("restart?tag=mine answered %q, want it to say 1 connection", got)
		}
		closedWith(t, mine, 1006, "", false)
		refusedWith(t, dial(t, ws+"/kit/echo?tag=mine"), http.StatusServiceUnavailable)
		other.ws.Send("still open")
		if got := next(t, other.messages, "echo"); got != "still open" {
			t.Errorf("other tag during the restart: got %v, want still open", got)
		}
		echoes(t, dial(t, ws+"/kit/echo?tag=other"), "others are served")
		post(t, httpURL+"/_control/up?tag=mine")
		echoes(t, dial(t, ws+"/kit/echo?tag=mine"), "back")

		echoes(t, dial(t, ws+"/kit/late?delay_ms=200"), "late")
		refusedWith(t, dial(t, ws+"/kit/late?delay_ms=x"), 400)
		// A handshake that is not answered in time: the client gives up
		// while CONNECTING, without an open event.
		never := dial(t, ws+"/kit/late?delay_ms=600000")
		never.ws.Close()
		closedWith(t, never, 1006, "", false)
		select {
		case <-never.open:
			t.Error("/kit/late?delay_ms=600000: an open event")
		default:
		}
	})
	checkLeaks(t)
}
