//go:build !js

package wstest

import (
	"context"
	"encoding/binary"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// endpoint is one WebSocket endpoint: how its opening handshake is answered
// (nil: as plain answers it) and what the server does on the connection.
type endpoint struct {
	handshake func(r *http.Request) websockettest.Handshake
	serve     func(h *handler, c *websockettest.Conn)
}

// endpoints are the WebSocket endpoints by path; each serve function is
// documented where it is written.
var endpoints = map[string]endpoint{
	"/echo":           {echoing, (*handler).echo},
	"/close":          {nil, (*handler).closeWith},
	"/drop":           {nil, (*handler).drop},
	"/badutf8":        {nil, (*handler).badUTF8},
	"/protocol":       {protocolHandshake, (*handler).protocol},
	"/large":          {nil, (*handler).large},
	"/greet":          {echoing, (*handler).greet},
	"/flood":          {nil, (*handler).flood},
	"/echoheaders":    {echoing, (*handler).echoHeaders},
	"/requestheaders": {requestHeadersHandshake, (*handler).requestHeaders},
	"/silent":         {silentHandshake, silent},
	"/badaccept":      {badAcceptHandshake, answerCloseEmpty},
	"/badext":         {badExtensionHandshake, answerCloseEmpty},
	"/noclose":        {noCloseHandshake, noClose},
	"/fragdrop":       {rawHandshake, fragDrop},
	"/raw":            {rawEndpointHandshake, (*handler).raw},
	"/late":           {lateHandshake, (*handler).late},
	"/script":         {scriptHandshake, (*handler).script},
	"/smallwindow":    {smallWindowHandshake, (*handler).smallWindow},
}

// handshake answers an opening handshake as its endpoint says.
func (h *handler) handshake(r *http.Request) websockettest.Handshake {
	if e := endpoints[r.URL.Path]; e.handshake != nil {
		return e.handshake(r)
	}
	return plain(r)
}

// serve runs the behaviour of a connection's endpoint.
func (h *handler) serve(c *websockettest.Conn) {
	endpoints[c.Request().URL.Path].serve(h, c)
}

// plain is the answer most endpoints share: no subprotocol whatever the
// client offered, and permessage-deflate as negotiate answers it.
func plain(r *http.Request) websockettest.Handshake {
	return compressAsCoder(websockettest.Handshake{OmitProtocol: true, Extensions: negotiate(r)})
}

// compressAsCoder sets the threshold from which h's connection compresses
// what it sends where coder/websocket, which served these endpoints before
// the kit did, had it: 128 bytes, 512 without server context takeover.
// Node's WebSocket inflates asynchronously, so that its events depend on
// which small messages come compressed.
func compressAsCoder(h websockettest.Handshake) websockettest.Handshake {
	h.CompressThreshold = 128
	if strings.Contains(h.Extensions, "server_no_context_takeover") {
		h.CompressThreshold = 512
	}
	return h
}

// negotiate answers the client's permessage-deflate offer, unless the query
// says compress=0: the first offer whose parameters it can honour, answered
// with the context takeover parameters the client asked for (it limits
// neither window).
func negotiate(r *http.Request) string {
	if r.URL.Query().Get("compress") == "0" {
		return ""
	}
	for _, v := range r.Header.Values("Sec-WebSocket-Extensions") {
	offers:
		for _, offer := range strings.Split(v, ",") {
			params := strings.Split(offer, ";")
			if strings.TrimSpace(params[0]) != "permessage-deflate" {
				continue
			}
			var clientNoTakeover, serverNoTakeover bool
			for _, p := range params[1:] {
				switch p = strings.TrimSpace(p); {
				case p == "client_no_context_takeover":
					clientNoTakeover = true
				case p == "server_no_context_takeover":
					serverNoTakeover = true
				case p == "client_max_window_bits", p == "server_max_window_bits=15", strings.HasPrefix(p, "client_max_window_bits="):
				default:
					continue offers
				}
			}
			answer := "permessage-deflate"
			if clientNoTakeover {
				answer += "; client_no_context_takeover"
			}
			if serverNoTakeover {
				answer += "; server_no_context_takeover"
			}
			return answer
		}
	}
	return ""
}

func queryInt(r *http.Request, name string, def int) int {
	if v, err := strconv.Atoi(r.URL.Query().Get(name)); err == nil {
		return v
	}
	return def
}

// sleep waits d, or until the connection ends or the server shuts down.
func (h *handler) sleep(c *websockettest.Conn, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.Done():
	case <-h.done:
	}
}

// recordOf is the Record of how a connection ended, from the error Read
// returned: the client's close code and reason, or -1 when no close frame
// came.
func recordOf(err error) Record {
	rec := Record{Code: -1, Err: err.Error()}
	if ce, ok := err.(*websockettest.CloseError); ok && ce.Code != 1006 {
		rec.Code, rec.Reason = ce.Code, ce.Reason
	}
	return rec
}

// echoing is plain for the endpoints that echo: the client's close frame is
// left to readToEnd, which answers it after echoing every message that came
// before it, as a server that reads and writes on one goroutine does.
func echoing(r *http.Request) websockettest.Handshake {
	h := plain(r)
	h.NoCloseReply = true
	return h
}

// readToEnd reads and drops messages until the client closes or goes away, and
// records (?id=) how it ended. With echo set, it echoes each message back, and
// answers the client's close frame (the handshake was echoing's) with the
// same code and reason once it has echoed everything before it.
func (h *handler) readToEnd(c *websockettest.Conn, echo bool) {
	id := c.Request().URL.Query().Get("id")
	for {
		m, err := c.Read(context.Background())
		if err != nil {
			if echo {
				answerClose(c, err)
			}
			h.records.put(id, recordOf(err))
			c.Drop()
			return
		}
		if echo {
			send(c, m)
		}
	}
}

// answerClose answers the client's close frame, if err from Read says one
// came, with the same code and reason (none for 1005).
func answerClose(c *websockettest.Conn, err error) {
	ce, ok := err.(*websockettest.CloseError)
	if !ok || ce.Code == 1006 {
		return
	}
	var payload []byte
	if ce.Code != 1005 {
		payload = append(binary.BigEndian.AppendUint16(nil, uint16(ce.Code)), ce.Reason...)
	}
	c.WriteFrame(websockettest.Frame{Fin: true, Opcode: websockettest.OpClose, Payload: payload})
}

// send sends m as a message of its type.
func send(c *websockettest.Conn, m websockettest.Message) error {
	if m.Type == websockettest.Text {
		return c.SendText(string(m.Data))
	}
	return c.SendBinary(m.Data)
}
