package websocket

import (
	"math/bits"
	"sync"
	"unsafe"
)

// outgoing is one entry of the send queue: a message, or the request to start the
// closing handshake, which goes behind every message sent before it, as in browsers.
type outgoing struct {
	text     bool
	data     []byte
	pooled   bool   // data's buffer comes from sendBufs; the writer gives it back
	borrowed bool   // data is Send's argument (or a string's bytes), not to be kept past Send: see owned
	close    bool   // the close request
	code     int    // with close: noCloseCode for a close frame without a status
	reason   string // with close
}

// sendBufs are the buffers of Send's copies, by size class: class c holds
// buffers of minSendBuf<<c bytes, each as a pointer to its first byte (which fits
// in an interface without an allocation). Written buffers come back, so that a
// socket sending steadily allocates nothing per message.
var sendBufs [sendBufClasses]sync.Pool

const (
	minSendBuf     = 16
	sendBufClasses = 17 // up to 16 B << 16 = 1 MiB; larger copies are not pooled
)

// sendBufClass returns the class of a buffer for n > 0 bytes.
func sendBufClass(n int) int {
	if n <= minSendBuf {
		return 0
	}
	return bits.Len(uint(n-1)) - bits.Len(minSendBuf-1)
}

// owned returns m with data of its own, for a transport that keeps m past Send:
// a copy of borrowed bytes, pooled when its size has a class (releaseSendBuf).
func (m outgoing) owned() outgoing {
	if !m.borrowed {
		return m
	}
	m.borrowed = false
	if n := len(m.data); n > 0 && sendBufClass(n) < sendBufClasses {
		m.data, m.pooled = append(getSendBuf(n), m.data...), true
	} else {
		m.data = append(make([]byte, 0, n), m.data...)
	}
	return m
}

// getSendBuf returns an empty buffer of at least n > 0 bytes, pooled when its
// size has a class.
func getSendBuf(n int) []byte {
	c := sendBufClass(n)
	if c >= sendBufClasses {
		return make([]byte, 0, n)
	}
	if p, _ := sendBufs[c].Get().(*byte); p != nil {
		return unsafe.Slice(p, minSendBuf<<c)[:0]
	}
	return make([]byte, 0, minSendBuf<<c)
}

// putSendBuf gives b back to the pool if its capacity is that of a class (a
// buffer getSendBuf made); b must not be used after.
func putSendBuf(b []byte) {
	if c := sendBufClass(cap(b)); c < sendBufClasses && minSendBuf<<c == cap(b) {
		sendBufs[c].Put(unsafe.SliceData(b[:1]))
	}
}

// releaseSendBuf gives m's buffer back once m has been written; m.data must not
// be used after.
func releaseSendBuf(m outgoing) {
	if m.pooled {
		putSendBuf(m.data)
	}
}

// noCloseCode marks a close request without a code: the close frame carries no status.
const noCloseCode = 1005

// sendQueue orders a socket's outgoing messages without a writer goroutine (a
// goroutine switch per message): Send writes its message itself, on the caller's
// goroutine, when it can take the send turn (nothing waits and no other Send is
// writing); otherwise the message waits here, and whoever holds the turn writes
// it before giving the turn up. Messages, and the close request behind them,
// leave in the order Send took the socket's lock. (Not used in WASM.)
type sendQueue struct {
	mu      sync.Mutex
	buf     []outgoing
	head    int
	busy    bool // a goroutine holds the turn
	stopped bool
	turns   sync.WaitGroup
}

// turnOrQueue takes the turn for m, reporting true: the caller writes m and then
// what next gives it. Otherwise it queues m.owned(), or drops m once stopped.
func (q *sendQueue) turnOrQueue(m outgoing) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.stopped:
		return false
	case !q.busy:
		q.busy = true
		q.turns.Add(1)
		return true
	}
	q.buf, q.head = makeRoom(q.buf, q.head)
	q.buf = append(q.buf, m.owned())
	return false
}

// next gives the turn's holder the next message to write; when there is none, or
// the queue is stopped, it reports false and the turn ends.
func (q *sendQueue) next() (m outgoing, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped || q.head == len(q.buf) {
		q.busy = false
		q.turns.Done()
		return outgoing{}, false
	}
	m = q.buf[q.head]
	q.buf[q.head] = outgoing{}
	q.head++
	return m, true
}

// stop drops what was not written: nothing is written after it but what the
// turn's holder is writing now.
func (q *sendQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	for _, m := range q.buf[q.head:] {
		releaseSendBuf(m)
	}
	q.buf, q.head = nil, 0
	q.mu.Unlock()
}

// wait waits until no turn is held; call it after stop.
func (q *sendQueue) wait() { q.turns.Wait() }
