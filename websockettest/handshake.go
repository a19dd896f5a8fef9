//go:build !js

package websockettest

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Handshake is how the server answers one opening handshake; the zero value
// accepts it the way a plain server does. Server.SetHandshake installs a
// function that chooses it for each request.
type Handshake struct {
	// Delay makes the server wait this long before it answers (or until the
	// server closes), so that a test can see the client time out or close
	// while CONNECTING.
	Delay time.Duration

	// Status, when neither 0 nor 101, refuses the handshake: the answer is
	// this HTTP status with Header and Body, and no Conn is made. The client
	// reports it as a *websocket.HandshakeError.
	Status int
	// Body is the body of a refusal.
	Body string

	// Header holds extra header fields of the answer, a refusal's or a 101's
	// (after the ones the server writes itself).
	Header http.Header

	// Protocol is the answer's Sec-WebSocket-Protocol: "" picks the first
	// protocol the client offered (none when it offered none); any other
	// value is answered whatever was offered, so that a test can answer one
	// that was not offered.
	Protocol string
	// OmitProtocol answers no Sec-WebSocket-Protocol even when the client
	// offered some (a browser then fails the connection).
	OmitProtocol bool
	// Extensions is the answer's Sec-WebSocket-Extensions, such as
	// "permessage-deflate; server_no_context_takeover"; "" answers none, so
	// that by default nothing is compressed. When its first extension is
	// permessage-deflate, Read inflates the client's compressed messages and
	// the server compresses the messages it sends with SendText, SendBinary
	// or Echo (from CompressThreshold bytes), as a server that negotiated it
	// does: within the window server_max_window_bits allows, keeping its
	// context from one message to the next unless server_no_context_takeover
	// is answered.
	// WriteFrame still writes its frame as it is, so that a test sends an
	// uncompressed message, or compressed bytes of its own, with it (a test
	// that mixes compressed frames of its own with SendText should answer
	// server_no_context_takeover, so that the client's context stays right;
	// uncompressed messages do not touch the context).
	Extensions string

	// CompressThreshold, when permessage-deflate is answered, is the size
	// from which SendText, SendBinary and Echo compress a message: shorter
	// ones go uncompressed, as many servers send them (coder/websocket's
	// from 128 bytes, Node's ws from 1 KiB). 0 compresses every message.
	CompressThreshold int

	// NoCloseReply makes the server leave the client's close frame
	// unanswered: no close frame goes back and TCP stays open, what the
	// client sends after it is read and ignored (pings too), and Read
	// returns the client's *CloseError as soon as its close frame has come.
	// The test then ends the connection as it likes: Close (its close frame
	// completes the handshake, and TCP closes at once), a close frame written
	// with WriteRaw or WriteFrame (TCP stays open), Drop, Reset, CloseWrite,
	// or WaitClosed until the client ends TCP. A close frame that answers one the server
	// sent with Close or WriteFrame completes the closing handshake as usual.
	NoCloseReply bool

	// Raw, when not nil, is the whole answer, written as it is in place of
	// everything above but Delay, NoCloseReply and CompressThreshold;
	// AcceptKey computes the Sec-WebSocket-Accept value it needs to be right. The connection then
	// goes on as a Conn whatever the bytes said, so that the test sees what
	// the client does next; its Protocol and Extensions are what the raw
	// answer's Sec-WebSocket-Protocol and Sec-WebSocket-Extensions fields
	// say (the first of each), and compression follows them as for
	// Extensions.
	Raw []byte
}

// AcceptKey returns the Sec-WebSocket-Accept value that answers a
// Sec-WebSocket-Key (RFC 6455 section 4.2.2), for a Handshake.Raw answer.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h[:])
}

// checkRequest says what is wrong with r as an opening handshake, or "".
func checkRequest(r *http.Request) string {
	switch {
	case r.Method != http.MethodGet:
		return "the method is " + r.Method + ", not GET"
	case !headerHasToken(r.Header, "Connection", "upgrade"):
		return "the Connection header does not say Upgrade"
	case !headerHasToken(r.Header, "Upgrade", "websocket"):
		return "the Upgrade header does not say websocket"
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return "Sec-WebSocket-Version is not 13"
	case r.Header.Get("Sec-WebSocket-Key") == "":
		return "Sec-WebSocket-Key is missing"
	}
	return ""
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// offeredProtocols lists the protocols of r's Sec-WebSocket-Protocol headers.
func offeredProtocols(r *http.Request) []string {
	var out []string
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// answer is what a 101 answer said, for the Conn, and the Handshake's
// choices the Conn follows afterwards.
type answer struct {
	protocol, extensions string
	noCloseReply         bool
	compressThreshold    int
}

// rawAnswer reads the Sec-WebSocket-Protocol and Sec-WebSocket-Extensions
// fields of a raw answer's head, the first of each.
func rawAnswer(raw []byte) (protocol, extensions string) {
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Protocol") && protocol == "":
			protocol = value
		case strings.EqualFold(strings.TrimSpace(name), "Sec-WebSocket-Extensions") && extensions == "":
			extensions = value
		}
	}
	return protocol, extensions
}

// writeAnswer writes h's answer to r on the hijacked connection; ok says
// whether the connection goes on as a Conn.
func writeAnswer(w *bufio.Writer, r *http.Request, h Handshake) (a answer, ok bool) {
	a.noCloseReply, a.compressThreshold = h.NoCloseReply, h.CompressThreshold
	if h.Raw != nil {
		a.protocol, a.extensions = rawAnswer(h.Raw)
		w.Write(h.Raw)
		return a, w.Flush() == nil
	}
	var b strings.Builder
	if h.Status != 0 && h.Status != http.StatusSwitchingProtocols {
		fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", h.Status, http.StatusText(h.Status))
		hdr := h.Header.Clone()
		if hdr == nil {
			hdr = http.Header{}
		}
		if hdr.Get("Content-Type") == "" && h.Body != "" {
			hdr.Set("Content-Type", "text/plain; charset=utf-8")
		}
		hdr.Set("Content-Length", strconv.Itoa(len(h.Body)))
		hdr.Set("Connection", "close")
		hdr.Write(&b)
		b.WriteString("\r\n")
		b.WriteString(h.Body)
		w.WriteString(b.String())
		w.Flush()
		return a, false
	}
	b.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
	b.WriteString("Sec-WebSocket-Accept: " + AcceptKey(r.Header.Get("Sec-WebSocket-Key")) + "\r\n")
	a.protocol = h.Protocol
	if offered := offeredProtocols(r); a.protocol == "" && len(offered) > 0 {
		a.protocol = offered[0]
	}
	if h.OmitProtocol {
		a.protocol = ""
	}
	if a.protocol != "" {
		b.WriteString("Sec-WebSocket-Protocol: " + a.protocol + "\r\n")
	}
	if a.extensions = h.Extensions; a.extensions != "" {
		b.WriteString("Sec-WebSocket-Extensions: " + a.extensions + "\r\n")
	}
	h.Header.Write(&b)
	b.WriteString("\r\n")
	w.WriteString(b.String())
	return a, w.Flush() == nil
}

// refuse answers a request that is not an opening handshake.
func refuse(w http.ResponseWriter, why string) {
	http.Error(w, "websockettest: not a WebSocket handshake: "+why, http.StatusBadRequest)
}

// hijack takes the connection over from net/http.
func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w).Hijack()
}
