package wstest

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// acceptKey computes Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 4.2.2).
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h[:])
}

// rawHandshake takes over the connection, answers 101 with the given accept value
// and extra header lines, then runs after on the raw connection.
func (h *handler) rawHandshake(w http.ResponseWriter, r *http.Request, accept, extra string, after func(*handler, net.Conn, *bufio.ReadWriter)) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer h.track(conn)()
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + accept + "\r\n" + extra + "\r\n")
	if brw.Flush() != nil {
		return
	}
	after(h, conn, brw)
}

// holdOpen reads and drops whatever comes until the client or Shutdown ends the
// connection, answering a close frame with an empty one.
func holdOpen(h *handler, c net.Conn, brw *bufio.ReadWriter) {
	for {
		op, _, err := readFrame(brw.Reader)
		if err != nil {
			return
		}
		if op == 8 {
			brw.Write([]byte{0x88, 0})
			brw.Flush()
			return
		}
	}
}

// ignoreClose reads and drops everything, close frames included, never answering.
func ignoreClose(h *handler, c net.Conn, brw *bufio.ReadWriter) {
	io.Copy(io.Discard, brw)
}

// readFrame reads one client frame and returns its opcode and unmasked payload.
func readFrame(r *bufio.Reader) (op byte, payload []byte, err error) {
	_, _, op, payload, err = ReadClientFrame(r)
	return
}

// silent takes the request and never answers it, until Shutdown.
func (h *handler) silent(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer h.track(conn)()
	select {
	case <-h.done:
	case <-time.After(2 * time.Minute):
	}
}

// badAccept answers 101 with a wrong Sec-WebSocket-Accept.
func (h *handler) badAccept(w http.ResponseWriter, r *http.Request) {
	h.rawHandshake(w, r, acceptKey("not the client's key"), "", holdOpen)
}

// badExtension accepts an extension the client never offered.
func (h *handler) badExtension(w http.ResponseWriter, r *http.Request) {
	h.rawHandshake(w, r, acceptKey(r.Header.Get("Sec-WebSocket-Key")), "Sec-WebSocket-Extensions: x-unknown-ext\r\n", holdOpen)
}

// noClose completes the handshake but never answers the client's close frame.
func (h *handler) noClose(w http.ResponseWriter, r *http.Request) {
	h.rawHandshake(w, r, acceptKey(r.Header.Get("Sec-WebSocket-Key")), "", ignoreClose)
}

// fragDrop sends the first fragment of a text message, then drops the connection.
func (h *handler) fragDrop(w http.ResponseWriter, r *http.Request) {
	h.rawHandshake(w, r, acceptKey(r.Header.Get("Sec-WebSocket-Key")), "", func(h *handler, c net.Conn, brw *bufio.ReadWriter) {
		brw.Write([]byte{0x01, 3, 'h', 'e', 'l'}) // FIN=0, text, "hel"
		brw.Flush()
		time.Sleep(50 * time.Millisecond)
	})
}

// raw completes the handshake (answering ?ext= as Sec-WebSocket-Extensions, if
// given; or, with ?head=, answering that response head, lines joined by CRLF, in
// which "{accept}" is the right Sec-WebSocket-Accept value), writes the bytes of
// ?hex= as they are (frames a server should or should not send), then reads the
// client's frames until its close frame or the end of the connection, and
// records the close code it sent. Then, with ?hold_ms=, it keeps the connection
// open that long or until the client ends it; with ?rst=1 it ends the
// connection with a reset.
func (h *handler) raw(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	out, err := hex.DecodeString(q.Get("hex"))
	if err != nil {
		http.Error(w, "bad hex", http.StatusBadRequest)
		return
	}
	id := q.Get("id")
	accept := acceptKey(r.Header.Get("Sec-WebSocket-Key"))
	hold := time.Duration(queryInt(r, "hold_ms", 0)) * time.Millisecond
	rst := q.Get("rst") == "1"
	after := func(h *handler, c net.Conn, brw *bufio.ReadWriter) {
		brw.Write(out)
		if brw.Flush() != nil {
			return
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		recordClientClose(h, id, brw.Reader)
		if hold > 0 {
			// Keep TCP open after the client's close frame (a server that
			// leaves the end of the connection to the client), reading what
			// comes until the client ends it.
			c.SetReadDeadline(time.Now().Add(hold))
			io.Copy(io.Discard, brw)
		}
		if tc, ok := c.(*net.TCPConn); ok && rst {
			tc.SetLinger(0) // close with a reset instead of a FIN
		}
	}
	if head := q.Get("head"); head != "" {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer h.track(conn)()
		brw.WriteString(strings.ReplaceAll(head, "{accept}", accept) + "\r\n\r\n")
		if brw.Flush() != nil {
			return
		}
		after(h, conn, brw)
		return
	}
	extra := ""
	if ext := q.Get("ext"); ext != "" {
		extra = "Sec-WebSocket-Extensions: " + ext + "\r\n"
	}
	h.rawHandshake(w, r, accept, extra, after)
}
