//go:build !js

package websocket_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
	cws "github.com/coder/websocket"
)

// The package's own frames (internal/wire) as servers read them: the public
// test kit's (websockettest), which checks masking, reserved bits and UTF-8 and
// inflates as RFC 7692 says, and coder/websocket's, a server library the
// package must interoperate with.

// The deflate answers of the tests, as a server writes them.
const (
	deflateTakeover   = "permessage-deflate"
	deflateNoTakeover = "permessage-deflate; client_no_context_takeover; server_no_context_takeover"
)

// answerExtensions makes srv answer every opening handshake with extensions.
func answerExtensions(srv *websockettest.Server, extensions string) {
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Extensions: extensions}
	})
}

// The package's frames at every length-field boundary, text and binary, with
// and without compression negotiated, arrive as sent; and the caller may change
// its slice as soon as Send returns, whether the message was written at once or
// queued (with a user's HTTPClient the write-behind's flusher writes
// everything).
func TestOwnFramesArriveWhole(t *testing.T) {
	// The small ones after the largest: with context takeover, a message after
	// one over 1 MiB must come from the same compressor.
	sizes := []int{0, 1, 125, 126, 127, 1000, 65535, 65536, 65537, 1 << 20, 1<<20 + 1, 3 << 20, 200, 3000}
	msgs := make([][]byte, len(sizes))
	for i, n := range sizes {
		msgs[i] = make([]byte, n)
		for j := range msgs[i] {
			// Repeated text, each message from another place in it: deflate
			// encodes much of a message as references into the ones before.
			msgs[i][j] = "hello world, hello deflate "[(i+j)%27]
		}
	}
	// check compares what a server read with what was sent: "" when all is well.
	check := func(read func(i int) (text bool, data []byte, err error)) string {
		var bad []string
		for i := range 2 * len(msgs) {
			text, got, err := read(i)
			if err != nil {
				return err.Error()
			}
			want, wantText := msgs[i/2], i%2 == 0
			if text != wantText || !bytes.Equal(got, want) {
				bad = append(bad, fmt.Sprintf("message %d (%d bytes, text %v): got %d bytes, text %v", i, len(want), wantText, len(got), text))
			}
		}
		return strings.Join(bad, "; ")
	}
	// kit is a server of the kit that answers extensions.
	kit := func(extensions string) func(*testing.T, chan<- string) string {
		return func(t *testing.T, result chan<- string) string {
			srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
				result <- check(func(int) (bool, []byte, error) {
					m, err := c.Read(context.Background())
					return m.Type == websockettest.Text, m.Data, err
				})
				c.Close(1000, "")
			})
			answerExtensions(srv, extensions)
			return srv.URL
		}
	}
	// coder is a coder/websocket server in mode.
	coder := func(mode cws.CompressionMode) func(*testing.T, chan<- string) string {
		return func(t *testing.T, result chan<- string) string {
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				c, err := cws.Accept(w, req, &cws.AcceptOptions{CompressionMode: mode})
				if err != nil {
					return
				}
				defer c.CloseNow()
				c.SetReadLimit(-1)
				result <- check(func(int) (bool, []byte, error) {
					typ, b, err := c.Read(req.Context())
					return typ == cws.MessageText, b, err
				})
				c.Close(cws.StatusNormalClosure, "")
			}))
			t.Cleanup(s.Close)
			return "ws" + strings.TrimPrefix(s.URL, "http")
		}
	}
	user := websocket.Options{HTTPClient: &http.Client{}}
	for _, tc := range []struct {
		name   string
		server func(*testing.T, chan<- string) string
		opts   websocket.Options
	}{
		{"kit, no compression", kit(""), websocket.Options{}},
		{"kit, context takeover", kit(deflateTakeover), websocket.Options{}},
		{"kit, no context takeover", kit(deflateNoTakeover), websocket.Options{}},
		{"kit, no compression, HTTPClient", kit(""), user},
		{"kit, context takeover, HTTPClient", kit(deflateTakeover), user},
		{"coder, compression disabled", coder(cws.CompressionDisabled), websocket.Options{}},
		{"coder, context takeover", coder(cws.CompressionContextTakeover), websocket.Options{}},
		{"coder, no context takeover", coder(cws.CompressionNoContextTakeover), websocket.Options{}},
		{"coder, compression disabled, HTTPClient", coder(cws.CompressionDisabled), user},
		{"coder, context takeover, HTTPClient", coder(cws.CompressionContextTakeover), user},
	} {
		t.Run(tc.name, func(t *testing.T) {
			result := make(chan string, 1)
			ws := openTo(t, tc.server(t, result), tc.opts)
			for _, m := range msgs {
				ws.Send(string(m))
				b := append([]byte(nil), m...)
				ws.Send(b)
				for i := range b {
					b[i] = 0 // the caller's to reuse once Send has returned
				}
			}
			verdict(t, result)
			within(t, ws.Done(), "close")
		})
	}
	checkNoLeak(t)
}

// Messages from the threshold up go out compressed when the server accepts
// permessage-deflate (and small ones do not): a compressible 64 KiB message,
// sent 20 times, takes far fewer bytes on the wire than it holds, and the server
// reads it intact. The kit's proxy, between the client and the server, records
// the frames as they went.
func TestOwnFramesCompress(t *testing.T) {
	msg := bytes.Repeat([]byte("all work and no play makes jack a dull boy "), 1600)[:64<<10]
	const times = 20
	result := make(chan string, 1)
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		for i := range times {
			m, err := c.Read(context.Background())
			if err == nil && !bytes.Equal(m.Data, msg) {
				err = fmt.Errorf("message %d differs (%d bytes)", i, len(m.Data))
			}
			if err != nil {
				result <- err.Error()
				return
			}
		}
		result <- ""
		c.Close(1000, "")
	})
	answerExtensions(srv, deflateTakeover)
	proxy := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
	ws := openTo(t, proxy.URL, websocket.Options{})
	if !strings.Contains(ws.Extensions(), "permessage-deflate") {
		t.Fatalf("extensions %q: no compression negotiated", ws.Extensions())
	}
	for range times {
		ws.Send(msg)
	}
	verdict(t, result)
	within(t, ws.Done(), "close")
	conns := proxy.Conns()
	if len(conns) != 1 {
		t.Fatalf("%d connections through the proxy, want 1", len(conns))
	}
	var wire, frames int
	for _, f := range conns[0].Frames() {
		if f.Dir != websockettest.ToServer || f.Frame.Opcode == websockettest.OpClose {
			continue
		}
		frames++
		wire += len(f.Frame.Bytes())
		if f.Frame.Opcode == websockettest.OpBinary && !f.Frame.RSV1 {
			t.Errorf("a 64 KiB message went without RSV1: %v", f)
		}
	}
	if n, sent := wire, times*len(msg); frames == 0 || n > sent/10 {
		t.Fatalf("the client wrote %d bytes in %d frames for %d bytes of messages: not compressed", n, frames, sent)
	}
}

// With context takeover the server inflates each compressed message with the
// window of all compressed messages before it, so every one must come from the
// same compressor, whatever its size. The kit's server inflates as RFC 7692
// says (coder/websocket's decoded a message compressed against the wrong window
// without complaint, where Python's websockets did not).
func TestCompressedMessagesShareOneWindow(t *testing.T) {
	mk := func(i, n int) []byte {
		b := make([]byte, n)
		for j := range b {
			b[j] = "hello world, hello deflate "[(i+j)%27]
		}
		return b
	}
	msgs := [][]byte{mk(1, 100000), mk(2, 200), mk(3, 1<<20+1), mk(4, 200), mk(5, 3000), mk(6, 50), mk(7, 2<<20), mk(8, 129)}
	result := make(chan string, 1)
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		var bad []string
		for i, want := range msgs {
			m, err := c.Read(context.Background())
			if err != nil {
				result <- fmt.Sprintf("message %d: %v", i, err)
				return
			}
			if !bytes.Equal(m.Data, want) {
				bad = append(bad, fmt.Sprintf("message %d (%d bytes) differs", i, len(want)))
			}
		}
		result <- strings.Join(bad, "; ")
		c.Close(1000, "")
	})
	answerExtensions(srv, deflateTakeover)
	// The proxy shows which messages went compressed: at least two must, or no
	// window is shared and the test shows nothing.
	proxy := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
	ws := openTo(t, proxy.URL, websocket.Options{})
	for _, m := range msgs {
		ws.Send(m)
	}
	verdict(t, result)
	within(t, ws.Done(), "close")
	compressed := 0
	for _, c := range proxy.Conns() {
		for _, f := range c.Frames() {
			if f.Dir == websockettest.ToServer && f.Frame.RSV1 {
				compressed++
			}
		}
	}
	if compressed < 2 {
		t.Errorf("%d messages went compressed, want at least 2", compressed)
	}
}

// openTo opens a socket to url and waits for open.
func openTo(t *testing.T, url string, o websocket.Options) *websocket.WebSocket {
	t.Helper()
	ws, err := websocket.NewWithOptions(url, &o)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	ws.OnOpen(func(*websocket.Event) { close(opened) })
	within(t, opened, "open")
	t.Cleanup(func() { ws.Close(); <-ws.Done() })
	return ws
}

// verdict waits for what the server found of the client's messages: "" when
// every one was right, else what was wrong.
func verdict(t *testing.T, result <-chan string) {
	t.Helper()
	select {
	case got := <-result:
		if got != "" {
			t.Fatal(got)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the server had not read every message after 60 s")
	}
}
