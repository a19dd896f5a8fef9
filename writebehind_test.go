//go:build !js

package websocket

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Close while another goroutine keeps writing: no write, and so no flusher,
// starts after Close, so Close's wait for the flusher cannot race a new one
// (sync.WaitGroup panics when it is reused before Wait has returned).
func TestWriteBehindCloseWhileWriting(t *testing.T) {
	for range 50 {
		a, b := net.Pipe() // no descriptor: every write goes through the flusher
		go io.Copy(io.Discard, b)
		c := newWriteBehindConn(a)
		c.enable(func(int) {})
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := c.Write(make([]byte, 64)); err != nil {
					return
				}
			}
		}()
		time.Sleep(time.Millisecond)
		c.Close()
		close(stop)
		<-done
		if _, err := c.Write([]byte{1}); err == nil {
			t.Fatal("a write after Close succeeded")
		}
		c.wait()
		b.Close()
	}
}

// gateWriter is a connection whose first write waits for release.
type gateWriter struct {
	release chan struct{}
	mu      sync.Mutex
	got     []byte
	closed  bool
}

func (w *gateWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return 0, net.ErrClosed
	}
	w.got = append(w.got, p...)
	return len(p), nil
}

func (w *gateWriter) Close() error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return nil
}

// Close while the flusher is writing: what was written before Close (a close
// frame behind a pong, say) still leaves before the connection closes.
func TestWriteBehindCloseFlushesBacklog(t *testing.T) {
	old := closeFlushWait
	closeFlushWait = time.Hour // the release below must come first, however slow the machine
	defer func() { closeFlushWait = old }()
	w := &gateWriter{release: make(chan struct{})}
	c := newWriteBehind(w)
	c.enable(func(int) {})
	c.Write([]byte("pong")) // the flusher takes it and waits in Write
	for {
		c.mu.Lock()
		taken := c.flushing && len(c.backlog) == 0
		c.mu.Unlock()
		if taken {
			break
		}
		time.Sleep(time.Millisecond)
	}
	c.Write([]byte("close")) // behind it, in the backlog
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	for {
		c.mu.Lock()
		closing := c.closed
		c.mu.Unlock()
		if closing {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(w.release)
	<-closed
	if got := string(w.got); got != "pongclose" {
		t.Fatalf("written before the connection closed: %q, want %q", got, "pongclose")
	}
}
