//go:build unix

package websocket

import (
	"errors"
	"net"
	"syscall"
)

// nbWriter makes non-blocking write(2)s on a connection's descriptor (which Go
// keeps non-blocking), under the writeBehindConn's lock; made once per connection,
// so that a write allocates nothing.
type nbWriter struct {
	rc  syscall.RawConn
	fn  func(uintptr) bool
	p   []byte
	n   int
	err error
}

func newNBWriter(c net.Conn) *nbWriter {
	if sc, ok := c.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			w := &nbWriter{rc: rc}
			w.fn = w.write
			return w
		}
	}
	return nil
}

func (w *nbWriter) write(fd uintptr) bool {
	for {
		w.n, w.err = syscall.Write(int(fd), w.p)
		if w.err != syscall.EINTR {
			return true // never wait for the descriptor: the flusher does
		}
	}
}

// tryWrite writes what the kernel takes of p at once. Without a descriptor (w
// nil) it takes nothing, and the flusher writes it all.
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
