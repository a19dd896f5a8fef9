//go:build !js

package websocket

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/browserws/websocket/internal/wire"
)

// The native transport: the package speaks RFC 6455 and RFC 7692 itself.
//
// A byte from the server to a listener: the kernel → (TLS) → net/http's upgraded
// connection (conn) → wire.Reader, the only parser, which applies Chromium's
// rules as it reads each frame and returns whole messages and control frames →
// readLoop → WebSocket.deliver (takeover.go), which runs the listeners on the
// reading goroutine or queues the message for the dispatcher.
//
// A message from Send to the server: Send takes the send turn (sendQueue) →
// writeNow → wire.Writer, the only frame writer, which masks and compresses the
// message into one frame → the write-behind connection (writebehind.go), which
// never blocks → the kernel.
//
// Whatever ends the connection — a broken rule, a close frame, the end of TCP,
// Close, an abort, a ping timeout, a timer — records an endCause where it is
// detected; the first one wins, and the close event is read from it (finish).
type nativeTransport struct {
	ws     *WebSocket
	ctx    context.Context // the handshake's; cancelled by abort
	cancel context.CancelFunc

	mu    sync.Mutex
	conn  io.ReadWriteCloser // the upgraded connection; nil until open
	cause endCause
	recv  *endCause   // the server's close frame, as a clean end; nil until it came
	timer *time.Timer // the closing handshake's: 60 s for the server's answer, then 2 s for the end of TCP

	// The write side: every frame goes out through writeFrame, under wmu.
	wmu       sync.Mutex
	wr        *wire.Writer
	closeSent bool             // a close frame is out: no frame follows it
	wb        *writeBehindConn // the write-behind connection
	out       io.Writer        // where frames are written: conn over wb, or wb over conn

	rd        *wire.Reader  // used by the reading goroutine only
	smallEv   *MessageEvent // the event alloc made with the last message's bytes
	smallBlob *Blob
	keepalive keepalive // Options.PingInterval's pings (native_keepalive.go)
}

// endCause is why the connection ended: the close event's values, and a failure's Err.
type endCause struct {
	set    bool
	code   int
	reason string
	clean  bool
	err    error
}

// Chromium's closing handshake timers (websocket_channel.cc): how long the client
// waits for the server's close frame after sending its own (then 1006), and, once
// both have passed, for the server to end TCP (then it does, and the close is clean).
var closingHandshakeTimeout, underlyingCloseTimeout = 60 * time.Second, 2 * time.Second

func newTransport(s *WebSocket) (transport, error) {
	ctx, cancel := context.WithCancel(context.Background())
	return &nativeTransport{ws: s, ctx: ctx, cancel: cancel}, nil
}

func (t *nativeTransport) start() { go t.run() }

// end records c as why the connection ended, unless a cause is recorded; it
// reports whether c was recorded.
func (t *nativeTransport) end(c endCause) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cause.set {
		return false
	}
	c.set = true
	t.cause = c
	return true
}

// closeConn ends the TCP connection (the reader sees it and finishes).
func (t *nativeTransport) closeConn() {
	t.mu.Lock()
	conn := t.conn
	t.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// abort fails the connection at once, with err, sending no close frame.
func (t *nativeTransport) abort(err error) {
	t.end(endCause{code: 1006, err: err})
	t.cancel()
	t.closeConn()
}

func (t *nativeTransport) run() {
	u, err := t.dial()
	t.cancel()
	if err != nil {
		t.end(endCause{code: 1006, err: err})
		t.report()
		return
	}
	limit := cmp.Or(t.ws.opts.MaxMessageSize, DefaultMaxMessageSize) // negative: none (the reader's 0)
	t.rd = wire.NewReader(u.conn, wire.ReaderConfig{Deflate: u.deflate.on, ServerNoContextTakeover: u.deflate.serverNoTakeover,
		MaxMessageSize: max(limit, 0), Alloc: t.alloc})
	t.wr = wire.NewWriter(wire.WriterConfig{Deflate: u.deflate.on, NoContextTakeover: u.deflate.clientNoTakeover,
		WindowBits: u.deflate.clientWindowBits, Threshold: flateThreshold})
	if t.wb == nil {
		// A user's HTTPClient: the package does not see the network connection,
		// so every write goes through the write-behind's flusher.
		t.wb = newWriteBehind(u.conn)
		t.out = t.wb
		u.conn = struct { // closing flushes first
			io.Reader
			io.Writer
			io.Closer
		}{u.conn, t.wb, t.wb}
	} else {
		t.out = u.conn // through TLS, if any, to the write-behind below it
	}
	t.mu.Lock()
	t.conn = u.conn
	aborted := t.cause.set
	t.mu.Unlock()
	if aborted {
		t.closeConn()
		t.report()
		return
	}
	t.wb.enable(t.ws.sent)
	t.ws.guard.handOver = func() { go t.readLoop(nil) }
	t.ws.guard.watch()
	t.startKeepalive()
	// The reader is a goroutine of its own, so that the stack the handshake grew
	// goes away with this one instead of staying with every open socket.
	go t.readLoop(&item{kind: itemOpen, protocol: u.protocol, extensions: u.extensions})
}

// smallMessage is a small message's event and its bytes in one allocation: a
// message of up to 512 bytes costs one allocation, event included.
type smallMessage[B any] struct {
	ev   MessageEvent
	blob Blob
	buf  B
}

// alloc makes the buffer of a message of n bytes for the reader (which calls it
// at most once per message, for the buffer it returns): a small one shares its
// allocation with the message's event, which messageItem takes.
func (t *nativeTransport) alloc(n int) []byte {
	switch {
	case n <= 64:
		m := &smallMessage[[64]byte]{}
		t.smallEv, t.smallBlob = &m.ev, &m.blob
		return m.buf[:n]
	case n <= 512:
		m := &smallMessage[[512]byte]{}
		t.smallEv, t.smallBlob = &m.ev, &m.blob
		return m.buf[:n]
	}
	t.smallEv, t.smallBlob = nil, nil
	return make([]byte, n)
}

// messageItem is the item of a data message, with the event alloc made for it.
func (t *nativeTransport) messageItem(m wire.Message) item {
	it := item{kind: itemMessage, text: m.Op == wire.OpText, data: m.Data, ev: t.smallEv, blob: t.smallBlob}
	t.smallEv, t.smallBlob = nil, nil
	return it
}

// readLoop is a reading goroutine: it delivers first (the open), then reads until
// the connection ends, unless reading is handed over to another goroutine while a
// listener runs on this one (takeover.go).
func (t *nativeTransport) readLoop(first *item) {
	if first != nil && !t.ws.deliver(*first) {
		return
	}
	for {
		m, err := t.rd.Next()
		if err != nil {
			t.readEnded(err)
			t.finish()
			return
		}
		switch m.Op {
		case wire.OpText, wire.OpBinary:
			if !t.ws.deliver(t.messageItem(m)) {
				return // handed over
			}
		case wire.OpPing:
			t.writeFrame(wire.OpPong, m.Data, 0, "")
		case wire.OpPong:
			t.keepalive.pong()
		case wire.OpClose:
			if !t.closeReceived(m.Code, m.Reason) {
				return // handed over
			}
		}
	}
}

// closeReceived handles the server's close frame as Chromium does: the socket
// becomes CLOSING (in order, after the messages before it), the client answers
// with the same code and reason behind what it has queued (unless its own close
// frame is out), and waits underlyingCloseTimeout for the server to end TCP. It
// reports whether the caller is still the reader (see deliver).
func (t *nativeTransport) closeReceived(code int, reason string) bool {
	t.mu.Lock()
	t.recv = &endCause{code: code, reason: reason, clean: true}
	t.mu.Unlock()
	m := outgoing{close: true, code: code, reason: reason}
	if t.ws.sendq.turnOrQueue(m) {
		t.writeNow(m)
	}
	t.armTimer(underlyingCloseTimeout, false)
	return t.ws.deliver(item{kind: itemClosing})
}

// armTimer (re)sets the closing handshake's timer, unless unlessRecv and the server's
// close frame came: when it fires, the client ends the connection itself, cleanly
// with the server's close frame when it has one (Chromium's CloseTimeout), else 1006.
func (t *nativeTransport) armTimer(d time.Duration, unlessRecv bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if unlessRecv && t.recv != nil {
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timer = time.AfterFunc(d, func() {
		t.end(t.recvOr(endCause{code: 1006}))
		t.closeConn()
	})
}

// readEnded turns why the reader stopped into the end cause, unless one is
// recorded already (an abort, a timer or a ping timeout closed the connection).
func (t *nativeTransport) readEnded(err error) {
	var pe *wire.ProtocolError
	if errors.As(err, &pe) {
		t.failConn(pe)
		return
	}
	// After the server's close frame, the end of TCP completes the closing
	// handshake; a reset does not make it clean (Chromium's OnReadDone).
	c := t.recvOr(endCause{code: 1006})
	c.clean = c.clean && !isReset(err)
	t.end(c)
}

// recvOr returns the end cause the server's close frame gives, or c before it.
func (t *nativeTransport) recvOr(c endCause) endCause {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.recv != nil {
		return *t.recv
	}
	return c
}

// failConn fails the connection for a rule the server broke, as Chromium's
// FailChannel: its close frame (unless one is out already), the end of TCP at
// once, then "error" and "close" 1006.
func (t *nativeTransport) failConn(pe *wire.ProtocolError) {
	var err error = pe
	switch pe {
	case wire.ErrInvalidUTF8:
		err = ErrInvalidUTF8 // the package's own sentinel, which the error event has always carried
	case wire.ErrFrameTooBig:
		err = nil // Chromium drops the connection: "close" 1006 with no "error" (and no close frame)
	}
	if !t.end(endCause{code: 1006, err: err}) {
		return
	}
	t.ws.sendq.stop()
	if pe.Code != 0 {
		t.writeFrame(wire.OpClose, nil, pe.Code, pe.Reason)
	}
	t.closeConn()
}

// finish ends everything the connection holds and reports closed with the end
// cause.
func (t *nativeTransport) finish() {
	t.closeConn()
	t.keepalive.stop()
	t.ws.guard.unwatch()
	t.ws.sendq.stop()
	t.ws.sendq.wait() // no writer runs any more: none arms the timer or uses wr
	t.mu.Lock()
	if t.timer != nil {
		t.timer.Stop()
	}
	t.mu.Unlock()
	t.wmu.Lock()
	t.wr.Release()
	t.closeSent = true // nothing is written any more (a keepalive tick may come late)
	t.wmu.Unlock()
	t.wb.wait() // the flusher ends once its connection is closed
	t.report()
}

// report reports closed with the end cause.
func (t *nativeTransport) report() {
	t.mu.Lock()
	c := t.cause
	t.mu.Unlock()
	t.ws.closed(c.code, c.reason, c.clean, c.err)
}

// send takes the send turn for m, for the caller to write it (writeNow), or
// queues m for whoever holds the turn (sendQueue).
func (t *nativeTransport) send(m outgoing) bool { return t.ws.sendq.turnOrQueue(m) }

// writeNow writes m, then what queued behind it meanwhile, and gives up the turn.
func (t *nativeTransport) writeNow(m outgoing) {
	for ok := true; ok; m, ok = t.ws.sendq.next() {
		t.writeMessage(m)
	}
}

// writeMessage writes one message or close request.
func (t *nativeTransport) writeMessage(m outgoing) {
	if m.close {
		if t.writeFrame(wire.OpClose, nil, m.code, m.reason) {
			t.rd.IgnoreData() // as Chromium's channel, once its close frame is out
			t.keepalive.stop()
			t.armTimer(closingHandshakeTimeout, true)
		}
		return
	}
	op := wire.OpBinary
	if m.text {
		op = wire.OpText
	}
	n := len(m.data)
	ok := t.writeFrame(op, m.data, 0, "")
	releaseSendBuf(m)
	if ok && t.wb.sentAfter(n) {
		t.ws.sent(n)
	}
}

// writeFrame writes one frame — a message or ping or pong (payload), or a close
// frame (code and reason) — built in a pooled buffer, in one Write, under wmu. It
// reports whether the frame went out: nothing follows a close frame (RFC 6455
// §5.5.1).
func (t *nativeTransport) writeFrame(op wire.Opcode, payload []byte, code int, reason string) bool {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if t.closeSent {
		return false
	}
	buf := getSendBuf(wire.MaxFrameSize(len(payload)) + 125)
	var frame []byte
	var err error
	if op == wire.OpClose {
		t.closeSent = true
		frame, err = t.wr.AppendClose(buf, code, reason)
	} else {
		frame, err = t.wr.AppendFrame(buf, op, payload)
	}
	if err == nil {
		_, err = t.out.Write(frame)
	}
	putSendBuf(buf)
	if err != nil { // as Chromium's OnWriteDone: the connection is dropped, no "error"
		t.end(endCause{code: 1006})
		t.closeConn()
	}
	return err == nil
}

// pending is 0: the write-behind reports each message's last byte leaving.
func (t *nativeTransport) pending() uint64 { return 0 }

// dial makes the opening handshake, under the one-per-endpoint lock.
func (t *nativeTransport) dial() (u upgraded, err error) {
	defer func() { err = nameURL(t.ws.url.href, err) }()
	if err := checkPort(t.ws.url.origin); err != nil {
		return u, err
	}
	o, ctx := &t.ws.opts, t.ctx
	if timeout := cmp.Or(o.HandshakeTimeout, DefaultHandshakeTimeout); timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	slot := &handshakeSlot{ctx: ctx}
	defer slot.release()
	client, own := httpClient(o.HTTPClient, slot)
	if err := slot.lock(ctx, t.ws.url.href, own != nil); err != nil {
		return u, err
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
			t.wmu.Lock()
			t.wb = wb
			t.wmu.Unlock()
			return wb, nil
		}
		// Connections of a failed handshake would otherwise idle in the pool.
		defer own.CloseIdleConnections()
	}
	return handshake(ctx, client, t.ws.url.href, o)
}

// httpClient returns the client for the handshake: the user's, or one of the
// socket's own (returned as own, to be cleaned up) that dials through slot,
// never following redirects.
func httpClient(user *http.Client, slot *handshakeSlot) (c *http.Client, own *http.Transport) {
	noRedirects := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
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

// isReset reports whether err is a reset of the connection rather than its
// orderly end.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}
