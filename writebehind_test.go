//go:build !js

package websocket

import (
	"io"
	"net"
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
