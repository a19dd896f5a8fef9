//go:build !js

package websocket_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/websockettest"
)

// Messages whose size the frame does not say (compressed, or fragmented) arrive
// whole whatever the size of the one before them (readUnsized starts in a buffer
// of that size), and a listener never gets a buffer much larger than its message.
// The server is the public test kit's, with permessage-deflate answered.
func TestUnsizedMessagesWhole(t *testing.T) {
	sizes := []int{10, 100000, 20, 600, 600, 3000, 1<<20 + 5, 1<<20 + 5, 7, 513, 70000, 1000, 0, 2 << 20}
	msg := func(i int) []byte {
		b := make([]byte, sizes[i])
		for j := range b {
			b[j] = byte('a' + (i+j*j)%26)
		}
		return b
	}
	srv := websockettest.NewServer(t, func(c *websockettest.Conn) {
		for i := range sizes {
			m := msg(i)
			var err error
			switch {
			case i%3 == 2:
				// Fragmented, uncompressed.
				if err = c.WriteFrame(websockettest.Frame{Opcode: websockettest.OpBinary, Payload: m[:len(m)/2]}); err == nil {
					err = c.WriteFrame(websockettest.Frame{Fin: true, Opcode: websockettest.OpContinuation, Payload: m[len(m)/2:]})
				}
			default: // compressed from 128 bytes up (CompressThreshold), with context takeover
				err = c.SendBinary(m)
			}
			if err != nil {
				return
			}
		}
		<-c.Done() // until the client closes
	})
	srv.SetHandshake(func(*http.Request) websockettest.Handshake {
		return websockettest.Handshake{Extensions: "permessage-deflate", CompressThreshold: 128}
	})
	var bad []string
	n := 0
	_, _, wait := dialTrace(t, srv.URL, &websocket.Options{
		MaxMessageSize: -1,
		OnOpen:         func(e *websocket.Event) { e.Target.SetBinaryType(websocket.BinaryTypeArrayBuffer) },
		OnMessage: func(e *websocket.MessageEvent) {
			b := e.Data.([]byte)
			if !bytes.Equal(b, msg(n)) {
				bad = append(bad, fmt.Sprintf("message %d: %d bytes, want %d, or other bytes", n, len(b), sizes[n]))
			}
			if cap(b) > max(512, 2*len(b)) {
				bad = append(bad, fmt.Sprintf("message %d: %d bytes in a buffer of %d", n, len(b), cap(b)))
			}
			if n++; n == len(sizes) {
				e.Target.Close()
			}
		},
	})
	wait()
	if n != len(sizes) || len(bad) > 0 {
		t.Fatalf("%d of %d messages; %s", n, len(sizes), strings.Join(bad, "; "))
	}
}
