//go:build !js

package websocket_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// wss through a user's HTTPClient (the write-behind's flusher-only path, under
// TLS): messages larger than the kernel's buffers come back whole and in
// order, compressed or not.
func TestEchoUnderTLSWithHTTPClient(t *testing.T) {
	srv := websockettest.NewTLSServer(t, websockettest.Echo)
	srv.SetHandshake(func(r *http.Request) websockettest.Handshake {
		if r.URL.Query().Get("compress") == "0" {
			return websockettest.Handshake{}
		}
		return websockettest.Handshake{Extensions: "permessage-deflate"} // the client offers it
	})
	for _, query := range []string{"?compress=0", ""} {
		const n, size = 50, 64 << 10
		got := make(chan []byte, n)
		closed := make(chan *websocket.CloseEvent, 1)
		msg := func(i int) []byte { return bytes.Repeat([]byte(fmt.Sprintf("%08d", i)), size/8) }
		var ws *websocket.WebSocket
		made := make(chan struct{})
		ws, err := websocket.NewWithOptions(srv.URL+"/echo"+query, &websocket.Options{
			HTTPClient: srv.Client(),
			OnMessage:  func(e *websocket.MessageEvent) { got <- e.Data.([]byte) },
			OnClose:    func(e *websocket.CloseEvent) { closed <- e },
			OnOpen: func(*websocket.Event) {
				<-made
				ws.SetBinaryType(websocket.BinaryTypeArrayBuffer)
				for i := range n {
					ws.Send(msg(i))
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		close(made)
		for i := range n {
			select {
			case b := <-got:
				if !bytes.Equal(b, msg(i)) {
					t.Fatalf("%q: echo %d is not message %d", query, i, i)
				}
			case e := <-closed:
				t.Fatalf("%q: closed (%d) after %d echoes", query, e.Code, i)
			case <-time.After(30 * time.Second):
				t.Fatalf("%q: no echo %d", query, i)
			}
		}
		if got, want := ws.Extensions(), map[string]string{"": "permessage-deflate"}[query]; got != want {
			t.Errorf("%q: Extensions() = %q, want %q", query, got, want)
		}
		ws.CloseWithCode(1000, "")
		select {
		case e := <-closed:
			if e.Code != 1000 || !e.WasClean {
				t.Errorf("%q: close %d clean=%v, want 1000 clean", query, e.Code, e.WasClean)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%q: no close event", query)
		}
	}
}
