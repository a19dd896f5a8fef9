//go:build !js

package websocket

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	cws "github.com/coder/websocket"
)

// Messages whose size the frame does not say (compressed, or fragmented) arrive
// whole whatever the size of the one before them (readUnsized starts in a buffer
// of that size), and a listener never gets a buffer much larger than its message.
func TestUnsizedMessagesWhole(t *testing.T) {
	sizes := []int{10, 100000, 20, 600, 600, 3000, 1<<20 + 5, 1<<20 + 5, 7, 513, 70000, 1000, 0, 2 << 20}
	msg := func(i int) []byte {
		b := make([]byte, sizes[i])
		for j := range b {
			b[j] = byte('a' + (i+j*j)%26)
		}
		return b
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, &cws.AcceptOptions{CompressionMode: cws.CompressionContextTakeover})
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		for i := range sizes {
			if i%3 == 2 {
				// Fragmented, uncompressed below the threshold of the first write.
				wr, err := c.Writer(ctx, cws.MessageBinary)
				if err != nil {
					return
				}
				m := msg(i)
				wr.Write(m[:len(m)/2])
				wr.Write(m[len(m)/2:])
				if wr.Close() != nil {
					return
				}
				continue
			}
			if c.Write(ctx, cws.MessageBinary, msg(i)) != nil {
				return
			}
		}
		c.Read(ctx) // until the client closes
	}))
	defer s.Close()
	var bad []string
	n := 0
	rec := record(t, "ws"+strings.TrimPrefix(s.URL, "http"), Options{MaxMessageSize: -1}, react{
		open: func(ws *WebSocket) { ws.SetBinaryType(BinaryTypeArrayBuffer) },
		message: func(ws *WebSocket, e *MessageEvent) {
			b := e.Data.([]byte)
			if !bytes.Equal(b, msg(n)) {
				bad = append(bad, fmt.Sprintf("message %d: %d bytes, want %d, or other bytes", n, len(b), sizes[n]))
			}
			if cap(b) > max(512, 2*len(b)) {
				bad = append(bad, fmt.Sprintf("message %d: %d bytes in a buffer of %d", n, len(b), cap(b)))
			}
			if n++; n == len(sizes) {
				ws.Close()
			}
		},
	})
	rec.wait(t)
	if n != len(sizes) || len(bad) > 0 {
		t.Fatalf("%d of %d messages; %s", n, len(sizes), strings.Join(bad, "; "))
	}
}
