//go:build !js

package websocket

import (
	"bytes"
	"compress/flate"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/browserws/websocket/internal/wstest"
	cws "github.com/coder/websocket"
)

// The package's frames (internal/wire) at every length-field boundary,
// text and binary, with and without compression negotiated, arrive as sent at a
// coder/websocket server; and the caller may change its slice as soon as Send
// returns, whether the message was written at once or queued (with a user's
// HTTPClient the write-behind's flusher writes everything).
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
	for _, tc := range []struct {
		mode cws.CompressionMode
		opts Options
	}{
		{cws.CompressionDisabled, Options{}},
		{cws.CompressionContextTakeover, Options{}},
		{cws.CompressionNoContextTakeover, Options{}}, // compressed by coder/websocket
		{cws.CompressionDisabled, Options{HTTPClient: &http.Client{}}},
		{cws.CompressionContextTakeover, Options{HTTPClient: &http.Client{}}},
	} {
		mode := tc.mode
		t.Run(fmt.Sprintf("compression mode %v, HTTPClient %v", mode, tc.opts.HTTPClient != nil), func(t *testing.T) {
			result := make(chan string, 1)
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				c, err := cws.Accept(w, req, &cws.AcceptOptions{CompressionMode: mode})
				if err != nil {
					return
				}
				defer c.CloseNow()
				c.SetReadLimit(-1)
				var bad []string
				for i := range 2 * len(msgs) {
					typ, got, err := c.Read(req.Context())
					if err != nil {
						result <- err.Error()
						return
					}
					want, wantTyp := msgs[i/2], cws.MessageText
					if i%2 == 1 {
						wantTyp = cws.MessageBinary
					}
					if typ != wantTyp || !bytes.Equal(got, want) {
						bad = append(bad, fmt.Sprintf("message %d (%d bytes, %v): got %d bytes, %v", i, len(want), wantTyp, len(got), typ))
					}
				}
				result <- strings.Join(bad, "; ")
				c.Close(cws.StatusNormalClosure, "")
			}))
			defer s.Close()
			ws := openTo(t, s.URL, tc.opts)
			for _, m := range msgs {
				ws.Send(string(m))
				b := append([]byte(nil), m...)
				ws.Send(b)
				for i := range b {
					b[i] = 0 // the caller's to reuse once Send has returned
				}
			}
			if got := <-result; got != "" {
				t.Fatal(got)
			}
			within(t, ws.Done(), "close")
		})
	}
	checkNoLeak(t)
}

// countingListener counts the bytes its connections read.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return countingConn{c, l.n}, err
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Messages from the threshold up go out compressed when the server accepts
// permessage-deflate (and small ones do not): a compressible 64 KiB message,
// sent 20 times, takes far fewer bytes on the wire than it holds, and the server
// reads it intact.
func TestOwnFramesCompress(t *testing.T) {
	msg := bytes.Repeat([]byte("all work and no play makes jack a dull boy "), 1600)[:64<<10]
	const times = 20
	var wire atomic.Int64
	got := make(chan error, 1)
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, &cws.AcceptOptions{CompressionMode: cws.CompressionContextTakeover})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		for i := range times {
			_, b, err := c.Read(r.Context())
			if err == nil && !bytes.Equal(b, msg) {
				err = fmt.Errorf("message %d differs (%d bytes)", i, len(b))
			}
			if err != nil {
				got <- err
				return
			}
		}
		got <- nil
		c.Close(cws.StatusNormalClosure, "")
	}))
	s.Listener = countingListener{s.Listener, &wire}
	s.Start()
	defer s.Close()
	ws := openTo(t, s.URL, Options{})
	if !strings.Contains(ws.Extensions(), "permessage-deflate") {
		t.Fatalf("extensions %q: no compression negotiated", ws.Extensions())
	}
	for range times {
		ws.Send(msg)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	within(t, ws.Done(), "close")
	if n, sent := wire.Load(), int64(times*len(msg)); n > sent/10 {
		t.Fatalf("the server read %d bytes for %d bytes of messages: not compressed", n, sent)
	}
}

// With context takeover the server inflates each compressed message with the
// window of all compressed messages before it, so every one must come from the
// same compressor, whatever its size. This server inflates as RFC 7692 says,
// on its own (coder/websocket's server, which the other tests use, decoded a
// message compressed against the wrong window without complaint, where Python's
// websockets did not).
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
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			result <- err.Error()
			return
		}
		defer conn.Close()
		key := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(key[:]) + "\r\n" +
			"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
		brw.Flush()
		var window []byte // the last 32 KiB inflated
		var bad []string
		for i, want := range msgs {
			_, rsv1, _, payload, err := wstest.ReadClientFrame(brw.Reader)
			if err != nil {
				result <- fmt.Sprintf("message %d: %v", i, err)
				return
			}
			got := payload
			if rsv1 {
				fr := flate.NewReaderDict(io.MultiReader(bytes.NewReader(payload), bytes.NewReader([]byte{0, 0, 0xff, 0xff})), window)
				got, err = io.ReadAll(fr)
				if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
					bad = append(bad, fmt.Sprintf("message %d: %v", i, err))
				}
				window = append(window, got...)
				window = window[max(0, len(window)-32768):]
			}
			if !bytes.Equal(got, want) {
				bad = append(bad, fmt.Sprintf("message %d (%d bytes, compressed %v) differs", i, len(want), rsv1))
			}
		}
		result <- strings.Join(bad, "; ")
		brw.Write([]byte{0x88, 2, 0x03, 0xe8}) // close 1000
		brw.Flush()
		wstest.ReadClientFrame(brw.Reader) // the client's close
	}))
	defer s.Close()
	ws := openTo(t, s.URL, Options{})
	for _, m := range msgs {
		ws.Send(m)
	}
	if got := <-result; got != "" {
		t.Fatal(got)
	}
	within(t, ws.Done(), "close")
}

// openTo opens a socket to the httptest server at httpURL and waits for open.
func openTo(t *testing.T, httpURL string, o Options) *WebSocket {
	t.Helper()
	ws, err := NewWithOptions("ws"+strings.TrimPrefix(httpURL, "http"), &o)
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	ws.OnOpen(func(*Event) { close(opened) })
	within(t, opened, "open")
	return ws
}
