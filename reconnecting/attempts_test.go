package reconnecting_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// ShouldReconnect returning false stops the socket; by default it reconnects.
func TestShouldReconnect(t *testing.T) {
	url := closeURL(t, 1008, "policy")
	fc := newFakeClock()
	var asked atomic.Int32
	rws, rec := dial(t, url, fc.opts(reconnecting.Options{ShouldReconnect: func(e *websocket.CloseEvent) bool {
		asked.Add(1)
		return e.Code != 1008
	}}))
	expect(t, rec, "open")
	expect(t, rec, "close", 1008, true)
	finished(t, rws, rec)
	if asked.Load() != 1 || fc.pending(reconnecting.BackoffTimer) != 0 {
		t.Fatalf("ShouldReconnect asked %d times, %d back-off(s) started; want 1, 0", asked.Load(), fc.pending(reconnecting.BackoffTimer))
	}

	fc = newFakeClock()
	rws, rec = dial(t, url, fc.opts(reconnecting.Options{}))
	expect(t, rec, "open")
	expect(t, rec, "close", 1008, true)
	fc.next(t, reconnecting.BackoffTimer).fire(t)
	expect(t, rec, "open")
	rws.Close()
	expect(t, rec, "close")
	finished(t, rws, rec)
}

// A connection that opens and fails before MinUptime is a failed attempt: the
// back-off keeps growing, up to MaxReconnectionDelay.
func TestBackoffGrowsWhenConnectionsDieYoung(t *testing.T) {
	fc := newFakeClock()
	rws, rec := dial(t, dropURL(t), fc.opts(reconnecting.Options{MinReconnectionDelay: time.Second,
		MaxReconnectionDelay: 5 * time.Second, ReconnectionDelayGrowFactor: 2}))
	for n, lo := 1, time.Second; n <= 5; n, lo = n+1, min(2*lo, 5*time.Second) {
		expect(t, rec, "open")
		expect(t, rec, "close", 1006, false)
		b := fc.next(t, reconnecting.BackoffTimer)
		within(t, "back-off", b.d, lo, min(2*lo, 5*time.Second))
		if got := rws.RetryCount(); got != n {
			t.Fatalf("RetryCount() = %d after %d short connections", got, n)
		}
		b.fire(t)
	}
	expect(t, rec, "open")
	rws.Close()
	expect(t, rec, "close") // the server's drop or the Close: one close either way
	finished(t, rws, rec)
}

// A server that accepts the TCP connection but never answers the handshake is
// abandoned after ConnectionTimeout.
func TestSilentHandshakeTimesOut(t *testing.T) {
	fc := newFakeClock()
	rws, rec := dial(t, silentURL(t), fc.opts(reconnecting.Options{}))
	c := fc.next(t, reconnecting.ConnectTimer)
	if c.d != reconnecting.DefaultConnectionTimeout {
		t.Fatalf("connection timeout of %v, want %v", c.d, reconnecting.DefaultConnectionTimeout)
	}
	if st := rws.ReadyState(); st != websocket.Connecting {
		t.Fatalf("ReadyState() = %v during the handshake", st)
	}
	c.fire(t)
	if e := expect(t, rec, "error"); !errors.Is(e.Err, reconnecting.ErrConnectionTimeout) || !strings.HasPrefix(e.Err.Error(), "websocket: ") {
		t.Fatalf("error event's Err = %v, want ErrConnectionTimeout", e.Err)
	}
	expect(t, rec, "close", 1006, false)
	fc.next(t, reconnecting.BackoffTimer) // the next attempt waits its back-off
	rws.Close()
	finished(t, rws, rec)
}

// Close during a back-off stops at once: no timer needs to fire for Done.
func TestCloseDuringBackoff(t *testing.T) {
	fc := newFakeClock()
	rws, rec := dial(t, refusingURL(t), fc.opts(reconnecting.Options{}))
	expect(t, rec, "error")
	expect(t, rec, "close", 1006, false)
	b := fc.next(t, reconnecting.BackoffTimer)
	rws.Close()
	finished(t, rws, rec)
	if !b.isStopped() || fc.active() != 0 {
		t.Fatalf("back-off timer stopped: %v; timers running: %d", b.isStopped(), fc.active())
	}
	checkNoLeak(t)
}

// Close during a connection attempt fails it ("error", "close" 1006) and stops:
// no timeout needs to fire.
func TestCloseDuringAttempt(t *testing.T) {
	fc := newFakeClock()
	rws, rec := dial(t, silentURL(t), fc.opts(reconnecting.Options{}))
	fc.next(t, reconnecting.ConnectTimer)
	rws.Close()
	// In WASM the page's WebSocket reports the failure in its own words.
	if e := expect(t, rec, "error"); e.Err == nil || native && !errors.Is(e.Err, websocket.ErrClosedWhileConnecting) {
		t.Fatalf("error event's Err = %v", e.Err)
	}
	expect(t, rec, "close", 1006, false)
	finished(t, rws, rec)
	if fc.pending(reconnecting.BackoffTimer) != 0 || fc.active() != 0 {
		t.Fatalf("after Close: %d back-off(s), %d timer(s) running", fc.pending(reconnecting.BackoffTimer), fc.active())
	}
}

// MaxRetries failed attempts in a row close Done.
func TestMaxRetries(t *testing.T) { checkMaxRetries(t, refusingURL(t), 2) }

// checkMaxRetries dials url, where every attempt fails, with MaxRetries
// retries: each attempt gives "error" and "close" 1006, the retries follow
// their back-offs, and then Done is closed.
func checkMaxRetries(t *testing.T, url string, retries int) {
	t.Helper()
	fc := newFakeClock()
	rws, rec := dial(t, url, fc.opts(reconnecting.Options{MaxRetries: retries}))
	for i := 0; i <= retries; i++ { // the first connection, then the retries
		expect(t, rec, "error")
		expect(t, rec, "close", 1006, false)
		if i < retries {
			fc.next(t, reconnecting.BackoffTimer).fire(t)
		}
	}
	finished(t, rws, rec)
	if n := rws.RetryCount(); n != retries || fc.pending(reconnecting.BackoffTimer) != 0 {
		t.Fatalf("RetryCount() = %d, %d more back-off(s); want %d, 0", n, fc.pending(reconnecting.BackoffTimer), retries)
	}
}

// A URL provider that fails makes a failed attempt; its next answer is used.
func TestURLProviderError(t *testing.T) {
	fc := newFakeClock()
	errNoToken := errors.New("no token yet")
	echo := echoURL(t)
	var calls atomic.Int32
	var lastCtx atomic.Value
	rws, rec := dial(t, "ws://unused.invalid/", fc.opts(reconnecting.Options{URLProvider: func(ctx context.Context) (string, error) {
		lastCtx.Store(ctx)
		if calls.Add(1) == 1 {
			return "", errNoToken
		}
		return echo, nil
	}}))
	if e := expect(t, rec, "error"); !errors.Is(e.Err, errNoToken) || !strings.HasPrefix(e.Err.Error(), "websocket: ") {
		t.Fatalf("error event's Err = %v, want the provider's error", e.Err)
	}
	expect(t, rec, "close", 1006, false)
	b := fc.next(t, reconnecting.BackoffTimer) // RetryCount counts the attempt once its back-off has started
	if n := rws.RetryCount(); n != 1 {
		t.Fatalf("RetryCount() = %d after the provider failed, want 1", n)
	}
	b.fire(t)
	expect(t, rec, "open")
	if got := rws.URL(); got != echo {
		t.Fatalf("URL() = %q, want the provider's %q", got, echo)
	}
	rws.Close()
	expect(t, rec, "close")
	finished(t, rws, rec)
	if ctx := lastCtx.Load().(context.Context); ctx.Err() == nil {
		t.Fatal("the provider's context is not cancelled after Close")
	}
}
