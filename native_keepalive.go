//go:build !js

package websocket

import (
	"fmt"
	"sync"
	"time"

	"github.com/browserws/websocket/internal/wire"
)

// keepalive sends the pings of Options.PingInterval. It holds a timer, not a
// goroutine: the timer sends a ping and is set again for the ping's timeout;
// the reader's pong (any pong: the server is alive) sets it back to the
// interval. A timeout with no pong fails the connection — unless the reader has
// stopped behind a slow listener's full queue, where the pong may wait unread:
// then the next interval tries again.
type keepalive struct {
	mu       sync.Mutex
	timer    *time.Timer
	interval time.Duration
	waiting  bool // a ping is out and no pong has come
	stopped  bool
}

// startKeepalive starts the pings, if Options.PingInterval asks for them.
func (t *nativeTransport) startKeepalive() {
	interval, timeout := t.ws.opts.PingInterval, t.ws.opts.PingTimeout
	if interval <= 0 {
		return
	} else if timeout <= 0 {
		timeout = interval
	}
	k := &t.keepalive
	k.mu.Lock()
	defer k.mu.Unlock()
	k.interval = interval
	k.timer = time.AfterFunc(interval, func() {
		k.mu.Lock()
		switch {
		case k.stopped:
			k.mu.Unlock()
		case !k.waiting:
			k.waiting = true
			k.timer.Reset(timeout)
			k.mu.Unlock()
			t.writeFrame(wire.OpPing, nil, 0, "")
		case t.ws.events.isFull():
			k.waiting = false
			k.timer.Reset(interval)
			k.mu.Unlock()
		default:
			k.stopped = true
			k.mu.Unlock()
			t.end(endCause{code: 1006, err: fmt.Errorf("%w (%s: no pong %v after the ping)", ErrPingTimeout, t.ws.url.href, timeout)})
			t.closeConn()
		}
	})
}

// pong is the reader's report of a pong: the next ping comes an interval later.
func (k *keepalive) pong() {
	k.mu.Lock()
	if k.waiting && !k.stopped {
		k.waiting = false
		k.timer.Reset(k.interval)
	}
	k.mu.Unlock()
}

// stop stops the pings.
func (k *keepalive) stop() {
	k.mu.Lock()
	k.stopped = true
	if k.timer != nil {
		k.timer.Stop()
	}
	k.mu.Unlock()
}
