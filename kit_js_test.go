//go:build js

package websocket

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket/internal/jsfetch"
)

// The command websockettest/cmd/wstestserver serves the kit's behaviours under
// /kit/ and its control endpoints to tests compiled to WASM: an echo through
// /kit/echo, then POST /_control/dropall (only this test's connection, by its
// tag, since the reconnecting package's tests share the server) ends the
// connection without a close frame.
func TestKitEchoAndDropAll(t *testing.T) {
	tag := "kit" + strconv.FormatInt(time.Now().UnixNano(), 36)
	opened := make(chan struct{}, 1)
	got := make(chan any, 1)
	closed := make(chan *CloseEvent, 1)
	ws, err := NewWithOptions(srv("/kit/echo?tag="+tag), &Options{
		OnOpen:    func(*Event) { opened <- struct{}{} },
		OnMessage: func(e *MessageEvent) { got <- e.Data },
		OnClose:   func(e *CloseEvent) { closed <- e },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ws.Close(); <-ws.Done() }()
	waitFor(t, opened, "open event", closed)
	ws.Send("hello kit")
	if m := waitFor(t, got, "echo", closed); m != "hello kit" {
		t.Fatalf("echo: got %v, want hello kit", m)
	}

	control := "http" + strings.TrimPrefix(strings.TrimSuffix(serverURL, "/"), "ws") + "/_control/dropall?tag=" + tag
	status, body, err := jsfetch.Post(control)
	if err != nil || status != 200 || !strings.Contains(body, "dropped 1 connection(s)") {
		t.Fatalf("POST %s: status %d %q, %v; want 200 and 1 connection dropped", control, status, body, err)
	}
	e := waitFor(t, closed, "close event after dropall", nil)
	if e.Code != 1006 || e.WasClean {
		t.Errorf("after dropall: close event %d clean=%v, want 1006 not clean", e.Code, e.WasClean)
	}
}

// waitFor waits for a value of ch; a close event first (when closed is not
// nil) or nothing within 30 s fails the test.
func waitFor[T any](t *testing.T, ch <-chan T, what string, closed <-chan *CloseEvent) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case e := <-closed:
		t.Fatalf("close event %d %q before the %s", e.Code, e.Reason, what)
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s within 30s", what)
	}
	var zero T
	return zero
}
