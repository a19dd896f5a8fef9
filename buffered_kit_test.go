//go:build !js

package websocket_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// The deferred drop of bufferedAmount against a server of the public test kit
// (websockettest); the cases that read the package's unexported state are in
// buffered_test.go.

// openIdle opens a socket on url and returns once "open" has been dispatched
// and its dispatch has ended, so that no dispatch runs.
func openIdle(t *testing.T, url string, o websocket.Options) *websocket.WebSocket {
	t.Helper()
	opened, onOpen := make(chan struct{}), o.OnOpen
	o.OnOpen = func(e *websocket.Event) {
		if onOpen != nil {
			onOpen(e)
		}
		close(opened)
	}
	ws, err := websocket.NewWithOptions(url, &o)
	if err != nil {
		t.Fatal(err)
	}
	within(t, opened, "open")
	deadline := time.Now().Add(30 * time.Second)
	for websocket.DispatchRunning(ws) {
		if time.Now().After(deadline) {
			t.Fatal("the end of the open dispatch: not within 30 s")
		}
		time.Sleep(time.Millisecond)
	}
	return ws
}

func TestBufferedAmountKeepsUnsentAfterClose(t *testing.T) {
	// The server reads nothing and drops the connection: what was never
	// written stays counted once CLOSED, as in browsers. With a user's
	// HTTPClient there is no write-behind, so the messages the kernel does not
	// take wait in the send queue, which close drops. (The write-behind
	// connection reports its backlog as sent when a write fails, so without
	// HTTPClient the amount falls to 0 here: writebehind.go's business.)
	drop := make(chan struct{})
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		c.StopReading()
		select {
		case <-drop:
			c.Drop()
		case <-c.Done():
		}
	})
	ws := openIdle(t, srv.URL, websocket.Options{DisableCompression: true, HTTPClient: &http.Client{}})
	const n, size = 512, 64 << 10 // 32 MiB: far more than loopback's socket buffers
	msg := make([]byte, size)
	for range n {
		if err := ws.Send(msg); err != nil {
			t.Fatal(err)
		}
	}
	close(drop)
	select {
	case <-ws.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("no close within 30 s after the server dropped the connection")
	}
	if b := ws.BufferedAmount(); b == 0 || b > n*size {
		t.Errorf("BufferedAmount once CLOSED = %d, want in (0, %d]: unsent bytes stay counted", b, n*size)
	}
	checkNoLeak(t)
}
