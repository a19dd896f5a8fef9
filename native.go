//go:build !js

package websocket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"

	ws "github.com/coder/websocket"
)

// resolveURL: outside a browser there is no document, so relative URLs are errors.
func resolveURL(raw string) (parsedURL, error) { return parseURL(raw) }

// nativeTransport speaks the WebSocket protocol itself, on github.com/coder/websocket.
// One goroutine connects, then another reads and runs the listeners (handing
// reading over to a new one when a listener blocks: takeover.go). Send writes on
// the caller's goroutine into a connection that never blocks (writebehind.go);
// where there is no such connection (a user's HTTPClient), a writer goroutine
// writes the socket's send queue while it has something to write (see
// sendQueue). The close request always goes to a writer goroutine, since the
// closing handshake waits for the server. All are gone before closed is reported.
type nativeTransport struct {
	ws     *WebSocket
	ctx    context.Context // the handshake's; cancelled by abort
	cancel context.CancelFunc

	mu      sync.Mutex
	conn    *ws.Conn
	failErr error // set by abort or when a protocol rule is broken; wins over all else

	// closeErr is what the writer's closing handshake returned; written before the
	// writer ends, read after it has ended.
	closeErr  error
	closeSent outgoing

	// connEnded is set once a read from the network connection fails: a message
	// read whole after that was cut short (see read).
	connEnded atomic.Bool
	// frames checks the server's frames as they are read (native_frames.go).
	frames  serverFrames
	scratch [1]byte // readMessage's, to see a message's end
	// sizeHint is the size of the last message read whose size was not known
	// up front (readUnsized); only the reading goroutine uses it.
	sizeHint int

	// wb is the handshake's network connection when the socket made it itself;
	// once open, Send writes through it on the caller's goroutine. Nil with a
	// user's HTTPClient: a writer goroutine writes instead.
	wb *writeBehindConn
	// body is the upgraded connection coder/websocket reads and writes through;
	// writeMessage writes uncompressed messages into it itself (native_sendframe.go).
	body        *endBody
	keys        maskKeys    // writeOwnFrame's
	sendDeflate sendDeflate // how sent messages are compressed; set once open
	deflate     deflater    // writeOwnFrame's compressor, made with the first compressed message

	keepalive keepalive // Options.PingInterval's pings (native_keepalive.go)
	// rw puts the handshake in Chromium's words (native_offer.go).
	rw handshakeRewrite
}

func newTransport(s *WebSocket) (transport, error) {
	t := &nativeTransport{ws: s}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	return t, nil
}

func (t *nativeTransport) start() { go t.run() }

// send gives m back for the caller to write (writeNow) when the connection
// never blocks and no write is under way, taking the send queue's turn under the
// socket's lock, so that messages go out in Send's order; else, and always for
// the close request, it queues m for a writer goroutine (which the turn's end
// starts, when messages queued behind it).
func (t *nativeTransport) send(m outgoing) bool {
	if t.wb != nil && !m.close && t.ws.sendq.claim() {
		return true // written from the caller's bytes before Send returns
	}
	t.ws.sendq.push(m.owned())
	return false
}

// writeNow writes m on the caller's goroutine and ends its turn.
func (t *nativeTransport) writeNow(m outgoing) {
	t.writeMessage(t.conn, m)
	t.ws.sendq.release()
}

// pending is 0: BufferedAmount falls as each message's last byte leaves (the
// write-behind reports it, or the writer once coder/websocket's Write returns).
func (t *nativeTransport) pending() uint64 { return 0 }

func (t *nativeTransport) abort(err error) {
	t.mu.Lock()
	if t.failErr == nil {
		t.failErr = err
	}
	conn := t.conn
	t.mu.Unlock()
	t.cancel()
	if conn != nil {
		conn.CloseNow()
	}
}

// fail records err as the reason the connection failed, unless there is one.
func (t *nativeTransport) fail(err error) {
	t.mu.Lock()
	if t.failErr == nil {
		t.failErr = err
	}
	t.mu.Unlock()
}

func (t *nativeTransport) failure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failErr
}

func (t *nativeTransport) run() {
	conn, protocol, extensions, err := t.dial()
	t.cancel()
	if err != nil {
		if f := t.failure(); f != nil {
			err = f
		}
		t.ws.closed(1006, "", false, err)
		return
	}
	t.mu.Lock()
	aborted := t.failErr
	if aborted == nil {
		t.conn = conn
	}
	t.mu.Unlock()
	if aborted != nil {
		conn.CloseNow()
		t.ws.closed(1006, "", false, aborted)
		return
	}
	limit := t.ws.opts.MaxMessageSize
	switch {
	case limit == 0:
		limit = DefaultMaxMessageSize
	case limit < 0:
		limit = -1
	}
	conn.SetReadLimit(limit)

	t.frames.deflate = strings.Contains(extensions, "permessage-deflate")
	t.setSendDeflate()
	if t.wb != nil {
		t.wb.enable(t.ws.sent)
	}
	t.ws.sendq.startWriter(func() { t.write(conn) })
	t.ws.guard.handOver = func() { go t.readLoop(conn, nil) }
	t.ws.guard.watch()
	t.startKeepalive(conn)
	// The reader is a goroutine of its own, so that the stack the handshake grew
	// goes away with this one instead of staying with every open socket.
	go t.readLoop(conn, &item{kind: itemOpen, protocol: protocol, extensions: extensions})
}

// readLoop is a reading goroutine: it delivers first (the open), then reads until
// the connection ends, unless reading is handed over to another goroutine while a
// listener runs on this one (takeover.go).
func (t *nativeTransport) readLoop(conn *ws.Conn, first *item) {
	if first != nil && !t.ws.deliver(*first) {
		return
	}
	err := t.read(conn)
	if err == errHandedOver {
		return
	}
	t.finish(conn, err)
}

// errHandedOver ends a reading goroutine whose reading another one has taken over.
var errHandedOver = errors.New("websocket: reading handed over")

// dial makes the opening handshake and checks what browsers check on top of what
// coder/websocket does.
func (t *nativeTransport) dial() (conn *ws.Conn, protocol, extensions string, err error) {
	defer func() { err = nameURL(t.ws.url.href, err) }()
	if err := checkPort(t.ws.url.origin); err != nil {
		return nil, "", "", err
	}
	o := &t.ws.opts
	ctx := t.ctx
	timeout := o.HandshakeTimeout
	if timeout == 0 {
		timeout = DefaultHandshakeTimeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	// One handshake per endpoint at a time (native_handshake_limit.go).
	slot := &handshakeSlot{ctx: ctx}
	defer slot.release()
	client, own := httpClient(o.HTTPClient, slot)
	if err := slot.lock(ctx, t.ws.url.href, own != nil); err != nil {
		return nil, "", "", err
	}
	if own != nil {
		// The socket's own transport: its connection becomes a write-behind one.
		dial := own.DialContext
		own.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			wb := newWriteBehindConn(c)
			t.mu.Lock()
			t.wb = wb
			t.mu.Unlock()
			return wb, nil
		}
	}
	t.rw.compress = !o.DisableCompression
	client.Transport = endTracker{rt: client.Transport, ended: &t.connEnded, frames: &t.frames, rw: &t.rw, body: &t.body}
	if own != nil {
		// Connections of a failed handshake would otherwise idle in the pool.
		defer own.CloseIdleConnections()
	}
	mode := ws.CompressionContextTakeover
	if o.DisableCompression {
		mode = ws.CompressionDisabled
	}
	conn, resp, err := ws.Dial(ctx, t.ws.url.href, &ws.DialOptions{
		HTTPClient:           client,
		HTTPHeader:           o.Header,
		Subprotocols:         o.Protocols,
		CompressionMode:      mode,
		CompressionThreshold: flateThreshold,
	})
	slot.release()
	if err != nil {
		return nil, "", "", handshakeFailure(t.ws.url.href, resp, err)
	}
	t.frames.ready.Store(true)
	protocol = conn.Subprotocol()
	if len(o.Protocols) > 0 || protocol != "" {
		// coder/websocket compares without case and accepts no answer; browsers do neither.
		if !slices.Contains(o.Protocols, protocol) {
			conn.CloseNow()
			return nil, "", "", fmt.Errorf("%w: offered %q, server selected %q", ErrProtocolMismatch, o.Protocols, protocol)
		}
	}
	if err := checkHandshakeResponse(resp.Header, o.Protocols); err != nil {
		conn.CloseNow()
		return nil, "", "", err
	}
	if err := checkDeflateResponse(t.rw.answer); err != nil {
		conn.CloseNow()
		return nil, "", "", err
	}
	return conn, protocol, t.rw.extensions(), nil
}

// httpClient returns the client for the handshake: the user's, or one of the
// socket's own (returned as own, to be cleaned up) that dials through slot,
// never following redirects.
func httpClient(user *http.Client, slot *handshakeSlot) (c *http.Client, own *http.Transport) {
	if user != nil {
		c := *user
		c.CheckRedirect = noRedirects
		return &c, nil
	}
	own = http.DefaultTransport.(*http.Transport).Clone()
	own.DisableKeepAlives = true // a refused handshake's connection is not for reuse, as in browsers
	own.DialContext = slot.dialContext
	return &http.Client{Transport: own, CheckRedirect: noRedirects}, own
}

// endTracker wraps the handshake's transport so that the connection it upgrades
// to sets ended when a read from it fails.
type endTracker struct {
	rt     http.RoundTripper
	ended  *atomic.Bool
	frames *serverFrames
	rw     *handshakeRewrite
	body   **endBody // set to the upgraded connection
}

func (e endTracker) RoundTrip(r *http.Request) (*http.Response, error) {
	rt := e.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(e.rw.request(r))
	if err == nil {
		e.rw.response(resp)
	}
	if err == nil && resp.StatusCode == http.StatusSwitchingProtocols {
		if rwc, ok := resp.Body.(io.ReadWriteCloser); ok {
			b := &endBody{ReadWriteCloser: rwc, ended: e.ended, frames: e.frames, out: clientFrames{r: headerReader{withMask: true}, server: e.frames}}
			resp.Body, *e.body = b, b
		}
	}
	return resp, err
}

type endBody struct {
	io.ReadWriteCloser
	ended  *atomic.Bool
	frames *serverFrames
	out    clientFrames
	held   []byte // the server's close frame, to hand to coder/websocket (readFrames)
	err    error  // the read error to return once held is empty
	// wmu keeps each Write whole: coder/websocket's and the package's own
	// frames (writeFrame) come from different goroutines.
	wmu sync.Mutex
}

// Write lets clientFrames restore a close code in the close frame it echoes.
func (b *endBody) Write(p []byte) (int, error) {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	return b.ReadWriteCloser.Write(b.out.fix(p))
}

// Read also hands what it read to the frame checks (native_frames.go).
func (b *endBody) Read(p []byte) (int, error) { return b.readFrames(p) }

// Close first waits for the end of the connection after a closing handshake
// (native_frames.go).
func (b *endBody) Close() error {
	b.linger()
	return b.ReadWriteCloser.Close()
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// read delivers messages until the connection ends, and returns why it ended.
func (t *nativeTransport) read(conn *ws.Conn) error {
	for {
		it, err := t.readMessage(conn)
		if err == nil && t.connEnded.Load() {
			// coder/websocket reads the end of the connection inside a message as
			// the end of the message; Chromium drops such a message.
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			if bad, after := t.frames.broken(); bad != nil && !after {
				t.fail(bad)
				conn.Close(ws.StatusProtocolError, bad.reason)
				return bad
			}
			return err
		}
		if it.text && !validUTF8(it.data) {
			t.fail(ErrInvalidUTF8)
			// RFC 6455 names 1007 for this; Chromium sends 1002 with this reason,
			// and the package does what the browser does.
			conn.Close(ws.StatusProtocolError, "Invalid UTF-8 in text frame")
			return ErrInvalidUTF8
		}
		if !t.ws.deliver(it) {
			return errHandedOver
		}
	}
}

// write is the writer goroutine: it sends the socket's queue in order until the
// queue is empty (the send queue starts a writer again when more comes), the queue
// is stopped, or a close request has been carried out.
func (t *nativeTransport) write(conn *ws.Conn) {
	defer t.ws.sendq.writerDone()
	for {
		m, ok := t.ws.sendq.next()
		if !ok {
			return
		}
		if m.close {
			// Writes the close frame, waits (5 s at most) for the server's, then closes.
			t.closeSent = m
			t.closeErr = conn.Close(ws.StatusCode(m.code), m.reason)
			return
		}
		if !t.writeMessage(conn, m) {
			t.ws.sendq.retire()
			return
		}
	}
}

// writeMessage writes m, on the caller's goroutine; it reports false, after
// closing the connection, when the write failed.
func (t *nativeTransport) writeMessage(conn *ws.Conn, m outgoing) bool {
	typ := ws.MessageBinary
	if m.text {
		typ = ws.MessageText
	}
	n := len(m.data)
	var err error
	if own, compress := t.ownFrame(n); own {
		err = t.writeOwnFrame(m.text, m.data, compress)
	} else {
		err = writeData(context.Background(), conn, typ, m.data, t.rw.plainWrites())
	}
	releaseSendBuf(m) // coder/websocket keeps nothing of it after Write
	if t.wb == nil || t.wb.sentAfter(n) {
		t.ws.sent(n)
	}
	if err != nil {
		conn.CloseNow() // the reader sees the end and reports it
		return false
	}
	return true
}

// finish turns the reader's last error into the close event's values, makes sure
// the connection and the writer are gone, and reports closed.
func (t *nativeTransport) finish(conn *ws.Conn, readErr error) {
	conn.CloseNow()
	t.keepalive.stop()
	t.ws.guard.unwatch()
	t.ws.sendq.stop()
	t.ws.sendq.wait()
	t.deflate.release() // no writer runs any more
	if t.wb != nil {
		t.wb.wait() // the flusher ends once its connection is closed
	}

	failErr := t.failure()
	lateBad, afterClose := t.frames.broken()
	var ce ws.CloseError
	switch {
	case failErr != nil:
		t.ws.closed(1006, "", false, failErr)
	case afterClose:
		// A frame after the server's close frame: Chromium fails the connection.
		t.ws.closed(1006, "", false, lateBad)
	case errors.As(readErr, &ce) || (t.closeSent.close && errors.As(t.closeErr, &ce)):
		if !utf8.ValidString(ce.Reason) {
			t.ws.closed(1006, "", false, errCloseReasonUTF8)
			break
		}
		t.ws.closed(t.frames.closeCode(int(ce.Code)), ce.Reason, true, nil)
	case t.closeSent.close && t.closeErr == nil:
		// The writer's handshake read the server's close frame while the reader was
		// waiting for listeners: coder/websocket returns nil when the server's code
		// equals ours, and keeps the reason to itself; a server echoes it.
		t.ws.closed(t.closeSent.code, t.closeSent.reason, true, nil)
	case isDrop(readErr):
		// The TCP connection ended without a close frame: Chromium reports only
		// "close" (1006), no "error".
		t.ws.closed(1006, "", false, nil)
	default:
		// A broken protocol rule (message too big, bad frame): the connection failed.
		t.ws.closed(1006, "", false, fmt.Errorf("websocket: %w", readErr))
	}
}

// isDrop reports whether err means the peer went away rather than broke a rule.
func isDrop(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}
