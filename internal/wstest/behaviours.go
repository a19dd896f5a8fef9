//go:build !js

package wstest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// The endpoints of this file answer the handshake as plain does (unless said
// otherwise), record (?id=) how the client ended the connection where they
// read to its end, and take compress=0 to answer no permessage-deflate.

// echo sends every message back as it came.
func (h *handler) echo(c *websockettest.Conn) { h.readToEnd(c, true) }

// closeWith closes with ?code=&reason= (code 1005 or none: a close frame
// without status), after ?greet= text and ?delay_ms=; during the delay it
// reads nothing, so a ping or close frame of the client's waits for it.
func (h *handler) closeWith(c *websockettest.Conn) {
	r := c.Request()
	if g := r.URL.Query().Get("greet"); g != "" {
		c.SendText(g)
	}
	h.pause(c)
	c.Close(queryInt(r, "code", 1005), r.URL.Query().Get("reason"))
}

// drop ends the TCP connection without a close frame, after ?greet= and
// ?delay_ms= (reading nothing meanwhile).
func (h *handler) drop(c *websockettest.Conn) {
	if g := c.Request().URL.Query().Get("greet"); g != "" {
		c.SendText(g)
	}
	h.pause(c)
	c.Drop()
}

// pause waits ?delay_ms= milliseconds, if given, without reading.
func (h *handler) pause(c *websockettest.Conn) {
	if ms := queryInt(c.Request(), "delay_ms", 0); ms > 0 {
		c.StopReading()
		h.sleep(c, time.Duration(ms)*time.Millisecond)
		c.ResumeReading()
	}
}

// badUTF8 sends a text message that is not UTF-8 (uncompressed), then records
// how the client closes.
func (h *handler) badUTF8(c *websockettest.Conn) {
	c.WriteFrame(websockettest.Frame{Fin: true, Opcode: websockettest.OpText, Payload: []byte{'o', 'k', 0xff, 0xfe}})
	h.readToEnd(c, false)
}

// protocolHandshake: with mode=select, a normal negotiation that picks the
// client's first protocol; otherwise an answer with ?pick= as the protocol
// whatever was offered (an empty pick sends no protocol header) and no
// extension, that leaves the client's close frame to protocol.
func protocolHandshake(r *http.Request) websockettest.Handshake {
	if r.URL.Query().Get("mode") == "select" {
		return requestHeadersHandshake(r)
	}
	pick := r.URL.Query().Get("pick")
	return websockettest.Handshake{Protocol: pick, OmitProtocol: pick == "", NoCloseReply: true}
}

// protocol echoes (mode=select), or answers the client's close frame with an
// empty one.
func (h *handler) protocol(c *websockettest.Conn) {
	if c.Request().URL.Query().Get("mode") == "select" {
		h.readToEnd(c, true)
		return
	}
	answerCloseEmpty(h, c)
}

// large sends one message of ?size= bytes (byte i is i*7+3), binary or, with
// type=text, text (byte i is 'a'+i%26); then reads until the client ends the
// connection.
func (h *handler) large(c *websockettest.Conn) {
	r := c.Request()
	msg := make([]byte, max(queryInt(r, "size", 1<<20), 0))
	text := r.URL.Query().Get("type") == "text"
	for i := range msg {
		msg[i] = byte(i*7 + 3)
		if text {
			msg[i] = 'a' + byte(i%26)
		}
	}
	if text {
		c.SendText(string(msg))
	} else {
		c.SendBinary(msg)
	}
	h.readToEnd(c, false)
}

// greet sends ?text= (?n= times) as soon as the connection is open, then echoes.
func (h *handler) greet(c *websockettest.Conn) {
	r := c.Request()
	for range queryInt(r, "n", 1) {
		if c.SendText(r.URL.Query().Get("text")) != nil {
			break
		}
	}
	h.readToEnd(c, true)
}

// flood sends ?n= binary messages of ?size= bytes as fast as the client takes
// them, then closes with 1000 "done".
func (h *handler) flood(c *websockettest.Conn) {
	r := c.Request()
	msg := make([]byte, max(queryInt(r, "size", 1024), 0))
	for range queryInt(r, "n", 1000) {
		if c.SendBinary(msg) != nil {
			c.Drop()
			return
		}
	}
	c.Close(1000, "done")
}

// echoHeaders sends a JSON object of the handshake's Origin, Authorization,
// Cookie and X-Test headers, then echoes.
func (h *handler) echoHeaders(c *websockettest.Conn) {
	seen := map[string]string{}
	for _, k := range []string{"Origin", "Authorization", "Cookie", "X-Test"} {
		seen[k] = c.Request().Header.Get(k)
	}
	b, _ := json.Marshal(seen)
	c.SendText(string(b))
	h.readToEnd(c, true)
}

// requestHeadersHandshake is echoing's, but selects the first protocol
// offered, if any.
func requestHeadersHandshake(r *http.Request) websockettest.Handshake {
	p := strings.TrimSpace(strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",")[0])
	return compressAsCoder(websockettest.Handshake{Protocol: p, OmitProtocol: p == "", Extensions: negotiate(r), NoCloseReply: true})
}

// requestHeaders sends a JSON object of the handshake request's WebSocket
// header fields as the server received them (each one's values joined by
// "|"), then echoes. It shows how a client writes its handshake: Chromium's
// offer, its protocol list formatting, its cache headers.
func (h *handler) requestHeaders(c *websockettest.Conn) {
	seen := map[string]string{}
	for _, k := range []string{"Connection", "Upgrade", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Pragma", "Cache-Control"} {
		seen[k] = strings.Join(c.Request().Header.Values(k), "|")
	}
	b, _ := json.Marshal(seen)
	c.SendText(string(b))
	h.readToEnd(c, true)
}
