//go:build !js

package wstest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/browserws/websocket/websockettest"
)

// smallWindowHandshake answers like a server that limits both compression
// windows to 12 bits (4 KiB), as Python's websockets 10.4 does: to an offer
// with client_max_window_bits, "permessage-deflate; server_max_window_bits=12;
// client_max_window_bits=12"; to one without, "permessage-deflate;
// server_max_window_bits=12". It refuses a handshake without the offer (400).
func smallWindowHandshake(r *http.Request) websockettest.Handshake {
	offer := r.Header.Get("Sec-WebSocket-Extensions")
	if !strings.Contains(offer, "permessage-deflate") {
		return badRequest("this server wants permessage-deflate")
	}
	answer := "permessage-deflate; server_max_window_bits=12"
	if strings.Contains(offer, "client_max_window_bits") {
		answer += "; client_max_window_bits=12"
	}
	return websockettest.Handshake{OmitProtocol: true, Extensions: answer, NoCloseReply: true}
}

// smallWindow echoes every message, compressed within a 4 KiB window, and
// checks that the client's messages can be inflated with a 4 KiB window: a
// client that cannot limit its compressor's window must send them
// uncompressed (RSV1 clear). Go's compress/flate cannot inflate with a
// limited window, so a compressed message from a client asked for 12 bits
// counts as a violation. It records (?id=) the client's close code, with Err
// naming the first violation, then answers it. The connection lasts at most
// 30 s.
func (h *handler) smallWindow(c *websockettest.Conn) {
	limit := time.AfterFunc(30*time.Second, c.Drop)
	defer limit.Stop()
	limited := strings.Contains(c.Extensions(), "client_max_window_bits")
	violation := ""
	for {
		m, err := c.Read(context.Background())
		if err != nil {
			rec := recordOf(err)
			if rec.Code != -1 {
				rec.Err = violation
			}
			h.records.put(c.Request().URL.Query().Get("id"), rec)
			answerClose(c, err)
			c.Drop()
			return
		}
		if m.Compressed && limited && violation == "" {
			violation = fmt.Sprintf("a compressed message (%d bytes inflated) although client_max_window_bits=12", len(m.Data))
		}
		send(c, m)
	}
}
