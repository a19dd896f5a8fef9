//go:build !js

package websocket

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	ws "github.com/coder/websocket"
)

// chromiumOffer is the Sec-WebSocket-Extensions header Chromium sends, byte for
// byte. coder/websocket writes "permessage-deflate"; servers answer the two
// differently (Python's websockets limits the client's window only when the
// client offers client_max_window_bits), so the request is rewritten.
const chromiumOffer = "permessage-deflate; client_max_window_bits"

// flateThreshold is the size from which coder/websocket compresses a message
// (its default with context takeover, passed explicitly so that writeData
// can rely on it).
const flateThreshold = 128

// handshakeRewrite puts coder/websocket's opening handshake in Chromium's words
// on the way out, and the server's extension answer in words coder/websocket
// accepts on the way in (it refuses client_max_window_bits), keeping the real
// answer for Extensions() and the checks.
type handshakeRewrite struct {
	compress bool // the offer is made (Options.DisableCompression unset)

	// Set by response, read once coder/websocket's Dial has returned.
	answer       []string // the server's Sec-WebSocket-Extensions values, as sent
	clientWindow int      // the client_max_window_bits the server asked for; 15 when none
}

// chromiumNames are the handshake's header names as Chromium spells them; Go
// would write "Sec-Websocket-Key". HTTP header names are case-insensitive, but
// what a server logs or a strict proxy checks should be what a browser sends.
var chromiumNames = []string{"Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol"}

// request returns r as Chromium writes it: its extension offer, the protocol
// list joined by ", ", the Sec-WebSocket-* names in Chromium's spelling, and
// Pragma and Cache-Control "no-cache" unless the caller set them. (Go's
// transport writes header fields in its own order, after Host and User-Agent;
// their order cannot be chosen through net/http.)
func (h *handshakeRewrite) request(r *http.Request) *http.Request {
	r = r.Clone(r.Context())
	hd := r.Header
	if p := hd.Get("Sec-WebSocket-Protocol"); p != "" {
		hd.Set("Sec-WebSocket-Protocol", strings.ReplaceAll(p, ",", ", "))
	}
	if h.compress {
		hd.Set("Sec-WebSocket-Extensions", chromiumOffer)
	}
	for _, k := range []string{"Pragma", "Cache-Control"} {
		if _, set := hd[k]; !set {
			hd[k] = []string{"no-cache"}
		}
	}
	for _, name := range chromiumNames {
		canon := http.CanonicalHeaderKey(name)
		if v, ok := hd[canon]; ok {
			delete(hd, canon)
			hd[name] = v
		}
	}
	return r
}

// response keeps the server's extension answer and gives coder/websocket the
// same answer without client_max_window_bits, which it does not know. The
// value is checked later (checkDeflateResponse) as Chromium checks it.
func (h *handshakeRewrite) response(resp *http.Response) {
	h.clientWindow = 15
	values := resp.Header.Values("Sec-WebSocket-Extensions")
	if len(values) == 0 {
		return
	}
	h.answer = append([]string(nil), values...)
	rewritten := make([]string, len(values))
	for i, v := range values {
		exts := strings.Split(v, ",")
		for j, ext := range exts {
			params := strings.Split(ext, ";")
			if strings.TrimSpace(params[0]) != "permessage-deflate" {
				continue
			}
			kept := params[:1]
			for _, p := range params[1:] {
				name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.TrimSpace(name) != "client_max_window_bits" {
					kept = append(kept, p)
					continue
				}
				if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && n < h.clientWindow {
					h.clientWindow = n
				}
			}
			exts[j] = strings.Join(kept, ";")
		}
		rewritten[i] = strings.Join(exts, ",")
	}
	resp.Header["Sec-Websocket-Extensions"] = rewritten
}

// extensions is what Extensions() reports: the server's answer as it sent it,
// as in Chromium.
func (h *handshakeRewrite) extensions() string {
	if len(h.answer) == 0 {
		return ""
	}
	return h.answer[0]
}

// clientTakeover reports whether the client's compressor keeps its context from
// message to message: the server's answer did not say client_no_context_takeover.
func (h *handshakeRewrite) clientTakeover() bool {
	return !strings.Contains(h.extensions(), "client_no_context_takeover")
}

// plainWrites reports whether messages must go out uncompressed: the server
// limited the client's window below the 15 bits coder/websocket's compressor
// uses, and it cannot keep to a smaller one. RFC 7692 lets a sender leave any
// message uncompressed; the server's messages are still inflated (a 15-bit
// window reads what any smaller one wrote).
func (h *handshakeRewrite) plainWrites() bool { return h.clientWindow < 15 }

// writeData writes one message: with conn.Write, or, when plain is set and
// the message is big enough for coder/websocket to compress it, as a fragmented
// message whose first fragment is below flateThreshold, which coder/websocket
// never compresses (and then neither the fragments after it).
func writeData(ctx context.Context, conn *ws.Conn, typ ws.MessageType, p []byte, plain bool) error {
	if !plain || len(p) < flateThreshold {
		return conn.Write(ctx, typ, p)
	}
	w, err := conn.Writer(ctx, typ)
	if err != nil {
		return err
	}
	if _, err := w.Write(p[:flateThreshold-1]); err != nil {
		return err
	}
	if _, err := w.Write(p[flateThreshold-1:]); err != nil {
		return err
	}
	return w.Close()
}

// handshakeFailure turns what coder/websocket's Dial returned into the error
// event's Err: a *HandshakeError for an answer other than 101, else an error
// that names the socket's URL, with the cause underneath for errors.Is (the
// http:// URL coder/websocket requested and its wording are left out).
func handshakeFailure(href string, resp *http.Response, err error) error {
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		return &HandshakeError{URL: href, StatusCode: resp.StatusCode, Header: map[string][]string(resp.Header.Clone())}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	} else if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), "failed to WebSocket dial: ") {
		err = inner
	}
	return nameURL(href, err)
}
