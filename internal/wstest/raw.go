//go:build !js

package wstest

import (
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// rawEndpointHandshake answers /raw: a plain 101 with ?ext= as
// Sec-WebSocket-Extensions, if given; or, with ?head=, that response head,
// lines joined by CRLF, in which "{accept}" is the right
// Sec-WebSocket-Accept value. A ?hex= that is not hexadecimal is refused
// with 400.
func rawEndpointHandshake(r *http.Request) websockettest.Handshake {
	q := r.URL.Query()
	if _, err := hex.DecodeString(q.Get("hex")); err != nil {
		return badRequest("bad hex")
	}
	if head := q.Get("head"); head != "" {
		return websockettest.Handshake{NoCloseReply: true, Raw: rawHead(r, head)}
	}
	return websockettest.Handshake{OmitProtocol: true, Extensions: q.Get("ext"), NoCloseReply: true}
}

// rawHead is a response head of the query's, "{accept}" replaced, ended.
func rawHead(r *http.Request, head string) []byte {
	return []byte(strings.ReplaceAll(head, "{accept}", websockettest.AcceptKey(r.Header.Get("Sec-WebSocket-Key"))) + "\r\n\r\n")
}

// badRequest refuses a handshake whose query makes no sense, as http.Error
// does.
func badRequest(why string) websockettest.Handshake {
	return websockettest.Handshake{Status: http.StatusBadRequest, Body: why + "\n",
		Header: http.Header{"X-Content-Type-Options": {"nosniff"}}}
}

// raw writes the bytes of ?hex= as they are (frames a server should or
// should not send), then reads the client's frames until its close frame or
// the end of the connection (at most 10 s), and records the close code it
// sent. It answers no close frame: then, with ?hold_ms=, it keeps the
// connection open that long or until the client ends it; it ends the
// connection with a reset with ?rst=1, else with a FIN.
func (h *handler) raw(c *websockettest.Conn) {
	q := c.Request().URL.Query()
	out, _ := hex.DecodeString(q.Get("hex"))
	if c.WriteRaw(out) != nil {
		c.Drop()
		return
	}
	h.recordClientClose(c, 10*time.Second)
	if hold := time.Duration(queryInt(c.Request(), "hold_ms", 0)) * time.Millisecond; hold > 0 {
		// Keep TCP open after the client's close frame (a server that
		// leaves the end of the connection to the client).
		ctx, cancel := context.WithTimeout(context.Background(), hold)
		c.WaitClosed(ctx)
		cancel()
	}
	if q.Get("rst") == "1" {
		c.Reset()
	} else {
		c.Drop()
	}
}

// recordClientClose waits up to d for the client's close frame (the
// connection's handshake left it unanswered) or the end of the connection,
// ignoring messages, and records (?id=) the close code (1005 for none; -1 and
// the error when the connection ended first or d passed).
func (h *handler) recordClientClose(c *websockettest.Conn, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d) // Shutdown ends the connection
	defer cancel()
	for {
		_, err := c.Read(ctx)
		if err != nil {
			h.records.put(c.Request().URL.Query().Get("id"), recordOf(err))
			return
		}
	}
}

// lateHandshake is a plain 101 that leaves the client's close frame to late;
// a ?hex= or ?late= that is not hexadecimal is refused with 400.
func lateHandshake(r *http.Request) websockettest.Handshake {
	q := r.URL.Query()
	_, err1 := hex.DecodeString(q.Get("hex"))
	_, err2 := hex.DecodeString(q.Get("late"))
	if err1 != nil || err2 != nil {
		return badRequest("bad hex")
	}
	return websockettest.Handshake{OmitProtocol: true, NoCloseReply: true}
}

// late writes the bytes of ?hex= (say, a close frame), then those of ?late=
// (say, a data frame): in the same write when ?pause_ms= is 0 or absent, else
// in a second write that long after the first. Meanwhile it reads the
// client's frames and records (?id=) the close code the client sent. It ends
// the connection, as a server does after the closing handshake, once it has
// written both and the client's close frame has come (or the client has gone;
// at most 10 s after the pause). This is how a server that sends a frame
// after its close frame looks to a client, with every timing of the late
// bytes.
func (h *handler) late(c *websockettest.Conn) {
	q := c.Request().URL.Query()
	first, _ := hex.DecodeString(q.Get("hex"))
	late, _ := hex.DecodeString(q.Get("late"))
	pause := time.Duration(queryInt(c.Request(), "pause_ms", 0)) * time.Millisecond
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		var split websockettest.Split
		if pause > 0 {
			split = websockettest.Split{At: []int{len(first)}, Pause: pause}
		}
		c.WriteRaw(append(first, late...), split)
	}()
	h.recordClientClose(c, 10*time.Second+pause)
	<-wrote
	c.Drop()
}
