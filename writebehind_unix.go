//go:build unix

package websocket

import (
	"errors"
	"net"
	"syscall"
)

// nbWriter makes one non-blocking write(2) on a connection's descriptor (Go keeps
// it in non-blocking mode). It is made once per connection, so that a write
// allocates nothing; it is used under the writeBehindConn's lock.
type nbWriter struct {
	rc  syscall.RawConn
	fn  func(uintptr) bool
	p   []byte
	n   int
	err error
}

func newNBWriter(c net.Conn) *nbWriter {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &nbWriter{rc: rc}
	w.fn = w.write
	return w
}

func (w *nbWriter) write(fd uintptr) bool {
	for {
		w.n, w.err = syscall.Write(int(fd), w.p)
		if w.err != syscall.EINTR {
			return true // never wait for the descriptor: the flusher does
		}
	}
}

// tryWrite writes what the kernel takes of p at once, without waiting. A
// connection without a descriptor (w nil) takes nothing here, and the flusher
// writes it all.
func (w *nbWriter) tryWrite(p []byte) (int, error) {
	if w == nil {
		return 0, nil
	}
	w.p = p
	err := w.rc.Write(w.fn)
	w.p = nil
	n := max(w.n, 0)
	switch {
	case err != nil:
		return 0, err
	case w.err == nil, errors.Is(w.err, syscall.EAGAIN):
		return n, nil
	}
	return 0, w.err
}
