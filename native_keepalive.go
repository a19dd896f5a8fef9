//go:build !js

package websocket

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	ws "github.com/coder/websocket"
)

// keepalive sends the pings of Options.PingInterval. It holds a timer, not a
// goroutine: the timer's function makes the ping and waits for the pong (which
// the socket's reader takes), then sets the timer again; so an idle socket with
// keepalive costs no goroutine between pings.
type keepalive struct {
	mu       sync.Mutex
	timer    *time.Timer
	stopped  bool
	inflight sync.WaitGroup
}

// startKeepalive starts the pings on conn, if Options.PingInterval asks for them.
func (t *nativeTransport) startKeepalive(conn *ws.Conn) {
	interval := t.ws.opts.PingInterval
	if interval <= 0 {
		return
	}
	timeout := t.ws.opts.PingTimeout
	if timeout <= 0 {
		timeout = interval
	}
	k := &t.keepalive
	k.mu.Lock()
	defer k.mu.Unlock()
	k.timer = time.AfterFunc(interval, func() {
		k.mu.Lock()
		if k.stopped {
			k.mu.Unlock()
			return
		}
		k.inflight.Add(1)
		k.mu.Unlock()
		defer k.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := conn.Ping(ctx)
		cancel()
		switch {
		case err == nil || errors.Is(err, context.DeadlineExceeded) && t.ws.events.isFull():
			// Answered; or the pong may be waiting behind a slow listener's full
			// queue, unread: try again at the next interval.
			k.mu.Lock()
			if !k.stopped {
				k.timer.Reset(interval)
			}
			k.mu.Unlock()
		case errors.Is(err, context.DeadlineExceeded):
			t.fail(fmt.Errorf("%w (%s: no pong %v after the ping)", ErrPingTimeout, t.ws.url.href, timeout))
			conn.CloseNow() // the reader sees the end and reports the failure
		}
		// Any other error: the connection is ending, and the reader reports why.
	})
}

// stop stops the pings and waits for one in flight (its connection is closed,
// so it ends at once).
func (k *keepalive) stop() {
	k.mu.Lock()
	k.stopped = true
	if k.timer != nil {
		k.timer.Stop()
	}
	k.mu.Unlock()
	k.inflight.Wait()
}
