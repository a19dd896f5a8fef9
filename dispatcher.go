package websocket

import "sync"

// What the transport reports, queued in order for the socket's dispatcher.
type itemKind uint8

const (
	itemOpen    itemKind = iota // the handshake succeeded
	itemMessage                 // a whole message arrived
	itemClosed                  // the connection is gone and the transport holds nothing
)

type item struct {
	kind itemKind
	// itemOpen
	protocol, extensions string
	// itemMessage
	text bool
	data []byte
	// itemClosed
	code   int
	reason string
	clean  bool
	err    error // non-nil: the connection was failed; an error event comes first
}

// maxQueuedMessages bounds the messages waiting for a socket's dispatcher: a
// transport that finds the queue full stops reading until a listener catches up,
// so that TCP pushes back on the server.
const maxQueuedMessages = 64

// eventQueue is the FIFO between a transport and the socket's dispatcher goroutine.
// Only messages wait for room; everything else is queued at once, so no method
// of the socket, even called from a listener, can block on it.
type eventQueue struct {
	mu       sync.Mutex
	notEmpty sync.Cond
	notFull  sync.Cond
	buf      []item
	head     int
	messages int
}

func (q *eventQueue) init() {
	q.notEmpty.L = &q.mu
	q.notFull.L = &q.mu
}

// push queues it without waiting.
func (q *eventQueue) push(it item) {
	q.mu.Lock()
	q.pushLocked(it)
	q.mu.Unlock()
}

// pushMessage queues a message; with wait, it first waits while the queue holds
// maxQueuedMessages of them. (A browser cannot be told to stop reading, and a
// JavaScript callback must never block, so the browser backend does not wait.)
func (q *eventQueue) pushMessage(it item, wait bool) {
	q.mu.Lock()
	for wait && q.messages >= maxQueuedMessages {
		q.notFull.Wait()
	}
	q.messages++
	q.pushLocked(it)
	q.mu.Unlock()
}

func (q *eventQueue) pushLocked(it item) {
	if q.head > 0 && q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	q.buf = append(q.buf, it)
	q.notEmpty.Signal()
}

// pop waits for the oldest item and takes it.
func (q *eventQueue) pop() item {
	q.mu.Lock()
	for q.head == len(q.buf) {
		q.notEmpty.Wait()
	}
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
	q.mu.Unlock()
	return it
}
