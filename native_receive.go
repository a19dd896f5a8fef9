//go:build !js

package websocket

import (
	"context"
	"io"
	"sync"

	ws "github.com/coder/websocket"
)

// Receiving a message into one buffer of its size.
//
// Why: coder/websocket's Read grows a slice from 512 bytes (io.ReadAll), which
// allocates and copies about log2(size/512) times per message. The frame checks
// (serverFrames) see every frame header before coder/websocket parses it, so they
// note each message's size when its first frame says it all (one frame, not
// compressed); read then takes the message into a buffer of exactly that size.
// A small message shares one allocation with the event that will carry it.

// messageSizes is the FIFO of the sizes of the messages whose first frame
// serverFrames has seen and read has not yet taken: -1 when the frame does not
// tell (fragmented or compressed). The frame checks push as coder/websocket reads
// (on the reader, or on the goroutine of the closing handshake); read pops after
// coder/websocket's Reader has returned, outside its read lock, hence mu.
type messageSizes struct {
	mu   sync.Mutex
	buf  []int64
	head int
}

func (q *messageSizes) push(h frameHeader) {
	q.mu.Lock()
	defer q.mu.Unlock()
	size := int64(-1)
	if h.fin && h.rsv&4 == 0 && h.length < 1<<62 {
		size = int64(h.length)
	}
	q.buf, q.head = makeRoom(q.buf, q.head)
	q.buf = append(q.buf, size)
}

// pop returns the size of the next message, or -1.
func (q *messageSizes) pop() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.buf) {
		return -1
	}
	s := q.buf[q.head]
	q.head++
	return s
}

// exactAlloc bounds the buffer made up front for a message whose frame gives its
// size: a larger message (a server may announce sizes it never sends) grows its
// buffer as it arrives, from this size.
const exactAlloc = 16 << 20

// smallMessage is a small message's event and its bytes in one allocation.
type smallMessage[B any] struct {
	ev   MessageEvent
	blob Blob
	buf  B
}

// readMessage reads the next message whole. For a small one it also returns the
// event (with its Blob) whose allocation holds the bytes.
func (t *nativeTransport) readMessage(conn *ws.Conn) (it item, err error) {
	typ, r, err := conn.Reader(context.Background())
	if err != nil {
		return item{}, err
	}
	it = item{kind: itemMessage, text: typ == ws.MessageText}
	size := t.frames.sizes.pop()
	switch {
	case size > exactAlloc:
		it.data, err = readGrowing(r, make([]byte, 0, exactAlloc), t.scratch[:])
		return it, err
	case size < 0:
		return t.readUnsized(r, it)
	case size <= 64:
		m := &smallMessage[[64]byte]{}
		it.data, it.ev, it.blob = m.buf[:size], &m.ev, &m.blob
	case size <= 512:
		m := &smallMessage[[512]byte]{}
		it.data, it.ev, it.blob = m.buf[:size], &m.ev, &m.blob
	default:
		it.data = make([]byte, size)
	}
	if _, err = io.ReadFull(r, it.data); err != nil {
		return item{}, err
	}
	// The message ends here: coder/websocket says so (and releases its read lock)
	// on the next Read.
	if n, err := r.Read(t.scratch[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF // more bytes than the frame said: cannot be
		}
		return item{}, err
	}
	return it, nil
}

// maxSizeHint bounds the buffer a message of unknown size starts in (a stream
// of large compressed messages followed by a small one costs that small one one
// buffer of this size, copied from at once).
const maxSizeHint = 1 << 20

// readUnsized reads a message whose size its first frame does not say
// (compressed or fragmented). A stream's messages tend to have the sizes of those
// before them, so it starts in a buffer of the last such message's size
// (sizeHint), which makes a compressed stream of one size one allocation per
// message instead of log2(size/512); else in the event's own 512 bytes, as
// io.ReadAll starts with 512. It grows from there; a message that turns out much
// smaller than its buffer is copied into one of its size, so that a listener
// never keeps a buffer mostly empty.
func (t *nativeTransport) readUnsized(r io.Reader, it item) (item, error) {
	var err error
	if t.sizeHint <= 512 {
		m := &smallMessage[[512]byte]{}
		it.ev, it.blob = &m.ev, &m.blob
		it.data, err = readGrowing(r, m.buf[:0], t.scratch[:])
	} else {
		it.data, err = readGrowing(r, make([]byte, 0, t.sizeHint), t.scratch[:])
		if n := len(it.data); err == nil && n <= 512 {
			m := &smallMessage[[512]byte]{}
			it.data, it.ev, it.blob = append(m.buf[:0], it.data...), &m.ev, &m.blob
		} else if err == nil && n < cap(it.data)/2 {
			it.data = append(make([]byte, 0, n), it.data...)
		}
	}
	if err != nil {
		return item{}, err
	}
	t.sizeHint = min(len(it.data), maxSizeHint)
	return it, nil
}

// readGrowing reads r to its end into b, doubling it as needed (append's own
// growth, 1.25× for large slices, would allocate about 5× the message).
func readGrowing(r io.Reader, b, scratch []byte) ([]byte, error) {
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			// Full: look for the end first, so that a message of exactly the
			// buffer's size is not copied into one twice as big.
			n, err := r.Read(scratch)
			if err == io.EOF && n == 0 {
				return b, nil
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			// Double: about 2× the message allocated in all, as io.ReadAll.
			b = append(append(make([]byte, 0, 2*cap(b)), b...), scratch[:n]...)
			if err == io.EOF {
				return b, nil
			}
		}
	}
}
