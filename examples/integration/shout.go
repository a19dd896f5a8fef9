// Package integration shows how to use github.com/browserws/websocket as a
// headless, browser-like client in the Go tests of your own server: see
// shout_test.go. The server under test here is Shout, a tiny WebSocket service.
package integration

import (
	"net/http"
	"strings"

	cws "github.com/coder/websocket"
)

// Shout is the server under test: it greets each client with "welcome", answers
// every text message with the same text in upper case, refuses binary messages
// by closing with 1003 (unsupported data), and closes with 1000 "bye" when a
// client says "bye". It offers the subprotocol "shout.v1".
func Shout(w http.ResponseWriter, r *http.Request) {
	c, err := cws.Accept(w, r, &cws.AcceptOptions{Subprotocols: []string{"shout.v1"}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	if err := c.Write(ctx, cws.MessageText, []byte("welcome")); err != nil {
		return
	}
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		if typ != cws.MessageText {
			c.Close(cws.StatusUnsupportedData, "text only")
			return
		}
		if string(data) == "bye" {
			c.Close(cws.StatusNormalClosure, "bye")
			return
		}
		if err := c.Write(ctx, cws.MessageText, []byte(strings.ToUpper(string(data)))); err != nil {
			return
		}
	}
}
