//go:build !js

package websocket

import (
	"cmp"
	"io"
	"net"
	"sync"
	"time"
)

// The write-behind.
//
// Why: Send must never wait for the network, and a writer goroutine would cost
// a goroutine switch per message. So Send writes the frame itself, on the
// caller's goroutine (native.go), into a writeBehindConn, whose Write never
// blocks: it wraps the network connection under the handshake's HTTP transport
// (and TLS), gives the kernel what it takes at once (one non-blocking write), and
// keeps the rest in a backlog that a flusher goroutine, running only while there
// is one, writes behind, in order. Under a user's HTTPClient it wraps the
// upgraded connection instead (newWriteBehind) and the flusher writes it all.
// BufferedAmount counts a message until its last byte has left the backlog
// (sentAfter). Until enable (after the handshake) writes go straight through, as
// net/http expects of a connection.
type writeBehindConn struct {
	net.Conn           // the network connection; nil over an upgraded connection (newWriteBehind)
	w        io.Writer // where the backlog goes
	closer   io.Closer
	nb       *nbWriter
	mu       sync.Mutex
	on       bool
	backlog  [][]byte    // bytes accepted but not yet written, in order: pooled chunks of backlogChunk bytes
	scratch  net.Buffers // the flusher's copy of the chunk list, which writev consumes
	flushing bool        // a flusher goroutine owns the backlog
	err      error       // a write failed: the connection is broken
	closed   bool        // Close was called: Write takes nothing more, the flusher still ends its backlog
	accepted uint64      // bytes taken by Write since enable
	written  uint64      // of those, bytes the kernel has taken
	marks    []sentMark
	onSent   func(n int) // reports a message's n bytes gone (WebSocket.sent)
	flushers sync.WaitGroup
}

// sentMark is a message whose last byte is at offset end of the stream.
type sentMark struct {
	end uint64
	n   int
}

func newWriteBehindConn(c net.Conn) *writeBehindConn {
	return &writeBehindConn{Conn: c, w: c, closer: c, nb: newNBWriter(c)}
}

// newWriteBehind writes behind into conn, whose descriptor the package does
// not see: the flusher writes everything. Its Close closes conn.
func newWriteBehind(conn io.WriteCloser) *writeBehindConn {
	return &writeBehindConn{w: conn, closer: conn}
}

func (c *writeBehindConn) enable(onSent func(int)) {
	c.mu.Lock()
	c.on, c.onSent = true, onSent
	c.mu.Unlock()
}

// Write takes all of p without waiting, once enabled.
func (c *writeBehindConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if !c.on {
		c.mu.Unlock()
		return c.w.Write(p)
	}
	defer c.mu.Unlock()
	if c.err != nil || c.closed {
		return 0, cmp.Or(c.err, net.ErrClosed)
	}
	n := len(p)
	c.accepted += uint64(n)
	if !c.flushing {
		w, err := c.nb.tryWrite(p)
		if err != nil {
			c.err = err
			return 0, err
		}
		c.written += uint64(w)
		p = p[w:]
		if len(p) == 0 {
			return n, nil
		}
		c.flushing = true
		c.flushers.Add(1)
		go c.flush()
	}
	for len(p) > 0 {
		last := len(c.backlog) - 1
		if last < 0 || len(c.backlog[last]) == cap(c.backlog[last]) {
			c.backlog = append(c.backlog, getSendBuf(backlogChunk))
			last++
		}
		b := c.backlog[last]
		k := copy(b[len(b):cap(b)], p)
		c.backlog[last] = b[:len(b)+k]
		p = p[k:]
	}
	return n, nil
}

// backlogChunk is the size of the backlog's chunks, pooled send buffers
// (buffered.go), so that a socket whose writes steadily spill over the kernel's
// buffer allocates nothing; the flusher writes them with one writev.
const backlogChunk = 64 << 10

// sentAfter reports a message of n bytes, all passed to Write: at once (true,
// the caller reports it) if the backlog is empty, else by the flusher.
func (c *writeBehindConn) sentAfter(n int) (now bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return false // never sent
	}
	if !c.flushing {
		return true
	}
	c.marks = append(c.marks, sentMark{end: c.accepted, n: n})
	return false
}

// flush, the flusher goroutine, writes the backlog until it is empty or a write fails.
func (c *writeBehindConn) flush() {
	defer c.flushers.Done()
	c.mu.Lock()
	for {
		chunks := c.backlog
		c.backlog = nil
		bufs := append(c.scratch[:0], chunks...)
		c.mu.Unlock()
		w, err := bufs.WriteTo(c.w) // blocks while the kernel's buffer is full
		c.mu.Lock()
		c.scratch = bufs[:0]
		c.written += uint64(w)
		if err != nil && c.err == nil {
			c.err = err
		}
		for i, b := range chunks {
			putSendBuf(b)
			chunks[i] = nil
		}
		gone, i := 0, 0
		for ; i < len(c.marks) && c.marks[i].end <= c.written; i++ {
			gone += c.marks[i].n
		}
		if c.err != nil {
			i = len(c.marks) // never sent: BufferedAmount keeps them, as in browsers
		}
		c.marks = append(c.marks[:0], c.marks[i:]...)
		if gone > 0 {
			c.onSent(gone)
		}
		if c.err != nil || len(c.backlog) == 0 {
			c.flushing = false
			for _, b := range c.backlog {
				putSendBuf(b)
			}
			c.backlog, c.scratch = nil, nil
			c.mu.Unlock()
			return
		}
	}
}

// Closing flushes first what a kernel would have taken: a close frame written
// just before Close must still leave, as after a blocking write (the kernel sends
// what it holds after close(2)). So when at most closeFlushMax bytes wait, Close
// lets the flusher finish, for closeFlushWait at most; a larger backlog (a peer
// that stopped reading) is dropped at once.
const closeFlushMax = 256 << 10

var closeFlushWait = time.Second // a variable for tests

// Close closes the connection, after a short flush (above); a flusher still
// writing then fails and ends.
func (c *writeBehindConn) Close() error {
	c.mu.Lock()
	flush := c.flushing && c.err == nil && c.accepted-c.written <= closeFlushMax
	c.closed = true // no write, and so no flusher, starts after Close
	c.mu.Unlock()
	if flush {
		stuck := time.AfterFunc(closeFlushWait, func() { c.closer.Close() }) // a peer that reads nothing
		c.flushers.Wait()
		stuck.Stop()
	}
	return c.closer.Close()
}

// wait waits until no flusher runs; call it after Close.
func (c *writeBehindConn) wait() { c.flushers.Wait() }
