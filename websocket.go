// Package websocket is the browser's WebSocket object in Go.
//
// A *WebSocket behaves like JavaScript's WebSocket: New starts connecting at once
// and returns without waiting; ReadyState goes CONNECTING, OPEN, CLOSING, CLOSED;
// Send queues data and BufferedAmount counts what is not yet on the network; events
// "open", "message", "error" and "close" reach the on* handlers and the listeners
// added with AddEventListener, one at a time and in order, with the values a
// browser gives (Chromium is the reference). JavaScript code ports line by line:
//
//	ws, err := websocket.New("wss://example.com/chat")  // new WebSocket(url)
//	ws.OnOpen(func(e *websocket.Event) { ws.Send("hello") })
//	ws.OnMessage(func(e *websocket.MessageEvent) { fmt.Println(e.Data) })
//	ws.OnClose(func(e *websocket.CloseEvent) { fmt.Println(e.Code, e.Reason, e.WasClean) })
//
// Compiled for GOOS=js GOARCH=wasm the package drives the page's own WebSocket;
// elsewhere it speaks the protocol itself: a byte from the server goes from
// net/http's upgraded connection through internal/wire's Reader (the only
// parser, with Chromium's rules) to readLoop (native.go) and deliver
// (takeover.go), which runs the listeners; Send writes one frame from
// internal/wire's Writer into a connection that never blocks (writebehind.go).
//
// Where Go must differ: methods return errors where JavaScript throws DOMExceptions
// (ErrSyntax, ErrInvalidState, ErrInvalidAccess); Done tells when a socket is
// finished; Options holds what only a Go program can set; error events carry their
// cause in Event.Err.
//
// A socket's listeners run one at a time, in the order of the events, on a
// goroutine of the package's choosing. A listener may call any method and may
// block; while it blocks, that socket's later events wait, and once 64 messages
// wait the socket stops reading from the network. Natively pings are answered
// and the closing handshake completes meanwhile: the goroutine that read a
// message runs its listeners at once when nothing waits, and hands reading over
// to a new one when a listener blocks (takeover.go). Send never waits for the
// network. In WASM the page's WebSocket cannot stop reading: there, the messages
// that arrive while a listener blocks all wait in memory (a flood of 125 MiB
// costs 125 MiB of heap), so a listener that may block for long should hand its
// work to a goroutine of its own.
package websocket

import (
	"github.com/browserws/websocket/internal/listeners"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"
)

// DefaultMaxMessageSize is the largest message a socket accepts when
// Options.MaxMessageSize is 0: 1 GiB. Chromium's only limit is its memory, so
// anything a browser receives in practice (hundreds of MiB) is delivered.
const DefaultMaxMessageSize int64 = 1 << 30

// DefaultHandshakeTimeout bounds the opening handshake when
// Options.HandshakeTimeout is 0.
const DefaultHandshakeTimeout = 60 * time.Second

// transport is what a backend implements under the shared state machine. It
// reports to the socket through opened, message, sent and closed.
type transport interface {
	// start begins connecting, without waiting.
	start()
	// abort fails the connection: it closes it at once and reports closed with err.
	abort(err error)
	// send hands over a message, or the close request, in Send's order, without
	// waiting, under the socket's lock. If it returns true, the caller writes m
	// with writeNow after the lock (its turn is taken: later messages queue
	// behind it). m.data may be the caller's bytes (m.borrowed), valid only
	// until Send returns: a transport that keeps m longer keeps m.owned().
	send(m outgoing) (writeNow bool)
	// writeNow writes a message send gave back to the caller, on the caller's
	// goroutine, without waiting for the network.
	writeNow(m outgoing)
	// pending is what BufferedAmount counts besides ws.buffered (in WASM, the
	// page's own bufferedAmount).
	pending() uint64
}

// WebSocket is a WebSocket connection, with the attributes, methods and events of
// JavaScript's WebSocket. All its methods are safe to call from any goroutine,
// including from its own listeners.
type WebSocket struct {
	url       parsedURL
	protocols []string
	opts      Options

	mu         sync.Mutex
	state      ReadyState
	protocol   string
	extensions string
	binaryType BinaryType

	setup     listeners.SetupWindow // while open, an event waits for its first listener (setupWindow)
	buffered  atomic.Uint64         // Send's bytes still counted by BufferedAmount
	drop      bufferedDrop          // written bytes still counted, and when they are taken off (buffered_drop.go)
	sendq     sendQueue
	events    eventQueue
	guard     readerGuard // the listener takeover (takeover.go)
	listeners registry
	done      chan struct{}
	tr        transport
}

// New opens a WebSocket to url, offering the given subprotocols, like
// JavaScript's new WebSocket(url, protocols). It returns at once; the connection
// is made in the background and "open" or "error" and "close" tell how it went.
//
// The URL must be absolute with scheme ws, wss, http (read as ws) or https (read
// as wss), and have no fragment. Each protocol must be a token and none may repeat.
// Otherwise New returns an error matching ErrSyntax, and nothing is started. In
// WASM the page's own WebSocket constructor applies these rules, so they are the
// page's (a relative URL resolves against the page; Chromium accepts a space in
// a host), and New returns the DOMException it throws as an error of that name:
// ErrSyntax, ErrSecurity (a ws: URL from an https page), or another name.
//
// As in JavaScript, an event with no listener when it is dispatched is dropped,
// and listeners set right after New see every event: for 250 ms after New, or
// until Done is called, an event that finds no listener of its type waits for one
// (a JavaScript page runs no event before the script that made the socket ends).
// Options.OnOpen and the like install handlers before the connection starts.
func New(url string, protocols ...string) (*WebSocket, error) {
	return NewWithOptions(url, &Options{Protocols: protocols})
}

// NewWithOptions is New with Options. A nil o is the same as &Options{}.
func NewWithOptions(url string, o *Options) (*WebSocket, error) {
	if o == nil {
		o = &Options{}
	}
	u, err := checkArgs(url, o)
	if err != nil {
		return nil, err
	}
	ws := &WebSocket{
		url:        u,
		protocols:  append([]string(nil), o.Protocols...),
		opts:       *o,
		binaryType: BinaryTypeBlob,
		done:       make(chan struct{}),
	}
	ws.opts.Protocols = ws.protocols
	ws.events.init(ws.dispatchLoop)
	ws.guard.q = &ws.events
	if ws.tr, err = newTransport(ws); err != nil {
		return nil, err
	}
	ws.OnOpen(o.OnOpen)
	ws.OnMessage(o.OnMessage)
	ws.OnError(o.OnError)
	ws.OnClose(o.OnClose)
	ws.setup.Start(setupWindow)
	ws.tr.start()
	return ws, nil
}

// URL returns the socket's URL as the browser serializes it (JavaScript's ws.url):
// "http://host" reads back as "ws://host/".
func (ws *WebSocket) URL() string { return ws.url.href }

// locked reads *p, a field of ws, under ws.mu.
func locked[T any](ws *WebSocket, p *T) T {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return *p
}

// Protocol returns the subprotocol the server selected, "" before "open" or if none.
func (ws *WebSocket) Protocol() string { return locked(ws, &ws.protocol) }

// Extensions returns the extensions the server accepted (its
// Sec-WebSocket-Extensions header), "" before "open" or if none.
func (ws *WebSocket) Extensions() string { return locked(ws, &ws.extensions) }

// ReadyState returns the state of the connection. It changes to OPEN and to CLOSED
// just before "open" and "close" are dispatched, and to CLOSING when Close is called.
func (ws *WebSocket) ReadyState() ReadyState { return locked(ws, &ws.state) }

// BufferedAmount returns the number of bytes passed to Send that have not yet
// reached the network. As in Chromium, it falls only between tasks: never during
// the Send that queued them, nor while a listener runs (not even for others'
// Sends: a listener must not wait for it to fall), but at the next dispatch, the
// next Send from outside a listener, or within a few milliseconds, so a polling
// goroutine sees it reach 0 (buffered_drop.go). In WASM it is the page's own,
// which falls between the page's tasks (a listener that blocks lets some run).
//
// As in browsers, it keeps growing with every Send made while CLOSING or
// CLOSED, although such data is never sent, and a message dropped unsent when
// the connection closed stays counted.
func (ws *WebSocket) BufferedAmount() uint64 { return ws.buffered.Load() + ws.tr.pending() }

// BinaryType returns how binary messages are delivered; BinaryTypeBlob by default.
func (ws *WebSocket) BinaryType() BinaryType { return locked(ws, &ws.binaryType) }

// SetBinaryType sets how binary messages are delivered from the next dispatched
// message on. As in JavaScript, a value other than BinaryTypeBlob and
// BinaryTypeArrayBuffer is ignored.
func (ws *WebSocket) SetBinaryType(t BinaryType) {
	if t == BinaryTypeBlob || t == BinaryTypeArrayBuffer {
		ws.mu.Lock()
		ws.binaryType = t
		ws.mu.Unlock()
	}
}

// Done returns a channel that is closed once the socket is CLOSED and its "close"
// event has been dispatched. By then the socket holds no goroutine, timer or
// callback. Calling Done also ends the setup window (see New).
func (ws *WebSocket) Done() <-chan struct{} {
	ws.setup.End()
	return ws.done
}

// setupWindow is how long after New an event waits for its first listener (see New).
const setupWindow = 250 * time.Millisecond

// awaitListener waits, within the setup window, for a first listener of typ.
func (ws *WebSocket) awaitListener(typ string) { listeners.Await(&ws.setup, &ws.listeners, typ) }

// setAttr sets the on<type> handler to l, or removes it when set is false.
func (ws *WebSocket) setAttr(l EventListener, set bool) {
	ws.listeners.SetAttr(attrIndex(l.EventType()), l.EventType(), l, set)
}

// OnOpen sets the onopen handler; nil removes it.
func (ws *WebSocket) OnOpen(fn func(*Event)) { ws.setAttr(OpenListener(fn), fn != nil) }

// OnMessage sets the onmessage handler; nil removes it.
func (ws *WebSocket) OnMessage(fn func(*MessageEvent)) { ws.setAttr(MessageListener(fn), fn != nil) }

// OnError sets the onerror handler; nil removes it.
func (ws *WebSocket) OnError(fn func(*Event)) { ws.setAttr(ErrorListener(fn), fn != nil) }

// OnClose sets the onclose handler; nil removes it.
func (ws *WebSocket) OnClose(fn func(*CloseEvent)) { ws.setAttr(CloseListener(fn), fn != nil) }

// AddEventListener adds l to the listeners of its event type, after those already
// there, like JavaScript's addEventListener(type, fn, {once}). The listener type
// says the event type:
//
//	reg := ws.AddEventListener(websocket.MessageListener(func(e *websocket.MessageEvent) { … }))
//	ws.AddEventListener(websocket.CloseListener(fn), websocket.ListenerOptions{Once: true})
//
// The returned Registration removes it again through RemoveEventListener. A nil
// l adds nothing and returns nil.
func (ws *WebSocket) AddEventListener(l EventListener, opts ...ListenerOptions) *Registration {
	if l == nil {
		return nil
	}
	once := false
	for _, o := range opts {
		once = once || o.Once
	}
	return &Registration{ws.listeners.Add(l.EventType(), l, once)}
}

// RemoveEventListener removes a listener added by AddEventListener. Removing it
// twice, or removing nil, does nothing. A listener removed during a dispatch is not
// called for that event any more.
func (ws *WebSocket) RemoveEventListener(r *Registration) {
	if r != nil {
		ws.listeners.Remove(r.e)
	}
}

// Send queues data for sending and returns without waiting for the network, like
// JavaScript's ws.send(data). data is a string (a text message; bytes that are not
// valid UTF-8 become U+FFFD, as a JavaScript string would), a []byte (a binary
// message; the caller may reuse it as soon as Send returns: what is not written
// by then is copied) or a *Blob (a binary message).
//
// While CONNECTING, Send returns an error matching ErrInvalidState. While OPEN,
// BufferedAmount grows by the data's length in bytes until it is written. While
// CLOSING or CLOSED nothing is sent, but BufferedAmount still grows, as in browsers.
// Any other type of data returns ErrUnsupportedData. A Send that would take the
// bytes not yet written past Options.MaxBufferedAmount fails the connection and
// returns ErrBufferFull.
func (ws *WebSocket) Send(data any) error {
	var m outgoing // borrows the caller's bytes (see transport.send)
	switch d := data.(type) {
	case string:
		m = outgoing{data: stringBytes(toUSVString(d)), text: true, borrowed: true}
	case []byte:
		m = outgoing{data: d, borrowed: true}
	case *Blob:
		if d == nil {
			return ErrUnsupportedData
		}
		m.data = d.data // immutable
	default:
		return ErrUnsupportedData
	}
	n := uint64(len(m.data))

	ws.mu.Lock()
	switch ws.state {
	case Connecting:
		ws.mu.Unlock()
		return &DOMException{Name: "InvalidStateError", Message: "Send called while the socket is CONNECTING"}
	case Closing, Closed:
		ws.buffered.Add(n)
		ws.mu.Unlock()
		return nil
	}
	if deferDrop {
		ws.drop.settle(&ws.buffered)
	}
	total := ws.buffered.Add(n)
	// The limit guards memory: it leaves out bytes written but still counted
	// (buffered_drop.go), which may exceed total for a moment, hence the floor.
	if max := ws.opts.MaxBufferedAmount; max > 0 && total-min(ws.drop.drained(), total) > max {
		ws.mu.Unlock()
		ws.tr.abort(ErrBufferFull)
		return ErrBufferFull
	}
	now := ws.tr.send(m)
	ws.mu.Unlock()
	if now {
		// Outside the lock: compressing a large message takes a while, and the
		// reader must not wait for it to read the socket's state.
		ws.tr.writeNow(m)
	}
	return nil
}

// Close starts closing the connection, like JavaScript's ws.close(): while OPEN it
// sends a close frame with no status code, behind the messages already queued,
// and the socket is CLOSING until the server answers; while CONNECTING it fails
// the connection ("error", then "close" with 1006); while CLOSING or CLOSED it does
// nothing. It returns without waiting; Done tells when the socket is closed.
func (ws *WebSocket) Close() error {
	ws.close(noCloseCode, "")
	return nil
}

// CloseWithCode is Close with a status code and reason, like JavaScript's
// ws.close(code, reason). The code must be 1000 or in 3000–4999, else the error
// matches ErrInvalidAccess; the reason must be at most 123 bytes of UTF-8, else the
// error matches ErrSyntax (the code is checked first). Bytes of the reason that are
// not valid UTF-8 become U+FFFD, as a JavaScript string would.
func (ws *WebSocket) CloseWithCode(code int, reason string) error {
	reason, err := checkClose(code, reason)
	if err != nil {
		return err
	}
	ws.close(code, reason)
	return nil
}

// checkClose applies the WHATWG close() argument rules; it returns the reason
// as it goes on the wire.
func checkClose(code int, reason string) (string, error) {
	if code != 1000 && (code < 3000 || code > 4999) {
		return "", &DOMException{Name: "InvalidAccessError", Message: "the close code must be 1000 or in 3000–4999; " + strconv.Itoa(code) + " is neither"}
	}
	reason = toUSVString(reason)
	if len(reason) > 123 {
		return "", syntaxError("the close reason must be at most 123 bytes of UTF-8; it has " + strconv.Itoa(len(reason)))
	}
	return reason, nil
}

func (ws *WebSocket) close(code int, reason string) {
	ws.mu.Lock()
	switch ws.state {
	case Closing, Closed:
		ws.mu.Unlock()
	case Connecting:
		ws.state = Closing
		ws.mu.Unlock()
		ws.tr.abort(ErrClosedWhileConnecting)
	default:
		ws.state = Closing
		m := outgoing{close: true, code: code, reason: reason}
		now := ws.tr.send(m)
		ws.mu.Unlock()
		if now {
			ws.tr.writeNow(m)
		}
	}
}

// The transport's reports.

// opened reports a completed handshake.
func (ws *WebSocket) opened(protocol, extensions string) {
	ws.events.push(item{kind: itemOpen, protocol: protocol, extensions: extensions})
}

// message reports a whole message; data now belongs to the socket. Only the
// browser backend calls it: the native reader delivers (takeover.go).
func (ws *WebSocket) message(text bool, data []byte) {
	ws.events.push(item{kind: itemMessage, text: text, data: data})
}

// sent reports n bytes written to the network, counted until the task ends:
// natively by ws.drop (buffered_drop.go), in WASM by the page (deferDrop).
func (ws *WebSocket) sent(n int) {
	if !deferDrop {
		ws.buffered.Add(^uint64(n - 1))
		return
	}
	ws.drop.written(uint64(n), &ws.buffered)
}

// closed reports the end of the connection, failed if err is non-nil; the
// transport holds nothing after it.
func (ws *WebSocket) closed(code int, reason string, clean bool, err error) {
	err = withURL(ws.url.href, err)
	ws.sendq.stop()
	ws.events.push(item{kind: itemClosed, code: code, reason: reason, clean: clean, err: err})
}

// dispatchLoop handles the queued items one at a time until the queue is empty
// or "close" has been dispatched; the native reader also dispatches (deliver).
func (ws *WebSocket) dispatchLoop() {
	for {
		it, ok := ws.events.next()
		if !ok || ws.handle(it) {
			return
		}
	}
}

// handle applies one reported change to the state and dispatches its events,
// as one task in Chromium's terms: the bytes written before it are taken off
// BufferedAmount as it begins, those written while its listeners run once they
// have returned (buffered_drop.go). It reports true once "close" has been
// dispatched: nothing follows it.
func (ws *WebSocket) handle(it item) (last bool) {
	if deferDrop {
		ws.drop.begin(&ws.buffered)
	}
	switch it.kind {
	case itemOpen:
		ws.awaitListener(TypeOpen)
		ws.mu.Lock()
		if ws.state != Connecting { // Close came first: the transport is failing
			ws.mu.Unlock()
			break
		}
		ws.state, ws.protocol, ws.extensions = Open, it.protocol, it.extensions
		ws.mu.Unlock()
		ws.listeners.Dispatch(TypeOpen, &Event{Type: TypeOpen, Target: ws, TimeStamp: time.Now()}, callListener)
	case itemMessage:
		ws.awaitListener(TypeMessage)
		ws.mu.Lock()
		state, bt := ws.state, ws.binaryType
		ws.mu.Unlock()
		if state == Open { // messages that arrive while CLOSING are dropped, as in browsers
			ws.listeners.Dispatch(TypeMessage, ws.messageEvent(it, bt), callListener)
		}
	case itemClosing: // the server's close frame, in order after the messages before it
		ws.mu.Lock()
		if ws.state == Open {
			ws.state = Closing
		}
		ws.mu.Unlock()
	case itemClosed:
		if it.err != nil {
			ws.awaitListener(TypeError)
		}
		ws.awaitListener(TypeClose)
		ws.mu.Lock()
		ws.state = Closed
		ws.mu.Unlock()
		now := time.Now()
		if it.err != nil {
			ws.listeners.Dispatch(TypeError, &Event{Type: TypeError, Target: ws, TimeStamp: now, Err: it.err}, callListener)
		}
		ws.listeners.Dispatch(TypeClose, &CloseEvent{
			Event: Event{Type: TypeClose, Target: ws, TimeStamp: now},
			Code:  it.code, Reason: it.reason, WasClean: it.clean,
		}, callListener)
		ws.listeners.Clear()
		ws.setup.End()
		if deferDrop {
			// No timer outlives Done. What was written is off the count;
			// what was dropped unsent at close stays counted, as in browsers.
			ws.drop.stop(&ws.buffered)
		}
		close(ws.done)
		return true
	}
	if deferDrop {
		ws.drop.end(&ws.buffered)
	}
	return false
}

// messageEvent makes the event for a received message, or fills it.ev, made by
// the transport. Data in an interface costs an allocation for a string or a
// slice; a Blob shares the event's.
func (ws *WebSocket) messageEvent(it item, bt BinaryType) *MessageEvent {
	ev, blob := it.ev, it.blob
	if ev == nil {
		m := &struct {
			ev   MessageEvent
			blob Blob
		}{}
		ev, blob = &m.ev, &m.blob
	}
	*ev = MessageEvent{Event: Event{Type: TypeMessage, Target: ws, TimeStamp: time.Now()}, Origin: ws.url.origin}
	switch {
	case it.text:
		ev.Data = bytesToString(it.data)
	case bt == BinaryTypeArrayBuffer:
		ev.Data = it.data
	default:
		*blob = Blob{data: it.data}
		ev.Data = blob
	}
	return ev
}

// stringBytes returns s's bytes without copying; they must never be written.
func stringBytes(s string) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// bytesToString returns b as a string without copying; b must never change again.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// toUSVString turns a Go string into what a JavaScript string becomes when a
// browser encodes it as UTF-8: each byte that is not valid UTF-8 becomes U+FFFD.
func toUSVString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}
