package reconnecting

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/browserws/websocket"
)

// attempt is one connection of the socket, from its creation to its Done.
type attempt struct {
	conn     *websocket.WebSocket
	opened   chan struct{}         // closed by the open listener
	timedOut atomic.Bool           // the loop abandoned it after ConnectionTimeout
	closeEv  *websocket.CloseEvent // its close event, set before conn.Done is closed
}

// run is the reconnection loop, the one place that decides when to connect, how
// long to wait and when to stop. It runs on a goroutine of its own from New to
// Done, so that no caller and no listener ever waits out a back-off, and it is
// the only code that starts connections, one after the other's Done, so the
// events of two connections never overlap. first is the connection New made, if
// it made one.
func (rws *WebSocket) run(first *attempt) {
	defer rws.finish()
	if rws.o.StartClosed {
		select {
		case <-rws.kick:
		case <-rws.stop:
			return
		}
	}
	a := first
	for {
		if a == nil {
			rws.mu.Lock()
			if rws.s.maxRetries > 0 && rws.retry >= rws.s.maxRetries {
				rws.mu.Unlock()
				return // MaxRetries attempts in a row have failed
			}
			rws.retry++
			retry := rws.retry
			rws.mu.Unlock()
			if d := rws.s.delay(retry); d > 0 {
				t := rws.s.clock.newTimer(d, backoffTimer)
				select {
				case <-t.C():
				case <-rws.kick: // Reconnect reset the count: attempt now
					t.Stop()
					continue
				case <-rws.stop:
					t.Stop()
					return
				}
			}
			var ce *websocket.CloseEvent
			var fatal bool
			if a, ce, fatal = rws.dial(); a == nil {
				if fatal || rws.isClosed() || !rws.shouldReconnect(ce) {
					return
				}
				continue
			}
		}
		reconnect := rws.watch(a)
		rws.mu.Lock()
		rws.conn = nil
		rws.mu.Unlock()
		switch {
		case rws.isClosed():
			return
		case !reconnect && !rws.shouldReconnect(a.closeEv):
			return
		}
		a = nil
	}
}

// watch follows a connection until its Done: it abandons it after
// ConnectionTimeout, resets the retry count after MinUptime open, and closes it
// for Reconnect. It reports whether Reconnect ended it.
func (rws *WebSocket) watch(a *attempt) (reconnect bool) {
	connect := rws.s.clock.newTimer(rws.s.connectTO, connectTimer)
	defer connect.Stop()
	connectC := connect.C()
	var uptime timer
	var uptimeC <-chan time.Time
	defer func() {
		if uptime != nil {
			uptime.Stop()
		}
	}()
	opened, kick, stop := a.opened, rws.kick, rws.stop
	for {
		select {
		case <-opened:
			opened, connectC = nil, nil
			connect.Stop()
			uptime = rws.s.clock.newTimer(rws.s.minUptime, uptimeTimer)
			uptimeC = uptime.C()
		case <-connectC:
			connectC = nil
			a.timedOut.Store(true)
			a.conn.Close() // while CONNECTING: "error", then "close" 1006
		case <-uptimeC:
			uptimeC = nil
			rws.mu.Lock()
			rws.retry = 0
			rws.mu.Unlock()
		case <-kick:
			kick, uptimeC, reconnect = nil, nil, true
			a.conn.Close()
		case <-stop:
			stop = nil // Close has closed the connection; wait for its close event
		case <-a.conn.Done():
			return reconnect
		}
	}
}

// dial makes the next attempt: it asks the URLProvider, if any, for the URL and
// starts the connection. When there is no connection to follow, the attempt has
// failed: its "error" and "close" have been dispatched and ce is the close event;
// fatal means no later attempt can do better (a static URL or protocol list that
// websocket.NewWithOptions refuses).
func (rws *WebSocket) dial() (a *attempt, ce *websocket.CloseEvent, fatal bool) {
	url := rws.url
	if p := rws.o.URLProvider; p != nil {
		u, err := p(rws.ctx)
		if rws.isClosed() {
			return nil, nil, true
		}
		if err != nil {
			return nil, rws.failAttempt(fmt.Errorf("websocket: reconnecting: URLProvider: %w", err)), false
		}
		url = u
	}
	a, err := rws.connect(url)
	if err != nil {
		return nil, rws.failAttempt(err), rws.o.URLProvider == nil
	}
	return a, nil, false
}

// failAttempt dispatches what a failed attempt gives when no connection was made:
// "error" with err, then "close" (1006, not clean), both with a nil Target.
func (rws *WebSocket) failAttempt(err error) *websocket.CloseEvent {
	now := time.Now()
	rws.awaitListener(websocket.TypeError)
	rws.listeners.Dispatch(websocket.TypeError, &websocket.Event{Type: websocket.TypeError, TimeStamp: now, Err: err}, call)
	ce := &websocket.CloseEvent{Event: websocket.Event{Type: websocket.TypeClose, TimeStamp: now}, Code: 1006}
	rws.awaitListener(websocket.TypeClose)
	rws.listeners.Dispatch(websocket.TypeClose, ce, call)
	return ce
}

// connect starts a connection to url whose listeners forward its events to the
// socket's.
func (rws *WebSocket) connect(url string) (*attempt, error) {
	a := &attempt{opened: make(chan struct{})}
	o := rws.o.Options
	o.OnOpen = func(e *websocket.Event) { rws.connOpened(a, e) }
	o.OnMessage = func(e *websocket.MessageEvent) {
		rws.awaitListener(websocket.TypeMessage)
		rws.listeners.Dispatch(websocket.TypeMessage, e, call)
	}
	o.OnError = func(e *websocket.Event) {
		if a.timedOut.Load() {
			ev := *e
			ev.Err = fmt.Errorf("%w: %s did not open within %v", ErrConnectionTimeout, e.Target.URL(), rws.s.connectTO)
			e = &ev
		}
		rws.awaitListener(websocket.TypeError)
		rws.listeners.Dispatch(websocket.TypeError, e, call)
	}
	o.OnClose = func(e *websocket.CloseEvent) {
		rws.mu.Lock()
		rws.direct = nil
		rws.mu.Unlock()
		a.closeEv = e
		rws.awaitListener(websocket.TypeClose)
		rws.listeners.Dispatch(websocket.TypeClose, e, call)
	}
	conn, err := websocket.NewWithOptions(url, &o)
	if err != nil {
		return nil, err
	}
	a.conn = conn
	rws.mu.Lock()
	rws.conn, rws.lastURL = conn, conn.URL()
	closed := rws.closed
	rws.mu.Unlock()
	if closed { // Close came while this attempt started
		conn.Close()
	}
	return a, nil
}

// connOpened is a connection's open listener: it sends the queue, in order,
// then lets Send write straight to the connection, then dispatches "open".
func (rws *WebSocket) connOpened(a *attempt, e *websocket.Event) {
	c := e.Target
	rws.sendMu.Lock()
	rws.mu.Lock()
	c.SetBinaryType(rws.binaryType)
	// connect sets these once NewWithOptions has returned, which may be after
	// the handshake: URL, ReadyState and Protocol must be the new connection's
	// when "open" is dispatched.
	rws.conn, rws.lastURL = c, c.URL()
	rws.mu.Unlock()
	for _, m := range rws.queue {
		c.Send(m)
	}
	rws.queue = nil
	rws.queued.Store(0)
	rws.mu.Lock()
	rws.direct = c
	rws.mu.Unlock()
	rws.sendMu.Unlock()
	close(a.opened)
	rws.awaitListener(websocket.TypeOpen)
	rws.listeners.Dispatch(websocket.TypeOpen, e, call)
}

func (rws *WebSocket) isClosed() bool {
	rws.mu.Lock()
	defer rws.mu.Unlock()
	return rws.closed
}

func (rws *WebSocket) shouldReconnect(ce *websocket.CloseEvent) bool {
	return rws.o.ShouldReconnect == nil || rws.o.ShouldReconnect(ce)
}

// finish ends the socket: nothing runs for it once done is closed.
func (rws *WebSocket) finish() {
	rws.sendMu.Lock()
	rws.queue = nil
	rws.queued.Store(0)
	rws.sendMu.Unlock()
	rws.mu.Lock()
	rws.finished, rws.conn, rws.direct = true, nil, nil
	rws.mu.Unlock()
	rws.cancel()
	rws.listeners.Clear()
	rws.endSetup()
	close(rws.done)
}
