package websocket

import "sync"

// outgoing is one entry of the send queue: a message, or the request to start the
// closing handshake, which goes behind every message sent before it, as in browsers.
type outgoing struct {
	text  bool
	data  []byte
	close bool
	code  int // with close: noCloseCode for a close frame without a status
	// reason goes with close
	reason string
}

// noCloseCode marks a close request without a code: the close frame carries no status.
const noCloseCode = 1005

// sendQueue is a socket's queue of outgoing messages. Send appends to it without
// waiting; the transport takes from it and reports every message it has written,
// which lowers bufferedAmount.
type sendQueue struct {
	mu      sync.Mutex
	ready   sync.Cond
	buf     []outgoing
	head    int
	stopped bool
}

func (q *sendQueue) init() { q.ready.L = &q.mu }

// push appends m; it reports false, dropping m, once the queue is stopped.
func (q *sendQueue) push(m outgoing) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return false
	}
	if q.head > 0 && q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	q.buf = append(q.buf, m)
	q.ready.Signal()
	return true
}

// next waits for the oldest entry and takes it; ok is false once the queue is stopped.
func (q *sendQueue) next() (m outgoing, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.head == len(q.buf) && !q.stopped {
		q.ready.Wait()
	}
	if q.stopped {
		return outgoing{}, false
	}
	m = q.buf[q.head]
	q.buf[q.head] = outgoing{}
	q.head++
	return m, true
}

// stop wakes the transport's writer for good and drops what was not written.
func (q *sendQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	q.buf, q.head = nil, 0
	q.ready.Broadcast()
	q.mu.Unlock()
}
