//go:build !js

package websockettest_test

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// When permessage-deflate is answered, SendText, SendBinary and Echo send
// compressed messages (RSV1) that the client inflates, with and without
// context takeover and within a small window; WriteFrame still sends its frame
// as it is. Message.Compressed tells how the client sent each message.
func TestServerCompresses(t *testing.T) {
	long := strings.Repeat("compress me, the server said; ", 400) // 12 KB, far over a 512-byte window
	// varied repeats nothing within itself: sent twice, the second refers to
	// the first only with context takeover.
	varied := make([]byte, 2000)
	for i, x := 0, uint32(1); i < len(varied); i++ {
		x = x*1664525 + 1013904223
		varied[i] = 'a' + byte(x>>24)%26
	}
	for _, ext := range []string{
		"permessage-deflate",
		"permessage-deflate; server_no_context_takeover",
		"permessage-deflate; server_max_window_bits=9",
	} {
		t.Run(ext, func(t *testing.T) {
			srv := websockettest.NewServer(t)
			srv.SetHandshake(func(*http.Request) websockettest.Handshake {
				return websockettest.Handshake{Extensions: ext}
			})
			p := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
			c := dial(t, p.URL, websocket.Options{})
			conn := srv.Accept(ctx(t))
			pc := p.Accept(ctx(t))
			next(t, c.open, "open event")

			for _, err := range []error{
				conn.SendText(long),
				conn.SendText(long), // with context takeover, mostly a reference to the first
				conn.SendBinary([]byte(long)),
				conn.SendText(""),
				conn.WriteFrame(websockettest.Frame{Fin: true, Opcode: websockettest.OpText, Payload: []byte("as it is")}),
				conn.SendText(string(varied)),
				conn.SendText(string(varied)),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			want := []any{long, long, []byte(long), "", "as it is", string(varied), string(varied)}
			for i, w := range want {
				got := next(t, c.messages, "message")
				if b, ok := w.([]byte); ok {
					if g, _ := got.([]byte); !bytes.Equal(g, b) {
						t.Errorf("message %d: %d bytes, not the %d sent", i, len(g), len(b))
					}
				} else if got != w {
					t.Errorf("message %d: %.40q…, want %.40q…", i, got, w)
				}
			}
			var sizes []int
			for i, op := range []byte{websockettest.OpText, websockettest.OpText, websockettest.OpBinary, websockettest.OpText, websockettest.OpText, websockettest.OpText, websockettest.OpText} {
				f, err := pc.WaitFrame(ctx(t), websockettest.ToClient, op)
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(f.Frame.Payload))
				if compressed := i != 4; f.Frame.RSV1 != compressed {
					t.Errorf("frame %d (%v): RSV1 %v, want %v", i, f, f.Frame.RSV1, compressed)
				}
				if i < 3 && len(f.Frame.Payload) >= len(long)/4 {
					t.Errorf("frame %d: %d bytes for %d: not compressed much", i, len(f.Frame.Payload), len(long))
				}
			}
			// varied twice: the second refers to the first with context
			// takeover, and compresses alone without it.
			switch ext {
			case "permessage-deflate":
				if sizes[6] >= sizes[5]/4 {
					t.Errorf("context takeover: the repeated message took %d bytes, the first %d", sizes[6], sizes[5])
				}
			case "permessage-deflate; server_no_context_takeover":
				if sizes[6] != sizes[5] {
					t.Errorf("no context takeover: the repeated message took %d bytes, the first %d", sizes[6], sizes[5])
				}
			}

			// What the client sends: compressed when it chose to, which
			// Message.Compressed and the frame's RSV1 agree on.
			c.ws.Send(long)
			c.ws.Send("x")
			for i, w := range []string{long, "x"} {
				m, err := conn.Read(ctx(t))
				if err != nil || string(m.Data) != w {
					t.Fatalf("Read %d = %.40v, %v", i, m, err)
				}
				f, err := pc.WaitFrame(ctx(t), websockettest.ToServer, websockettest.OpText)
				if err != nil {
					t.Fatal(err)
				}
				if m.Compressed != f.Frame.RSV1 {
					t.Errorf("message %d: Compressed %v, but the frame's RSV1 is %v", i, m.Compressed, f.Frame.RSV1)
				}
				if i == 0 && !m.Compressed {
					t.Errorf("the client sent %d compressible bytes uncompressed", len(long))
				}
			}
			c.noError(t)
		})
	}
}

// Echo sends back compressed what came compressed or not, and nothing
// compressed when no extension was answered.
func TestEchoCompressesWhenNegotiated(t *testing.T) {
	for _, ext := range []string{"", "permessage-deflate"} {
		srv := websockettest.NewServer(t, websockettest.Echo)
		srv.SetHandshake(func(*http.Request) websockettest.Handshake {
			return websockettest.Handshake{Extensions: ext}
		})
		p := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
		c := dial(t, p.URL, websocket.Options{})
		pc := p.Accept(ctx(t))
		next(t, c.open, "open event")
		c.ws.Send("hi")
		if m := next(t, c.messages, "message"); m != "hi" {
			t.Errorf("%q: echo %v", ext, m)
		}
		f, err := pc.WaitFrame(ctx(t), websockettest.ToClient, websockettest.OpText)
		if err != nil {
			t.Fatal(err)
		}
		if f.Frame.RSV1 != (ext != "") {
			t.Errorf("extensions %q: the echo's RSV1 is %v", ext, f.Frame.RSV1)
		}
	}
}

// server_max_window_bits bounds how far back the server's compressed data
// refers: a random block sent twice shrinks to about one block with the
// whole 32 KiB window, and not with a window smaller than the block.
func TestServerWindowBits(t *testing.T) {
	block := make([]byte, 2000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range block {
		block[i] = byte(r.Uint32()) // incompressible by itself
	}
	twice := append(append([]byte(nil), block...), block...)
	for _, c := range []struct {
		ext      string
		min, max int
	}{
		{"permessage-deflate", 0, 2500},
		{"permessage-deflate; server_max_window_bits=10", 3500, 5000},
	} {
		srv := websockettest.NewServer(t)
		srv.SetHandshake(func(*http.Request) websockettest.Handshake {
			return websockettest.Handshake{Extensions: c.ext}
		})
		p := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
		cl := dial(t, p.URL, websocket.Options{})
		conn := srv.Accept(ctx(t))
		pc := p.Accept(ctx(t))
		next(t, cl.open, "open event")
		conn.SendBinary(twice)
		if got, _ := next(t, cl.messages, "message").([]byte); !bytes.Equal(got, twice) {
			t.Errorf("%s: the client got %d bytes, not the %d sent", c.ext, len(got), len(twice))
		}
		f, err := pc.WaitFrame(ctx(t), websockettest.ToClient, websockettest.OpBinary)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(f.Frame.Payload); n < c.min || n > c.max {
			t.Errorf("%s: %d compressed bytes for a 2000-byte block twice, want %d to %d", c.ext, n, c.min, c.max)
		}
	}
}

// Messages shorter than CompressThreshold go uncompressed, longer ones
// compressed, and the client reads both.
func TestCompressThreshold(t *testing.T) {
	srv := websockettest.NewServer(t)
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Extensions: "permessage-deflate", CompressThreshold: 100}
	})
	p := websockettest.NewProxy(t, srv.URL, websockettest.ProxyOptions{KeepExtensions: true})
	c := dial(t, p.URL, websocket.Options{})
	conn := srv.Accept(ctx(t))
	pc := p.Accept(ctx(t))
	next(t, c.open, "open event")
	long := strings.Repeat("z", 100)
	for _, s := range []string{"short", long, "short again"} {
		conn.SendText(s)
		if m := next(t, c.messages, "message"); m != s {
			t.Errorf("the client got %q, want %q", m, s)
		}
		f, err := pc.WaitFrame(ctx(t), websockettest.ToClient, websockettest.OpText)
		if err != nil {
			t.Fatal(err)
		}
		if f.Frame.RSV1 != (len(s) >= 100) {
			t.Errorf("a %d-byte message went with RSV1 %v", len(s), f.Frame.RSV1)
		}
	}
}
