package websocket

import (
	"math/bits"
	"sync"
	"unsafe"
)

// outgoing is one entry of the send queue: a message, or the request to start the
// closing handshake, which goes behind every message sent before it, as in browsers.
type outgoing struct {
	text   bool
	data   []byte
	pooled bool // data's buffer comes from sendBufs; the writer gives it back
	// borrowed: data is the bytes Send was given, which the caller may change
	// (or which belong to a string) once Send has returned; see owned.
	borrowed bool
	close    bool
	code     int // with close: noCloseCode for a close frame without a status
	// reason goes with close
	reason string
}

// sendBufs are the buffers of Send's copies, by size class: class c holds
// buffers of minSendBuf<<c bytes, each as a pointer to its first byte (a pointer
// fits in an interface without an allocation of its own). A transport that has
// written a message gives its buffer back, so that a socket sending steadily
// allocates nothing per message.
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

// owned returns m with data of its own, for a transport that keeps m after Send
// has returned: a copy of borrowed bytes, in a pooled buffer when its size has a
// class (the transport gives it back once written, releaseSendBuf).
func (m outgoing) owned() outgoing {
	if !m.borrowed {
		return m
	}
	m.borrowed = false
	n := len(m.data)
	if n == 0 || sendBufClass(n) >= sendBufClasses {
		m.data = append(make([]byte, 0, n), m.data...)
		return m
	}
	m.data, m.pooled = append(getSendBuf(n), m.data...), true
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
	n := cap(b)
	if n < minSendBuf {
		return
	}
	if c := sendBufClass(n); c < sendBufClasses && minSendBuf<<c == n {
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

// sendQueue is a socket's queue of outgoing messages. Send appends to it without
// waiting; the transport's writer takes from it and reports every message it has
// written, which lowers bufferedAmount between tasks (buffered_drop.go).
//
// The writer goroutine runs only while there is something to write: push starts
// one when none runs, and it ends when it finds the queue empty, so that an idle
// socket holds no writer goroutine. Once the writer has taken the close request,
// or has retired after a failed write, no writer starts again.
type sendQueue struct {
	mu      sync.Mutex
	buf     []outgoing
	head    int
	stopped bool
	write   func() // the writer, started as a goroutine; nil until the transport can write, and once retired
	running bool   // a writer goroutine owns the queue
	writers sync.WaitGroup
}

// startWriter lets push start write as a goroutine from now on.
func (q *sendQueue) startWriter(write func()) {
	q.mu.Lock()
	q.write = write
	start := q.startLocked()
	q.mu.Unlock()
	if start {
		go q.write()
	}
}

// startLocked reports whether the caller must start a writer, and counts it.
func (q *sendQueue) startLocked() bool {
	if q.running || q.stopped || q.write == nil || q.head == len(q.buf) {
		return false
	}
	q.running = true
	q.writers.Add(1)
	return true
}

// claim takes the writer's turn for a message the caller writes itself, when
// nothing waits and no writer runs; release ends it. The turn counts as a
// writer: the queue's next entries wait for it, and wait waits for it.
func (q *sendQueue) claim() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running || q.stopped || q.write == nil || q.head != len(q.buf) {
		return false
	}
	q.running = true
	q.writers.Add(1)
	return true
}

// release ends a turn taken by claim, starting a writer for what queued behind it.
func (q *sendQueue) release() {
	q.mu.Lock()
	q.running = false
	start := q.startLocked()
	q.mu.Unlock()
	q.writers.Done()
	if start {
		go q.write()
	}
}

// push appends m; it reports false, dropping m, once the queue is stopped.
func (q *sendQueue) push(m outgoing) bool {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return false
	}
	q.buf, q.head = makeRoom(q.buf, q.head)
	q.buf = append(q.buf, m)
	start := q.startLocked()
	q.mu.Unlock()
	if start {
		go q.write()
	}
	return true
}

// next takes the oldest entry for the writer. When there is none, or the queue is
// stopped, it reports false and the writer must end (calling writerDone). Taking the
// close request retires the writer: no other starts after it.
func (q *sendQueue) next() (m outgoing, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped || q.head == len(q.buf) {
		q.running = false
		return outgoing{}, false
	}
	m = q.buf[q.head]
	q.buf[q.head] = outgoing{}
	q.head++
	if m.close {
		q.write = nil
	}
	return m, true
}

// retire stops any writer from starting again, after a failed write.
func (q *sendQueue) retire() {
	q.mu.Lock()
	q.write = nil
	q.mu.Unlock()
}

// writerDone is called by every writer goroutine as it ends.
func (q *sendQueue) writerDone() { q.writers.Done() }

// stop drops what was not written and keeps any writer from starting again; a
// running writer ends at its next call to next.
func (q *sendQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	q.buf, q.head = nil, 0
	q.mu.Unlock()
}

// wait waits until no writer runs; call it after stop.
func (q *sendQueue) wait() { q.writers.Wait() }
