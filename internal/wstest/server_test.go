//go:build !js

package wstest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/wstest"
)

// StartTLS serves the endpoints over TLS: /echo sends back, whole and in
// order, messages larger than the kernel's buffers, compressed or not.
func TestStartTLSEcho(t *testing.T) {
	s := wstest.StartTLS()
	defer s.Close()
	for _, query := range []string{"?compress=0", ""} {
		const n, size = 50, 64 << 10
		got := make(chan []byte, n)
		closed := make(chan *websocket.CloseEvent, 1)
		msg := func(i int) []byte { return bytes.Repeat([]byte(fmt.Sprintf("%08d", i)), size/8) }
		var ws *websocket.WebSocket
		made := make(chan struct{})
		ws, err := websocket.NewWithOptions("wss"+s.URL[len("https"):]+"/echo"+query, &websocket.Options{
			HTTPClient: s.Client(),
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

// The plain HTTP endpoints answer as before the kit served the others, and
// an unknown path is not found.
func TestHTTPEndpoints(t *testing.T) {
	s := wstest.Start()
	defer s.Close()
	for path, want := range map[string]int{"/reject": 403, "/reject?status=404": 404, "/auth": 401, "/record?id=none": 404, "/nothing": 404} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
