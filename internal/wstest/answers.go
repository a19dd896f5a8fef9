//go:build !js

package wstest

import (
	"context"
	"net/http"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// The endpoints of this file answer the opening handshake oddly, or not at
// all, and never compress: a hand-made 101 with nothing a client must check
// beyond the accept value.

// rawHandshake is a plain 101: no subprotocol, no extension.
func rawHandshake(*http.Request) websockettest.Handshake {
	return websockettest.Handshake{OmitProtocol: true}
}

// silentHandshake takes the request and never answers it: after two minutes
// (or at Shutdown, or when the client gives up) the connection just ends.
func silentHandshake(*http.Request) websockettest.Handshake {
	return websockettest.Handshake{Delay: 2 * time.Minute, Raw: []byte{}}
}

// silent ends the connection of /silent once its two minutes have passed.
func silent(_ *handler, c *websockettest.Conn) { c.Drop() }

// badAcceptHandshake answers 101 with a wrong Sec-WebSocket-Accept.
func badAcceptHandshake(*http.Request) websockettest.Handshake {
	return websockettest.Handshake{NoCloseReply: true, Raw: []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + websockettest.AcceptKey("not the client's key") + "\r\n\r\n")}
}

// badExtensionHandshake accepts an extension the client never offered.
func badExtensionHandshake(*http.Request) websockettest.Handshake {
	return websockettest.Handshake{OmitProtocol: true, Extensions: "x-unknown-ext", NoCloseReply: true}
}

// answerCloseEmpty reads and drops whatever comes until the client's close
// frame, answers it with an empty close frame and closes TCP; or returns when
// the client ends the connection first.
func answerCloseEmpty(_ *handler, c *websockettest.Conn) {
	for {
		_, err := c.Read(context.Background())
		if err == nil {
			continue
		}
		if ce, ok := err.(*websockettest.CloseError); ok && ce.Code != 1006 {
			c.WriteRaw([]byte{0x88, 0})
		}
		c.Drop()
		return
	}
}

// noCloseHandshake completes the handshake but leaves the client's close
// frame unanswered.
func noCloseHandshake(*http.Request) websockettest.Handshake {
	return websockettest.Handshake{OmitProtocol: true, NoCloseReply: true}
}

// noClose never answers the client's close frame: the connection lasts until
// the client ends TCP.
func noClose(*handler, *websockettest.Conn) {}

// fragDrop sends the first fragment of a text message, then drops the connection.
func fragDrop(h *handler, c *websockettest.Conn) {
	c.WriteRaw([]byte{0x01, 3, 'h', 'e', 'l'}) // FIN=0, text, "hel"
	h.sleep(c, 50*time.Millisecond)
	c.Drop()
}
