//go:build !js

package websockettest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// CloseTimeout bounds how long Conn.Close waits for the client's close frame.
const CloseTimeout = 10 * time.Second

// maxMessageSize is the largest message the server takes from a client.
const maxMessageSize = 1 << 30

// MessageType is the kind of a message: Text or Binary.
type MessageType int

// The message types, numbered as their opcodes.
const (
	Text   MessageType = 1
	Binary MessageType = 2
)

// String returns "text" or "binary".
func (t MessageType) String() string {
	switch t {
	case Text:
		return "text"
	case Binary:
		return "binary"
	}
	return "MessageType(" + strconv.Itoa(int(t)) + ")"
}

// Message is one message the client sent, its fragments joined and, when
// permessage-deflate was answered, inflated.
type Message struct {
	Type MessageType
	Data []byte
	// Compressed reports whether the client sent the message compressed
	// (RSV1 set on its first frame).
	Compressed bool
}

// String shows the message for a test's failure output: text "hello", or
// binary [1 2 3].
func (m Message) String() string {
	if m.Type == Text {
		return "text " + strconv.Quote(string(m.Data))
	}
	return fmt.Sprintf("%v %v", m.Type, m.Data)
}

// CloseError tells how a connection ended. Read returns it once the messages
// the client sent before the end have been read; WaitClosed returns it too.
type CloseError struct {
	// Code is the status code of the client's close frame, 1005 when its
	// close frame had none, or 1006 when no close frame came.
	Code int
	// Reason is the reason of the client's close frame.
	Reason string
	// Err, when no close frame came (Code 1006), is why: the client closed
	// TCP (io.EOF) or reset it, the client broke the protocol, or the test
	// or the server ended the connection (Drop, Reset, Server.Close).
	Err error
}

// Error says how the connection ended.
func (e *CloseError) Error() string {
	switch {
	case e.Code == 1006:
		return fmt.Sprintf("websockettest: the connection ended without a close frame from the client (1006): %v", e.Err)
	case e.Code == 1005:
		return "websockettest: the client closed the connection with a close frame without a code (1005)"
	}
	return fmt.Sprintf("websockettest: the client closed the connection with %d %q", e.Code, e.Reason)
}

// Unwrap returns Err.
func (e *CloseError) Unwrap() error { return e.Err }

// ProtocolError is CloseError.Err when the client broke RFC 6455 (an unmasked
// frame, a reserved bit, invalid UTF-8 in a text message …): the server then
// sent a close frame with Code and ended the connection.
type ProtocolError struct {
	Code int // 1002, 1007 or 1009
	Msg  string
}

// Error says which rule the client broke.
func (e *ProtocolError) Error() string { return "the client broke the protocol: " + e.Msg }

var (
	errDropped       = errors.New("the test dropped the connection (Drop)")
	errReset         = errors.New("the test reset the connection (Reset)")
	errServerClosed  = errors.New("the server closed (Server.Close)")
	errHandshakeDone = errors.New("the closing handshake completed")
	errCloseTimeout  = errors.New("no close frame from the client within CloseTimeout of the server's (Close)")
)

// Conn is the server side of one WebSocket connection. The server reads the
// client's frames on a goroutine of its own from the moment the handshake
// completes: it queues messages for Read, answers pings, and completes the
// closing handshake (it answers the client's close frame with the same code
// and reason, then closes TCP; Handshake.NoCloseReply leaves that to the
// test). Writes are the test's. All methods are safe to call from any
// goroutine; writes are made one at a time.
type Conn struct {
	srv    *Server
	nc     net.Conn
	req    *http.Request
	ans    answer
	pmd    deflateParams // what ans says of permessage-deflate
	br     *bufio.Reader
	killed chan struct{} // closed when the connection is being ended by the server's side
	done   chan struct{} // closed when the reading goroutine has finished and TCP is closed

	wmu       sync.Mutex // one write at a time
	sentClose bool       // under wmu
	deflater  *deflater  // under wmu; nil until a message is sent compressed

	mu      sync.Mutex
	changed chan struct{}
	queue   []Message
	read    int         // messages Read has returned
	stopped bool        // StopReading
	pings   int         // pings and pongs since the last message, for Read's errors
	partial int         // frames of the message being received
	endedBy error       // why the server's side ended the connection
	ended   *CloseError // set when done is closed
	closed  *CloseError // the client's close frame, when Handshake.NoCloseReply leaves it unanswered
	counts  [16]int     // the client's frames by opcode, up to its close frame
	waiters []pongWaiter
}

type pongWaiter struct {
	payload string
	ch      chan struct{}
}

func newConn(s *Server, nc net.Conn, buffered *bufio.Reader, r *http.Request, a answer) *Conn {
	c := &Conn{srv: s, nc: nc, req: r, ans: a, pmd: parseDeflate(a.extensions), killed: make(chan struct{}), done: make(chan struct{}), changed: make(chan struct{})}
	var src io.Reader = nc
	if n := buffered.Buffered(); n > 0 {
		pre, _ := buffered.Peek(n)
		src = io.MultiReader(bytes.NewReader(bytes.Clone(pre)), nc)
	}
	c.br = bufio.NewReader(gate{c, src})
	return c
}

// Request returns the client's opening handshake request: its URL path and
// query, Origin, cookies, offered protocols (Sec-WebSocket-Protocol) and
// extensions (Sec-WebSocket-Extensions). Its body and context are not usable.
func (c *Conn) Request() *http.Request { return c.req }

// Protocol returns the subprotocol the server answered, or "".
func (c *Conn) Protocol() string { return c.ans.protocol }

// Extensions returns the Sec-WebSocket-Extensions the server answered, or "".
func (c *Conn) Extensions() string { return c.ans.extensions }

// broadcast wakes the goroutines waiting for a change; c.mu is held.
func (c *Conn) broadcast() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Read returns the next message the client sent, waiting for one until ctx
// ends. Once the connection has ended and its messages have been read, it
// returns a *CloseError; so it does as soon as the client's close frame has
// come when Handshake.NoCloseReply leaves it unanswered. When ctx ends first,
// the error wraps ctx's error and says what the connection was doing instead.
func (c *Conn) Read(ctx context.Context) (Message, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			m := c.queue[0]
			c.queue[0] = Message{}
			c.queue = c.queue[1:]
			c.read++
			c.mu.Unlock()
			return m, nil
		}
		if ce := cmp.Or(c.closed, c.ended); ce != nil {
			c.mu.Unlock()
			return Message{}, ce
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("websockettest: Read: no message before the context ended (%w); %s", context.Cause(ctx), c.describe())
		}
	}
}

// describe says what an open connection has been doing, for Read's errors.
func (c *Conn) describe() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended != nil {
		return "meanwhile the connection ended: " + c.ended.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the connection is still open, %d message(s) read before", c.read)
	if c.pings > 0 {
		fmt.Fprintf(&b, ", %d ping(s) or pong(s) from the client since the last message", c.pings)
	}
	if c.partial > 0 {
		fmt.Fprintf(&b, ", %d frame(s) of a message whose last frame has not come", c.partial)
	}
	if c.stopped {
		b.WriteString(", and reading is stopped (StopReading)")
	}
	return b.String()
}

// WaitClosed waits until the connection has ended and returns how, or ctx's
// error if it ends first.
func (c *Conn) WaitClosed(ctx context.Context) (*CloseError, error) {
	select {
	case <-c.done:
		return c.ended, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("websockettest: WaitClosed: the connection was still open when the context ended (%w); %s", context.Cause(ctx), c.describe())
	}
}

// Done returns a channel closed when the connection has ended: the reading
// goroutine has finished and TCP is closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// SendText sends a text message in one frame. s is sent as it is, valid UTF-8
// or not. When the handshake's answer named permessage-deflate, the message
// goes compressed (RSV1), as a real server's would, unless it is shorter than
// Handshake.CompressThreshold: see Handshake.Extensions. Once the server has
// sent a close frame (Close, the answer to the client's close frame, or
// WriteFrame), SendText fails and sends nothing, as a real server does;
// WriteFrame still writes whatever the test asks.
func (c *Conn) SendText(s string) error { return c.send(OpText, []byte(s)) }

// SendBinary sends a binary message in one frame, compressed as SendText's.
func (c *Conn) SendBinary(b []byte) error { return c.send(OpBinary, b) }

// send writes a message in one frame, compressed when permessage-deflate was
// answered.
func (c *Conn) send(op byte, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.sentClose {
		return errors.New("websockettest: sending a message after the server's close frame")
	}
	f := Frame{Fin: true, Opcode: op, Payload: p}
	if c.pmd.on && len(p) >= c.ans.compressThreshold {
		if c.deflater == nil {
			c.deflater = &deflater{params: c.pmd}
		}
		f.RSV1, f.Payload = true, c.deflater.deflate(p)
	}
	return c.writeLocked(f.Bytes(), nil)
}

// Ping sends a ping with payload (at most 125 bytes for a well-formed one)
// and waits until ctx ends for a pong with the same payload.
func (c *Conn) Ping(ctx context.Context, payload []byte) error {
	w := pongWaiter{payload: string(payload), ch: make(chan struct{})}
	c.mu.Lock()
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		for i, o := range c.waiters {
			if o.ch == w.ch {
				c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
	}()
	if err := c.WriteFrame(Frame{Fin: true, Opcode: OpPing, Payload: payload}); err != nil {
		return err
	}
	select {
	case <-w.ch:
		return nil
	case <-c.done:
		return fmt.Errorf("websockettest: Ping: no pong before the end of the connection: %w", c.ended)
	case <-ctx.Done():
		return fmt.Errorf("websockettest: Ping: no pong before the context ended (%w); %s", context.Cause(ctx), c.describe())
	}
}

// Close starts the closing handshake: it resumes reading if it was stopped,
// sends a close frame with code and reason (code 1005 sends a close frame
// without a code, any other code is sent as it is), waits up to CloseTimeout
// for the client's close frame, and closes TCP. After a client's close frame
// that Handshake.NoCloseReply left unanswered, the close frame is the answer:
// Close closes TCP at once. It returns nil when the client sent a close frame,
// else how the connection ended.
func (c *Conn) Close(code int, reason string) error {
	select {
	case <-c.done:
		return fmt.Errorf("websockettest: Close: the connection had already ended: %w", c.ended)
	default:
	}
	c.ResumeReading()
	if err := c.WriteFrame(Frame{Fin: true, Opcode: OpClose, Payload: closePayload(code, reason)}); err != nil {
		return err
	}
	c.mu.Lock()
	answered := c.closed != nil // the client's close frame came first (NoCloseReply)
	c.mu.Unlock()
	if answered {
		c.end(errHandshakeDone)
	}
	timer := time.NewTimer(CloseTimeout)
	defer timer.Stop()
	select {
	case <-c.done:
	case <-timer.C:
		c.end(errCloseTimeout)
		<-c.done
	}
	if c.ended.Code == 1006 {
		return c.ended
	}
	return nil
}

// Drop ends the connection the way a crashed server or a lost network does:
// TCP closes at once, without a close frame. The client's close event says
// 1006, not clean.
func (c *Conn) Drop() { c.end(errDropped) }

// Reset ends the connection with a TCP reset (RST, by SO_LINGER 0) instead of
// a FIN, without a close frame.
func (c *Conn) Reset() { c.end(errReset) }

// CloseWrite ends the server's side of TCP (a FIN; over TLS, without
// close_notify) without a close frame, and goes on reading: the client sees
// its stream end while it may still write, as from a server that shut down
// its writing side. Later writes fail. The connection ends when the client
// closes TCP, or by Drop or Reset.
func (c *Conn) CloseWrite() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	tcp := c.nc
	if u, ok := tcp.(interface{ NetConn() net.Conn }); ok {
		tcp = u.NetConn()
	}
	cw, ok := tcp.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("websockettest: CloseWrite: a %T cannot close only its writing side", tcp)
	}
	if err := cw.CloseWrite(); err != nil {
		return fmt.Errorf("websockettest: CloseWrite: %w", err)
	}
	return nil
}

// FrameCounts returns how many frames of each opcode (the index: OpText,
// OpPing, OpContinuation …) the client has sent so far, up to and including
// its close frame: each frame of a fragmented message counts, and so does
// every ping and pong.
func (c *Conn) FrameCounts() [16]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts
}

// StopReading makes the server stop acting on the client's bytes after those
// it has already taken in, as a slow server does (at most one read of the
// connection more, which then waits too): the kernel's buffers fill and the
// client's writes back up, so its BufferedAmount grows. Pings and close
// frames go unanswered meanwhile. ResumeReading undoes it.
func (c *Conn) StopReading() {
	c.mu.Lock()
	c.stopped = true
	c.broadcast()
	c.mu.Unlock()
}

// ResumeReading makes the server read again after StopReading.
func (c *Conn) ResumeReading() {
	c.mu.Lock()
	c.stopped = false
	c.broadcast()
	c.mu.Unlock()
}

// WriteFrame writes f as it is (Frame.Bytes), in pieces if a Split is given
// (at most one). Nothing checks that f makes sense: that is the point.
func (c *Conn) WriteFrame(f Frame, split ...Split) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if f.Opcode == OpClose {
		c.sentClose = true
	}
	return c.writeLocked(f.Bytes(), split)
}

// WriteRaw writes b, any bytes, on the connection, in pieces if a Split is
// given (at most one).
func (c *Conn) WriteRaw(b []byte, split ...Split) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(b, split)
}

func (c *Conn) writeLocked(b []byte, split []Split) error {
	if len(split) > 1 {
		return errors.New("websockettest: at most one Split per write")
	}
	var s Split
	if len(split) == 1 {
		s = split[0]
	}
	start := 0
	for _, at := range append(append([]int(nil), s.At...), len(b)) {
		if at <= start || at > len(b) {
			continue
		}
		if start > 0 && s.Pause > 0 {
			t := time.NewTimer(s.Pause)
			select {
			case <-t.C:
			case <-c.killed:
				t.Stop()
			}
		}
		if _, err := c.nc.Write(b[start:at]); err != nil {
			return fmt.Errorf("websockettest: writing to the client: %w", err)
		}
		start = at
	}
	return nil
}

// end ends the connection from the server's side for why, at once.
func (c *Conn) end(why error) {
	c.mu.Lock()
	first := c.endedBy == nil
	if first {
		c.endedBy = why
		close(c.killed)
		c.broadcast()
	}
	c.mu.Unlock()
	if !first {
		return
	}
	tcp := c.nc
	if u, ok := tcp.(interface{ NetConn() net.Conn }); ok { // TLS: TCP itself, no close_notify
		tcp = u.NetConn()
	}
	if tc, ok := tcp.(*net.TCPConn); ok && why == errReset {
		tc.SetLinger(0)
	}
	tcp.Close()
}

// gate is the reading side of the connection, which waits while reading is
// stopped.
type gate struct {
	c   *Conn
	src io.Reader
}

func (g gate) Read(p []byte) (int, error) {
	g.wait()
	n, err := g.src.Read(p)
	// A read that was under way when StopReading came: its bytes wait too,
	// so that nothing read after StopReading is acted on.
	g.wait()
	return n, err
}

// wait returns when reading is not stopped or the connection is ending.
func (g gate) wait() {
	c := g.c
	c.mu.Lock()
	for c.stopped && c.endedBy == nil {
		ch := c.changed
		c.mu.Unlock()
		<-ch
		c.mu.Lock()
	}
	c.mu.Unlock()
}

// readLoop reads the client's frames until the connection ends, then closes
// TCP and records how it ended.
func (c *Conn) readLoop() {
	ce := c.readFrames()
	c.mu.Lock()
	if ce.Code == 1006 && c.endedBy != nil {
		ce.Err = c.endedBy
	}
	c.mu.Unlock()
	c.end(errHandshakeDone) // the server closes TCP first (RFC 6455 7.1.1)
	c.mu.Lock()
	c.ended = ce
	c.broadcast()
	c.mu.Unlock()
	close(c.done)
	c.srv.forget(c)
}

// fail answers a client that broke the protocol with a close frame and ends
// the connection.
func (c *Conn) fail(code int, format string, args ...any) *CloseError {
	pe := &ProtocolError{Code: code, Msg: fmt.Sprintf(format, args...)}
	c.wmu.Lock()
	if !c.sentClose {
		c.sentClose = true
		c.writeLocked(Frame{Fin: true, Opcode: OpClose, Payload: closePayload(code, "")}.Bytes(), nil)
	}
	c.wmu.Unlock()
	return &CloseError{Code: 1006, Err: pe}
}

// readFrames reads until the client's close frame, an error, or the end of
// the connection.
func (c *Conn) readFrames() *CloseError {
	deflate := c.pmd.on
	inf := inflater{takeover: c.pmd.clientTakeover}
	var (
		msg        []byte
		msgOp      byte
		compressed bool
		inMessage  bool
	)
	for {
		var hdr [2]byte
		if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
			return &CloseError{Code: 1006, Err: err}
		}
		fin, rsv1, op := hdr[0]&0x80 != 0, hdr[0]&0x40 != 0, hdr[0]&0x0f
		if hdr[0]&0x30 != 0 {
			return c.fail(1002, "a frame with RSV2 or RSV3 set")
		}
		if hdr[1]&0x80 == 0 {
			return c.fail(1002, "an unmasked frame (opcode %d)", op)
		}
		n := uint64(hdr[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(c.br, b[:]); err != nil {
				return &CloseError{Code: 1006, Err: err}
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(c.br, b[:]); err != nil {
				return &CloseError{Code: 1006, Err: err}
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		var key [4]byte
		if _, err := io.ReadFull(c.br, key[:]); err != nil {
			return &CloseError{Code: 1006, Err: err}
		}
		control := op >= 8
		switch {
		case op > 2 && op < 8, op > 10:
			return c.fail(1002, "a frame with the unknown opcode %d", op)
		case control && (!fin || n > 125):
			return c.fail(1002, "a control frame (opcode %d) fragmented or longer than 125 bytes", op)
		case rsv1 && (!deflate || control || op == OpContinuation):
			return c.fail(1002, "a frame with RSV1 set (opcode %d) where permessage-deflate does not allow it", op)
		case op == OpContinuation && !inMessage:
			return c.fail(1002, "a continuation frame outside a message")
		case (op == OpText || op == OpBinary) && inMessage:
			return c.fail(1002, "a new message (opcode %d) before the last frame of the previous one", op)
		case !control && (n > maxMessageSize || uint64(len(msg))+n > maxMessageSize):
			return c.fail(1009, "a message of more than %d bytes", maxMessageSize)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(c.br, payload); err != nil {
			return &CloseError{Code: 1006, Err: err}
		}
		for i := range payload {
			payload[i] ^= key[i%4]
		}
		c.mu.Lock()
		c.counts[op]++
		c.mu.Unlock()
		switch op {
		case OpPing:
			c.noteControl()
			c.wmu.Lock()
			if !c.sentClose {
				c.writeLocked(Frame{Fin: true, Opcode: OpPong, Payload: payload}.Bytes(), nil)
			}
			c.wmu.Unlock()
			continue
		case OpPong:
			c.mu.Lock()
			c.pings++
			for _, w := range c.waiters {
				if w.payload == string(payload) {
					select {
					case <-w.ch:
					default:
						close(w.ch)
					}
				}
			}
			c.mu.Unlock()
			continue
		case OpClose:
			ce := &CloseError{Code: 1005}
			switch {
			case len(payload) == 1:
				return c.fail(1002, "a close frame with a 1-byte payload")
			case len(payload) >= 2:
				ce.Code = int(binary.BigEndian.Uint16(payload))
				ce.Reason = string(payload[2:])
			}
			c.wmu.Lock()
			if c.ans.noCloseReply && !c.sentClose {
				c.wmu.Unlock()
				return c.leaveClose(ce)
			}
			if !c.sentClose {
				c.sentClose = true
				var echo []byte
				if ce.Code != 1005 {
					echo = payload
				}
				c.writeLocked(Frame{Fin: true, Opcode: OpClose, Payload: echo}.Bytes(), nil)
			}
			c.wmu.Unlock()
			return ce
		case OpText, OpBinary:
			msgOp, compressed, inMessage = op, rsv1, true
		}
		msg = append(msg, payload...)
		c.mu.Lock()
		c.partial++
		c.mu.Unlock()
		if !fin {
			continue
		}
		data := msg
		msg, inMessage = nil, false
		if compressed {
			var err error
			if data, err = inf.inflate(data); err != nil {
				return c.fail(1002, "a compressed message that does not inflate: %v", err)
			}
		}
		if msgOp == OpText && !utf8.Valid(data) {
			return c.fail(1007, "a text message that is not UTF-8")
		}
		c.mu.Lock()
		c.queue = append(c.queue, Message{Type: MessageType(msgOp), Data: data, Compressed: compressed})
		c.pings, c.partial = 0, 0
		c.broadcast()
		c.mu.Unlock()
	}
}

// leaveClose keeps the connection open after the client's close frame, for
// Handshake.NoCloseReply: Read returns ce at once, and what the client sends
// next is read and ignored until the connection ends.
func (c *Conn) leaveClose(ce *CloseError) *CloseError {
	c.mu.Lock()
	c.closed = ce
	c.broadcast()
	c.mu.Unlock()
	io.Copy(io.Discard, c.br)
	return ce
}

func (c *Conn) noteControl() {
	c.mu.Lock()
	c.pings++
	c.mu.Unlock()
}
