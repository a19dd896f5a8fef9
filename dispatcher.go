package websocket

import "sync"

// itemKind is what the transport reports, queued in order for the dispatcher.
type itemKind uint8

const (
	itemOpen    itemKind = iota // the handshake succeeded
	itemMessage                 // a whole message arrived
	itemClosing                 // the server's close frame arrived: the socket is CLOSING
	itemClosed                  // the connection is gone and the transport holds nothing
)

type item struct {
	kind itemKind
	// itemOpen
	protocol, extensions string
	// itemMessage
	text bool
	data []byte
	ev   *MessageEvent // nil, or the event to fill (its allocation holds data)
	blob *Blob         // with ev: the Blob that shares its allocation
	// itemClosed
	code   int
	reason string
	clean  bool
	err    error // non-nil: the connection was failed; an error event comes first
}

// maxQueuedMessages bounds the messages waiting for the dispatcher: a reader that
// finds the queue full stops reading, so that TCP pushes back on the server.
const maxQueuedMessages = 64

// eventQueue is the FIFO between a transport and the socket's dispatcher. Only
// the native reader's messages wait for room (deliver); everything else is
// queued at once, so that no method of the socket, even called from a listener,
// and no JavaScript callback (a browser cannot be told to stop reading) blocks.
//
// A dispatch runs only while there is something to dispatch: the first item
// queued while none runs starts one (startDispatch), and it ends when it finds
// the queue empty, so events are dispatched one at a time and in order. Natively
// each dispatch is a goroutine of its own, so that an idle socket holds none; in
// WASM one parked goroutine per socket runs them all (dispatcher_js.go).
type eventQueue struct {
	parked   parkedDispatcher // first: natively it is empty, and a last empty field would be padded
	mu       sync.Mutex
	notFull  sync.Cond
	buf      []item
	head     int
	messages int
	running  bool   // a dispatch owns the queue
	dispatch func() // the dispatcher: dispatches until the queue is empty or "close" is dispatched
}

func (q *eventQueue) init(dispatch func()) {
	q.notFull.L = &q.mu
	q.dispatch = dispatch
}

// push queues it without waiting, even a message past maxQueuedMessages.
func (q *eventQueue) push(it item) {
	q.mu.Lock()
	start := q.pushLocked(it)
	q.mu.Unlock()
	if start {
		q.startDispatch()
	}
}

// pushLocked queues it and reports whether the caller must start a dispatcher.
func (q *eventQueue) pushLocked(it item) (start bool) {
	q.buf, q.head = makeRoom(q.buf, q.head)
	q.buf = append(q.buf, it)
	if it.kind == itemMessage {
		q.messages++
	}
	if q.running {
		return false
	}
	q.running = true
	return true
}

// isFull reports whether messages wait for room (the reader has stopped reading).
func (q *eventQueue) isFull() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.messages >= maxQueuedMessages
}

// next takes the oldest item. When there is none it reports false, and the
// dispatch that called it must end: the next item starts another.
func (q *eventQueue) next() (it item, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.buf) {
		q.running = false
		return item{}, false
	}
	return q.takeLocked(), true
}

// takeLocked takes the oldest item, which must exist.
func (q *eventQueue) takeLocked() item {
	it := q.buf[q.head]
	q.buf[q.head] = item{}
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	if it.kind == itemMessage {
		if q.messages <= maxQueuedMessages {
			q.notFull.Signal()
		}
		q.messages--
	}
	return it
}

// makeRoom readies buf, whose first head entries have been taken (and zeroed),
// for one more: it starts over when all have been taken, and when buf is full and
// at least half taken it moves what waits to the front instead of growing, so
// that a queue that never empties holds at most about twice what waits in it.
func makeRoom[T any](buf []T, head int) ([]T, int) {
	switch {
	case head == 0:
		return buf, 0
	case head == len(buf):
		return buf[:0], 0
	case len(buf) == cap(buf) && head >= len(buf)/2:
		n := copy(buf, buf[head:])
		clear(buf[n:])
		return buf[:n], 0
	}
	return buf, head
}
