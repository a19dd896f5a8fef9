package reconnecting

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/internal/listeners"
)

// WebSocket is a WebSocket that reconnects: the methods and events of
// *websocket.WebSocket, over a succession of connections. All its methods are safe
// to call from any goroutine, including from its own listeners.
type WebSocket struct {
	url       string // as given to New
	o         Options
	s         settings
	listeners registry

	// The setup window, as package websocket's: listeners set right after New
	// see the first events.
	setup listeners.SetupWindow

	// sendMu orders Send with the flush of the queue into a new connection, so
	// that queued messages go first. It is never taken by the connections'
	// listeners except the open one, and never while holding mu.
	sendMu sync.Mutex
	queue  []any                // messages sent while not OPEN (guarded by sendMu)
	queued atomic.Uint64        // their bytes, for BufferedAmount
	direct *websocket.WebSocket // the open connection Send writes to, or nil (guarded by mu)

	mu         sync.Mutex
	conn       *websocket.WebSocket // the current connection, nil between two
	lastURL    string
	binaryType websocket.BinaryType
	retry      int  // reconnecting-websocket's _retryCount: -1 before the first attempt
	idle       bool // StartClosed, and Reconnect not called yet
	closed     bool // Close was called
	finished   bool // the loop has ended

	kick   chan struct{} // Reconnect asks the loop to connect again now
	stop   chan struct{} // closed by Close
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a WebSocket that connects to url at once, as websocket.New does,
// and connects again after every close, waiting a growing back-off between
// attempts, until Close is called, MaxRetries attempts in a row have failed or
// ShouldReconnect says no. A nil o means the defaults.
//
// URL and protocol errors are those of websocket.NewWithOptions (ErrSyntax …),
// returned by New. Under StartClosed or with a URLProvider, no connection is made
// in New, so such errors come with the first attempt instead: from url or the
// protocols, they end the socket ("error", "close" 1006, Done); from the
// provider's URL, they are a failed attempt.
//
// As with websocket.New, listeners set right after New see the first events.
func New(url string, o *Options) (*WebSocket, error) {
	if o == nil {
		o = &Options{}
	}
	s, err := settle(o)
	if err != nil {
		return nil, err
	}
	rws := &WebSocket{
		url: url, o: *o, s: s, lastURL: url,
		binaryType: websocket.BinaryTypeBlob,
		retry:      -1,
		idle:       o.StartClosed,
		kick:       make(chan struct{}, 1),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
	rws.o.Protocols = append([]string(nil), o.Protocols...)
	rws.ctx, rws.cancel = context.WithCancel(context.Background())
	rws.OnOpen(o.OnOpen)
	rws.OnMessage(o.OnMessage)
	rws.OnError(o.OnError)
	rws.OnClose(o.OnClose)
	rws.setup.Start(setupWindow)
	var first *attempt
	if !o.StartClosed && o.URLProvider == nil {
		// The first connection is made here, so that its errors are New's.
		rws.retry = 0
		if first, err = rws.connect(url); err != nil {
			rws.cancel()
			return nil, err
		}
	}
	go rws.run(first)
	return rws, nil
}

// URL returns the URL of the current connection, or of the last one, as the
// browser serializes it; before the first connection, the url given to New.
func (rws *WebSocket) URL() string {
	rws.mu.Lock()
	defer rws.mu.Unlock()
	return rws.lastURL
}

// Protocol returns the subprotocol the current connection's server selected, ""
// between connections.
func (rws *WebSocket) Protocol() string {
	if c := rws.current(); c != nil {
		return c.Protocol()
	}
	return ""
}

// Extensions returns the extensions the current connection's server accepted, ""
// between connections.
func (rws *WebSocket) Extensions() string {
	if c := rws.current(); c != nil {
		return c.Extensions()
	}
	return ""
}

func (rws *WebSocket) current() *websocket.WebSocket {
	rws.mu.Lock()
	defer rws.mu.Unlock()
	return rws.conn
}

// ReadyState returns the state of the current connection: CONNECTING, OPEN,
// CLOSING, or CLOSED while its "close" event is dispatched. Between two
// connections (the back-off, the URLProvider) it is CONNECTING, since the socket
// is on its way to the next one; reconnecting-websocket reports CLOSED there,
// but here CLOSED outside a close event means for good: after Close, once Done
// is closed, or under StartClosed before Reconnect.
func (rws *WebSocket) ReadyState() websocket.ReadyState {
	rws.mu.Lock()
	defer rws.mu.Unlock()
	switch {
	case rws.finished:
		return websocket.Closed
	case rws.conn != nil:
		return rws.conn.ReadyState()
	case rws.closed || rws.idle:
		return websocket.Closed
	}
	return websocket.Connecting
}

// BufferedAmount returns the bytes of the messages queued while not OPEN plus
// the current connection's BufferedAmount.
func (rws *WebSocket) BufferedAmount() uint64 {
	n := rws.queued.Load()
	if c := rws.current(); c != nil {
		n += c.BufferedAmount()
	}
	return n
}

// BinaryType returns how binary messages are delivered; BinaryTypeBlob by default.
func (rws *WebSocket) BinaryType() websocket.BinaryType {
	rws.mu.Lock()
	defer rws.mu.Unlock()
	return rws.binaryType
}

// SetBinaryType sets how binary messages are delivered, for the current
// connection and every later one. A value other than BinaryTypeBlob and
// BinaryTypeArrayBuffer is ignored, as in JavaScript.
func (rws *WebSocket) SetBinaryType(t websocket.BinaryType) {
	if t != websocket.BinaryTypeBlob && t != websocket.BinaryTypeArrayBuffer {
		return
	}
	rws.mu.Lock()
	rws.binaryType = t
	c := rws.conn
	rws.mu.Unlock()
	if c != nil {
		c.SetBinaryType(t)
	}
}

// RetryCount returns reconnecting-websocket's retryCount: the number of the
// current attempt since the last connection that stayed open MinUptime. It is 0
// for the first connection and after Reconnect, 1 for the first reconnection
// attempt, and grows by one per attempt; it goes back to 0 once a connection has
// been open for MinUptime.
func (rws *WebSocket) RetryCount() int {
	rws.mu.Lock()
	defer rws.mu.Unlock()
	return max(rws.retry, 0)
}

// Done returns a channel closed once the socket has stopped for good — after
// Close, when MaxRetries attempts in a row have failed, or when ShouldReconnect
// returned false — and the last "close" event, if any, has been dispatched. By
// then the socket and its connections hold no goroutine or timer. Calling Done
// also ends the setup window (see New).
func (rws *WebSocket) Done() <-chan struct{} {
	rws.endSetup()
	return rws.done
}

func (rws *WebSocket) endSetup() { rws.setup.End() }

// OnOpen sets the onopen handler, called for every connection's "open"; nil
// removes it.
func (rws *WebSocket) OnOpen(fn func(*websocket.Event)) {
	rws.listeners.SetAttr(0, websocket.TypeOpen, websocket.OpenListener(fn), fn != nil)
}

// OnMessage sets the onmessage handler; nil removes it.
func (rws *WebSocket) OnMessage(fn func(*websocket.MessageEvent)) {
	rws.listeners.SetAttr(1, websocket.TypeMessage, websocket.MessageListener(fn), fn != nil)
}

// OnError sets the onerror handler; nil removes it.
func (rws *WebSocket) OnError(fn func(*websocket.Event)) {
	rws.listeners.SetAttr(2, websocket.TypeError, websocket.ErrorListener(fn), fn != nil)
}

// OnClose sets the onclose handler, called each time a connection ends; nil
// removes it.
func (rws *WebSocket) OnClose(fn func(*websocket.CloseEvent)) {
	rws.listeners.SetAttr(3, websocket.TypeClose, websocket.CloseListener(fn), fn != nil)
}

// AddEventListener adds l after the listeners of its type already there, as
// websocket.WebSocket.AddEventListener does; it stays across reconnections. The
// Registration removes it again. A nil l adds nothing and returns nil.
func (rws *WebSocket) AddEventListener(l websocket.EventListener, opts ...websocket.ListenerOptions) *Registration {
	if l == nil {
		return nil
	}
	once := false
	for _, o := range opts {
		once = once || o.Once
	}
	return &Registration{rws.listeners.Add(l.EventType(), l, once)}
}

// RemoveEventListener removes a listener added by AddEventListener; removing it
// twice, or nil, does nothing.
func (rws *WebSocket) RemoveEventListener(r *Registration) {
	if r != nil {
		rws.listeners.Remove(r.e)
	}
}

// Send sends data (a string, []byte or *websocket.Blob, as websocket's Send) on
// the open connection, or, while the socket is not OPEN, queues it: the queue is
// sent, in order, as soon as the next connection opens, before its "open" event.
// A queue already holding MaxEnqueuedMessages drops the new message and Send
// returns ErrQueueFull. A []byte is copied. After Close nothing is sent, as with
// a closed browser socket, and Send returns nil.
//
// Delivery is not guaranteed: a message handed to a connection that then breaks
// is lost with it, as with reconnecting-websocket. Use acknowledgements where
// that matters.
func (rws *WebSocket) Send(data any) error {
	var n int
	switch d := data.(type) {
	case string:
		n = len(d)
	case []byte:
		n = len(d)
	case *websocket.Blob:
		if d == nil {
			return websocket.ErrUnsupportedData
		}
		n = d.Size()
	default:
		return websocket.ErrUnsupportedData
	}
	rws.sendMu.Lock()
	defer rws.sendMu.Unlock()
	rws.mu.Lock()
	c, over := rws.direct, rws.closed || rws.finished
	rws.mu.Unlock()
	switch {
	case over:
		return nil
	case c != nil:
		return c.Send(data)
	case rws.s.maxQueued > 0 && len(rws.queue) >= rws.s.maxQueued:
		return ErrQueueFull
	}
	if b, ok := data.([]byte); ok {
		data = append([]byte{}, b...)
	}
	rws.queue = append(rws.queue, data)
	rws.queued.Add(uint64(n))
	return nil
}

// Close closes the current connection, like websocket's Close, and stops
// reconnecting for good: during a back-off or while StartClosed waits, at once;
// during an attempt, the attempt fails ("error", "close" 1006); while OPEN, after
// the closing handshake. Done is closed after that last "close" event. Messages
// still queued are dropped.
func (rws *WebSocket) Close() error {
	rws.closeWith(func(c *websocket.WebSocket) error { return c.Close() })
	return nil
}

// CloseWithCode is Close with a status code and reason, checked as websocket's
// CloseWithCode checks them (ErrInvalidAccess, ErrSyntax), even when there is no
// connection to send them on.
func (rws *WebSocket) CloseWithCode(code int, reason string) error {
	if err := checkClose(code, reason); err != nil {
		return err
	}
	rws.closeWith(func(c *websocket.WebSocket) error { return c.CloseWithCode(code, reason) })
	return nil
}

func (rws *WebSocket) closeWith(closeConn func(*websocket.WebSocket) error) {
	rws.mu.Lock()
	if rws.closed {
		rws.mu.Unlock()
		return
	}
	rws.closed = true
	c := rws.conn
	rws.mu.Unlock()
	close(rws.stop)
	rws.cancel()
	if c != nil {
		closeConn(c)
	}
}

// Reconnect closes the current connection, if any, and connects again at once,
// with RetryCount back at 0, like reconnecting-websocket's reconnect(). Under
// StartClosed it makes the first connection. After Close, or once Done is
// closed, it does nothing.
func (rws *WebSocket) Reconnect() {
	rws.mu.Lock()
	if rws.closed || rws.finished {
		rws.mu.Unlock()
		return
	}
	rws.retry, rws.idle = -1, false
	rws.mu.Unlock()
	select {
	case rws.kick <- struct{}{}:
	default: // already asked
	}
}
