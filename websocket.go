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
// everywhere else it speaks the protocol itself: a byte from the server goes from
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
// A socket's listeners run one at a time, in the order of the events, never two at
// once. Which goroutine runs them is the package's business: natively the goroutine
// that read a message runs its listeners at once when nothing waits, and hands
// reading over to a new goroutine when a listener blocks (takeover.go), so that
// pings are answered and the closing handshake completes meanwhile. A listener may
// call any method and may block; while it blocks, that socket's later events wait,
// and once 64 messages wait the socket stops reading from the network. Send never
// waits for the network: natively it writes on the caller's goroutine into a
// connection that takes everything at once and writes behind what the kernel does
// not take (writebehind.go).
// In WASM the page's WebSocket cannot stop reading: there, the messages that
// arrive while a listener blocks all wait in memory (a flood of 125 MiB costs
// 125 MiB of heap), so a listener that may block for long should hand its work
// to a goroutine of its own.
package websocket

import (
	"github.com/browserws/websocket/internal/listeners"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"
)

// DefaultMaxMessageSize is the largest message a socket accepts when
// Options.MaxMessageSize is 0: 1 GiB. Chromium has no limit of its own below what
// its memory allows, so the default is set high enough that anything a browser
// receives in practice (hundreds of MiB) is delivered.
const DefaultMaxMessageSize int64 = 1 << 30

// DefaultHandshakeTimeout bounds the opening handshake when
// Options.HandshakeTimeout is 0.
const DefaultHandshakeTimeout = 60 * time.Second

// transport is what a backend implements under the shared state machine. It
// reports to the socket through opened, message, sent and closed, and takes the
// messages to send from the socket's send queue.
type transport interface {
	// start begins connecting, without waiting.
	start()
	// abort fails the connection: the transport closes it at once and reports
	// closed with err.
	abort(err error)
	// send hands over a message, or the close request, in Send's order, without
	// waiting. It is called with the socket's lock held. When it returns true,
	// the message is the caller's to write with writeNow once it has released
	// the lock (its turn is taken: later messages queue behind it). A message's
	// data may be the caller's own bytes (m.borrowed), valid only until Send
	// returns: a transport that keeps m longer keeps m.owned().
	send(m outgoing) (writeNow bool)
	// writeNow writes a message send gave back to the caller, on the caller's
	// goroutine, without waiting for the network.
	writeNow(m outgoing)
	// pending is what the transport holds that BufferedAmount must count besides
	// what the socket has not yet handed to it (the page's own bufferedAmount).
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

	// The setup window: for setupWindow after New, or until Done is called, an
	// event that finds no listener of its type waits for one instead of being
	// dropped.
	setup listeners.SetupWindow

	buffered  atomic.Uint64 // Send's bytes still counted by BufferedAmount
	drop      bufferedDrop  // written bytes still counted, and when they are taken off (buffered_drop.go)
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

// Protocol returns the subprotocol the server selected, "" before "open" or if none.
func (ws *WebSocket) Protocol() string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.protocol
}

// Extensions returns the extensions the server accepted (its
// Sec-WebSocket-Extensions header), "" before "open" or if none.
func (ws *WebSocket) Extensions() string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.extensions
}

// ReadyState returns the state of the connection. It changes to OPEN and to CLOSED
// just before "open" and "close" are dispatched, and to CLOSING when Close is called.
func (ws *WebSocket) ReadyState() ReadyState {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.state
}

// BufferedAmount returns the number of bytes passed to Send that have not yet
// reached the network. It falls as bytes reach the network, but, as in
// Chromium, where it only falls between tasks, never during the Send call that
// queued them, nor while the listener that called Send still runs: it falls
// after that, at the next dispatch of an event or within a few milliseconds when
// none comes, so a goroutine that polls it sees it reach 0. So a listener reads
// its message counted for as long as it runs, and a goroutine that is no
// listener reads it counted right after Send returns (until an event is
// dispatched or some milliseconds have passed). While a listener runs
// nothing falls, not even what other goroutines sent (buffered_drop.go). In
// WASM it is the page's own bufferedAmount, which falls between the page's
// tasks: a listener that blocks lets the page run some.
//
// As in browsers, it keeps growing with every Send made while CLOSING or
// CLOSED, although such data is never sent, and a message dropped unsent when
// the connection closed stays counted.
func (ws *WebSocket) BufferedAmount() uint64 { return ws.buffered.Load() + ws.tr.pending() }

// BinaryType returns how binary messages are delivered; BinaryTypeBlob by default.
func (ws *WebSocket) BinaryType() BinaryType {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.binaryType
}

// SetBinaryType sets how binary messages are delivered from the next dispatched
// message on. As in JavaScript, a value other than BinaryTypeBlob and
// BinaryTypeArrayBuffer is ignored.
func (ws *WebSocket) SetBinaryType(t BinaryType) {
	if t != BinaryTypeBlob && t != BinaryTypeArrayBuffer {
		return
	}
	ws.mu.Lock()
	ws.binaryType = t
	ws.mu.Unlock()
}

// Done returns a channel that is closed once the socket is CLOSED and its "close"
// event has been dispatched. By then the socket holds no goroutine, timer or
// callback. Calling Done also ends the setup window (see New).
func (ws *WebSocket) Done() <-chan struct{} {
	ws.endSetup()
	return ws.done
}

// setupWindow is how long after New an event with no listener of its type waits
// for one: JavaScript runs no event before the script that made the socket has
// finished, and Go code that sets handlers right after New must see the same.
const setupWindow = 250 * time.Millisecond

func (ws *WebSocket) endSetup() { ws.setup.End() }

// awaitListener is called before an event of typ is dispatched: during the
// setup window, if no listener of typ is registered yet, it waits until one is,
// the window ends, or Done is called.
func (ws *WebSocket) awaitListener(typ string) { listeners.Await(&ws.setup, &ws.listeners, typ) }

// OnOpen sets the onopen handler; nil removes it.
func (ws *WebSocket) OnOpen(fn func(*Event)) {
	ws.listeners.SetAttr(attrIndex(TypeOpen), TypeOpen, OpenListener(fn), fn != nil)
}

// OnMessage sets the onmessage handler; nil removes it.
func (ws *WebSocket) OnMessage(fn func(*MessageEvent)) {
	ws.listeners.SetAttr(attrIndex(TypeMessage), TypeMessage, MessageListener(fn), fn != nil)
}

// OnError sets the onerror handler; nil removes it.
func (ws *WebSocket) OnError(fn func(*Event)) {
	ws.listeners.SetAttr(attrIndex(TypeError), TypeError, ErrorListener(fn), fn != nil)
}

// OnClose sets the onclose handler; nil removes it.
func (ws *WebSocket) OnClose(fn func(*CloseEvent)) {
	ws.listeners.SetAttr(attrIndex(TypeClose), TypeClose, CloseListener(fn), fn != nil)
}

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
	// m borrows the caller's bytes: the transport copies them only if it keeps
	// them past Send (see transport.send).
	var m outgoing
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
		return invalidStateError("Send called while the socket is CONNECTING")
	case Closing, Closed:
		ws.buffered.Add(n)
		ws.mu.Unlock()
		return nil
	}
	total := ws.buffered.Add(n)
	// The limit guards memory: it is on what the socket holds, without the
	// bytes written but still counted until the task ends (buffered_drop.go),
	// so that a listener that sends more than the limit to a network that
	// keeps up does not fail. drained may be high for a moment (by bytes
	// other Sends added after total, or being taken off), hence the floor.
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

// checkClose applies close()'s argument rules of the WHATWG standard and returns
// the reason as it goes on the wire.
func checkClose(code int, reason string) (string, error) {
	if code != 1000 && (code < 3000 || code > 4999) {
		return "", invalidAccessError("the close code must be 1000 or in 3000–4999; " + strconv.Itoa(code) + " is neither")
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

// message reports a whole message (the browser backend's; the native reader
// delivers). data now belongs to the socket.
func (ws *WebSocket) message(text bool, data []byte) {
	ws.events.pushMessage(item{kind: itemMessage, text: text, data: data})
}

// sent reports n bytes written to the network. Natively BufferedAmount counts
// them until the current task has ended (buffered_drop.go); in WASM they move
// to the page's own bufferedAmount, which does the same (deferDrop).
func (ws *WebSocket) sent(n int) {
	if !deferDrop {
		ws.buffered.Add(^uint64(n - 1))
		return
	}
	ws.drop.written(uint64(n), &ws.buffered)
}

// closed reports the end of the connection; the transport holds nothing after it.
// A non-nil err means the connection was failed.
func (ws *WebSocket) closed(code int, reason string, clean bool, err error) {
	err = withURL(ws.url.href, err)
	ws.sendq.stop()
	ws.events.push(item{kind: itemClosed, code: code, reason: reason, clean: clean, err: err})
}

// dispatchLoop is the socket's dispatcher goroutine: it handles the queued items
// one at a time until the queue is empty or "close" has been dispatched. The event
// queue starts it when needed; the native reader also dispatches inline (see
// deliver in takeover.go).
func (ws *WebSocket) dispatchLoop() {
	for {
		it, ok := ws.events.next()
		if !ok || ws.handle(it) {
			return
		}
	}
}

// handle applies one reported change to the state and dispatches its events. It
// reports true once "close" has been dispatched: nothing follows it.
//
// Each call is one task in Chromium's terms: the bytes written before it are
// taken off BufferedAmount as it begins, those written while its listeners run
// once they have returned (buffered_drop.go).
func (ws *WebSocket) handle(it item) (last bool) {
	if deferDrop {
		ws.drop.begin(&ws.buffered)
	}
	last = ws.dispatchItem(it)
	if deferDrop && !last { // the last has stopped the drop before Done
		ws.drop.end(&ws.buffered)
	}
	return last
}

// dispatchItem is handle without the bookkeeping of BufferedAmount.
func (ws *WebSocket) dispatchItem(it item) (last bool) {
	switch it.kind {
	case itemOpen:
		ws.awaitListener(TypeOpen)
		ws.mu.Lock()
		if ws.state != Connecting { // Close came first: the transport is failing
			ws.mu.Unlock()
			return false
		}
		ws.state, ws.protocol, ws.extensions = Open, it.protocol, it.extensions
		ws.mu.Unlock()
		ws.listeners.Dispatch(TypeOpen, &Event{Type: TypeOpen, Target: ws, TimeStamp: time.Now()}, callListener)
	case itemMessage:
		ws.awaitListener(TypeMessage)
		ws.mu.Lock()
		state, bt := ws.state, ws.binaryType
		ws.mu.Unlock()
		if state != Open { // messages that arrive while CLOSING are dropped, as in browsers
			return false
		}
		ws.listeners.Dispatch(TypeMessage, ws.messageEvent(it, bt), callListener)
	case itemClosing:
		// The server's close frame: the closing handshake has started (the
		// standard queues this change in order, after the messages before it).
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
		ws.endSetup()
		if deferDrop {
			// No timer outlives Done. What was written is off the count;
			// what was dropped unsent at close stays counted, as in browsers.
			ws.drop.stop(&ws.buffered)
		}
		close(ws.done)
		return true
	}
	return false
}

// messageEvent makes the event for a received message, or fills the one the
// transport made with the message (it.ev). Its Data holds the string, []byte or
// *Blob; storing a string or a slice in an interface costs an allocation of its
// own (the Blob shares the event's).
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

// validUTF8 reports whether a text message may be delivered.
func validUTF8(b []byte) bool { return utf8.Valid(b) }
