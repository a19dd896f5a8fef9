//go:build !js

package websocket

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzServerStream feeds the native backend a server's byte stream (a 101
// answer, then arbitrary frames, then the end of the connection) split into
// reads at the points the fuzzer chooses: the events, and the frames the client
// sends back, must be those of the same stream read in one piece, and nothing
// may panic or hang.
func FuzzServerStream(f *testing.F) {
	for _, h := range []string{
		"81026869880203e8", "81850000000068656c6c6f", "817f00000000000000026869880203e8", "880403e8fffe",
		"880203e881026869", "880203e7", "88050bb7627965", "c1026869", "8300", "01016189008001628802" + "03e8",
		"880203ed", "010368656c80026c6f880203e8", "8801e8", "88020fa7", "890068656c6c6f", "8a00", "0101618100",
		"81036162", "817e0004616263648800", "880203e88900",
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b, []byte{1, 2, 3, 5, 7}, false)
		f.Add(b, []byte{255}, true)
	}
	f.Fuzz(func(t *testing.T, frames, splits []byte, deflate bool) {
		if len(frames) > 1<<12 {
			return
		}
		whole := runStream(t, frames, nil, deflate)
		split := runStream(t, frames, splits, deflate)
		if diff := cmp.Diff(whole, split); diff != "" {
			t.Fatalf("stream %x split at %v: (-whole +split):\n%s", frames, splits, diff)
		}
	})
}

// streamResult is what a stream led to: the events, and the client's frames.
type streamResult struct {
	Events []step
	Sent   []string
}

// runStream runs one socket against a scripted server connection.
func runStream(t *testing.T, frames, splits []byte, deflate bool) streamResult {
	c := newScriptConn(frames, splits, deflate)
	client := &http.Client{Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext:       func(context.Context, string, string) (net.Conn, error) { return c, nil },
	}}
	rec := record(t, "ws://stream.invalid/", Options{HTTPClient: client, HandshakeTimeout: 10 * time.Second}, react{})
	events := rec.wait(t)
	return streamResult{Events: events, Sent: c.clientFrames()}
}

// scriptConn is the client's end of a connection to a scripted server: once
// the client has written its request, reads return the 101 answer and the
// frames, chunk by chunk (each split byte is a chunk's length, 0 counting as
// 1; the rest in one chunk), then io.EOF. Writes never block.
type scriptConn struct {
	frames, splits []byte
	deflate        bool

	mu      sync.Mutex
	cond    *sync.Cond
	written []byte // everything the client wrote
	chunks  [][]byte
	started bool
	closed  bool
}

func newScriptConn(frames, splits []byte, deflate bool) *scriptConn {
	c := &scriptConn{frames: frames, splits: splits, deflate: deflate}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *scriptConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	c.written = append(c.written, p...)
	if !c.started {
		end := bytes.Index(c.written, []byte("\r\n\r\n"))
		if end < 0 {
			return len(p), nil
		}
		key := ""
		for _, line := range strings.Split(string(c.written[:end]), "\r\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Sec-WebSocket-Key") {
				key = strings.TrimSpace(v)
			}
		}
		sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		head := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
			base64.StdEncoding.EncodeToString(sum[:]) + "\r\n"
		if c.deflate {
			head += "Sec-WebSocket-Extensions: permessage-deflate\r\n"
		}
		stream := append([]byte(head+"\r\n"), c.frames...)
		for _, s := range c.splits {
			if len(stream) == 0 {
				break
			}
			n := min(max(int(s), 1), len(stream))
			c.chunks = append(c.chunks, stream[:n])
			stream = stream[n:]
		}
		if len(stream) > 0 {
			c.chunks = append(c.chunks, stream)
		}
		c.written = c.written[end+4:]
		c.started = true
		c.cond.Broadcast()
	}
	return len(p), nil
}

func (c *scriptConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for !c.started && !c.closed {
		c.cond.Wait()
	}
	if c.closed {
		return 0, net.ErrClosed
	}
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	if c.chunks[0] = c.chunks[0][n:]; len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	return n, nil
}

func (c *scriptConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.cond.Broadcast()
	c.mu.Unlock()
	return nil
}

// clientFrames decodes what the client wrote after its request: one entry per
// frame, "op:payload" with the payload unmasked.
func (c *scriptConn) clientFrames() []string {
	c.mu.Lock()
	b := append([]byte(nil), c.written...)
	c.mu.Unlock()
	var out []string
	for len(b) >= 2 {
		op, n, i := b[0]&0x0f, int(b[1]&0x7f), 2
		switch n {
		case 126:
			if len(b) < 4 {
				return append(out, "truncated")
			}
			n, i = int(b[2])<<8|int(b[3]), 4
		case 127:
			return append(out, "long frame") // the client sends no such frame here
		}
		if len(b) < i+4+n {
			return append(out, "truncated")
		}
		mask, payload := b[i:i+4], append([]byte(nil), b[i+4:i+4+n]...)
		for j := range payload {
			payload[j] ^= mask[j%4]
		}
		out = append(out, fmt.Sprintf("%d:%x", op, payload))
		b = b[i+4+n:]
	}
	return out
}

func (c *scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (c *scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2} }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }
