//go:build !js

package websocket

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The opening handshake (RFC 6455 §4), on net/http, in one place: the request as
// Chromium writes it, sent through the user's HTTPClient or the socket's own
// transport; the answer checked once, as Chromium checks it; the extension
// answer parsed once into the parameters the codec uses.

// chromiumOffer is Chromium's Sec-WebSocket-Extensions, byte for byte: servers answer
// it unlike a bare "permessage-deflate" (Python's websockets limits the client's
// window only when offered client_max_window_bits).
const chromiumOffer = "permessage-deflate; client_max_window_bits"

// flateThreshold is the size from which sent messages are compressed (as
// coder/websocket and gorilla: below it deflate's overhead outweighs the gain).
const flateThreshold = 128

// upgraded is what a successful handshake gives the transport.
type upgraded struct {
	conn       io.ReadWriteCloser // the connection, after the 101 answer
	protocol   string             // the subprotocol the server selected, or ""
	extensions string             // the server's Sec-WebSocket-Extensions, as it sent it
	deflate    deflateParams
}

// deflateParams are the server's permessage-deflate answer (RFC 7692 §7.1).
type deflateParams struct {
	on               bool // permessage-deflate was accepted
	serverNoTakeover bool // server_no_context_takeover: each server message inflates alone
	clientNoTakeover bool // client_no_context_takeover: each client message compresses alone
	clientWindowBits int  // client_max_window_bits the server asked for; 15 when it did not
}

// handshake makes the opening handshake with client and returns the upgraded
// connection, or why it failed: a *HandshakeError for an answer other than 101,
// or an error that says which rule the answer broke.
func handshake(ctx context.Context, client *http.Client, href string, o *Options) (upgraded, error) {
	req, key, err := handshakeRequest(ctx, href, o)
	if err != nil {
		return upgraded{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it names the http:// URL the socket never had
		}
		return upgraded{}, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		// A browser fails at once: it reads no body of a refused handshake.
		resp.Body.Close()
		return upgraded{}, &HandshakeError{URL: href, StatusCode: resp.StatusCode, Header: map[string][]string(resp.Header.Clone())}
	}
	conn, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		resp.Body.Close()
		return upgraded{}, errors.New("websocket: the HTTP client's transport gave no upgraded connection for the 101 answer")
	}
	u, err := checkAnswer(resp.Header, key, o.Protocols, !o.DisableCompression)
	if err != nil {
		conn.Close()
		return upgraded{}, err
	}
	u.conn = conn
	return u, nil
}

// handshakeRequest builds the request as Chromium writes it: the user's headers,
// then the handshake's own (which win), the Sec-WebSocket-* names in Chromium's
// spelling (Go would write "Sec-Websocket-Key"; names are case-insensitive, but
// what a server logs or a strict proxy checks should be what a browser sends),
// the protocol list joined by ", ", the extension offer, and Pragma and
// Cache-Control "no-cache" unless the user set them. (Go's transport writes the
// fields in its own order, after Host and User-Agent.)
func handshakeRequest(ctx context.Context, href string, o *Options) (*http.Request, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http"+strings.TrimPrefix(href, "ws"), nil)
	if err != nil {
		return nil, "", err
	}
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, "", err
	}
	key := base64.StdEncoding.EncodeToString(nonce[:])
	h := req.Header
	for k, v := range o.Header {
		h[k] = append([]string(nil), v...)
	}
	set := func(name, value string) {
		delete(h, http.CanonicalHeaderKey(name))
		delete(h, name)
		if value != "" {
			h[name] = []string{value}
		}
	}
	set("Upgrade", "websocket")
	set("Connection", "Upgrade")
	set("Sec-WebSocket-Key", key)
	set("Sec-WebSocket-Version", "13")
	set("Sec-WebSocket-Protocol", strings.Join(o.Protocols, ", "))
	offer := ""
	if !o.DisableCompression {
		offer = chromiumOffer
	}
	set("Sec-WebSocket-Extensions", offer)
	if _, ok := h["Origin"]; !ok && o.PageURL != "" {
		h["Origin"] = []string{pageOrigin(o.PageURL)} // as a browser on that page
	}
	for _, k := range []string{"Pragma", "Cache-Control"} {
		if _, ok := h[k]; !ok {
			h[k] = []string{"no-cache"}
		}
	}
	return req, key, nil
}

// checkAnswer applies Chromium's checks to a 101 answer's headers (its
// WebSocketBasicHandshakeStream::ValidateResponse): Upgrade given once and
// "websocket"; Connection with the token Upgrade; Sec-WebSocket-Accept given once
// and right for key; Sec-WebSocket-Protocol absent when none was offered, else
// given once and exactly one of the offered (case counts); Sec-WebSocket-Extensions
// only what was offered, with parameters as Chromium accepts them.
func checkAnswer(h http.Header, key string, offered []string, compress bool) (upgraded, error) {
	var u upgraded
	if up := h.Values("Upgrade"); len(up) != 1 || !strings.EqualFold(strings.TrimSpace(up[0]), "websocket") {
		return u, errors.New("websocket: the server's Upgrade header is not exactly \"websocket\"")
	}
	if !hasToken(h.Values("Connection"), "upgrade") {
		return u, errors.New("websocket: the server's Connection header does not say Upgrade")
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) // RFC 6455 §4.2.2
	if acc := h.Values("Sec-WebSocket-Accept"); len(acc) != 1 || strings.TrimSpace(acc[0]) != base64.StdEncoding.EncodeToString(sum[:]) {
		return u, errors.New("websocket: the server's Sec-WebSocket-Accept is missing, repeated or wrong")
	}
	switch p := h.Values("Sec-WebSocket-Protocol"); {
	case len(p) > 1, len(p) == 1 && len(offered) == 0:
		return u, errors.New("websocket: the server sent a Sec-WebSocket-Protocol header that was not asked for, or several")
	case len(p) == 1:
		u.protocol = strings.TrimSpace(p[0])
		fallthrough
	case len(offered) > 0:
		if !slices.Contains(offered, u.protocol) {
			return u, fmt.Errorf("%w: offered %q, server selected %q", ErrProtocolMismatch, offered, u.protocol)
		}
	}
	ext := h.Values("Sec-WebSocket-Extensions")
	for _, v := range ext {
		if strings.TrimSpace(v) == "" {
			return u, errors.New("websocket: the server sent an empty Sec-WebSocket-Extensions header")
		}
	}
	if len(ext) > 0 {
		u.extensions = strings.Join(ext, ", ")
	}
	var err error
	u.deflate, err = parseExtensions(ext, compress)
	return u, err
}

// hasToken reports whether a comma-separated header holds token (any case).
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// parseExtensions reads the server's extension answer as Chromium does: only
// permessage-deflate, only if offered, once; each parameter at most once; the
// no_context_takeover ones without a value; server_max_window_bits and
// client_max_window_bits (which the offer allows) a number from 8 to 15 without
// a leading zero or sign.
func parseExtensions(values []string, offered bool) (deflateParams, error) {
	p := deflateParams{clientWindowBits: 15}
	for _, v := range values {
		for _, ext := range strings.Split(v, ",") {
			params := strings.Split(ext, ";")
			name := strings.TrimSpace(params[0])
			if name != "permessage-deflate" || !offered {
				return p, fmt.Errorf("websocket: the server accepted the extension %q, which was not offered", name)
			}
			if p.on {
				return p, errors.New("websocket: the server accepted permessage-deflate twice")
			}
			p.on = true
			seen := map[string]bool{}
			for _, param := range params[1:] {
				k, val, hasValue := strings.Cut(strings.TrimSpace(param), "=")
				k, val = strings.TrimSpace(k), strings.TrimSpace(val)
				if n := len(val); n >= 2 && val[0] == '"' && val[n-1] == '"' {
					val = val[1 : n-1] // a quoted-string value (RFC 7692 §7.1), as Chromium reads it
				}
				if seen[k] {
					return p, fmt.Errorf("websocket: the server repeated the permessage-deflate parameter %s", k)
				}
				seen[k] = true
				switch k {
				case "server_no_context_takeover", "client_no_context_takeover":
					if hasValue {
						return p, fmt.Errorf("websocket: the server gave the permessage-deflate parameter %s a value", k)
					}
					if k == "server_no_context_takeover" {
						p.serverNoTakeover = true
					} else {
						p.clientNoTakeover = true
					}
				case "server_max_window_bits", "client_max_window_bits":
					n, err := strconv.Atoi(val)
					if err != nil || n < 8 || n > 15 || val[0] == '0' || val[0] == '+' {
						return p, fmt.Errorf("websocket: the server's %s %q is not from 8 to 15", k, val)
					}
					if k == "client_max_window_bits" {
						p.clientWindowBits = n
					}
				default:
					return p, fmt.Errorf("websocket: the server's permessage-deflate answer has the unknown parameter %q", k)
				}
			}
		}
	}
	return p, nil
}

// badPorts is the Fetch standard's list of blocked ports: browsers never
// connect to them, and a WebSocket to one fails as if refused.
var badPorts = []int{
	0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
	110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
	531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
	5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
}

// checkPort fails a connection to a blocked port, given the socket's serialized
// origin ("ws://host:port"; no port means the default, which is never blocked).
func checkPort(origin string) error {
	hostport := origin[strings.Index(origin, "://")+3:]
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 || i < strings.LastIndexByte(hostport, ']') {
		return nil
	}
	port, err := strconv.Atoi(hostport[i+1:])
	if err == nil && slices.Contains(badPorts, port) {
		return fmt.Errorf("websocket: port %d is blocked, as in browsers (the Fetch standard's bad ports)", port)
	}
	return nil
}
