package reconnecting

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browserws/websocket"
)

// The server goes away and comes back: "close" 1006, back-offs growing within
// their bounds while connections are refused, then "open" again; RetryCount
// counts, and goes back to 0 after MinUptime. Messages sent while down arrive
// after the reconnection, in order, once, at most MaxEnqueuedMessages of them.
func TestServerRestart(t *testing.T) {
	s := restartable(t)
	fc := newFakeClock()
	rec := record(t, s.base+"/echo", Options{clock: fc, MaxEnqueuedMessages: 2})
	if got := rec.expect(t, "open"); got.State != "OPEN" {
		t.Fatalf("open dispatched in state %s", got.State)
	}
	if n := rec.rws.RetryCount(); n != 0 {
		t.Fatalf("RetryCount() = %d on the first connection", n)
	}

	s.do(t, "down")
	rec.expect(t, "close", 1006, false)
	b := fc.next(t, backoffTimer)
	within(t, "first back-off", b.d, time.Second, 1300*time.Millisecond)
	if n, st := rec.rws.RetryCount(), rec.rws.ReadyState(); n != 1 || st != websocket.Connecting {
		t.Fatalf("during the back-off: RetryCount() = %d, ReadyState() = %v; want 1, CONNECTING", n, st)
	}
	for i, m := range []string{"a", "b", "c"} {
		err := rec.rws.Send(m)
		if want := i < 2; (err == nil) != want {
			t.Fatalf("Send(%q) while down = %v (queue of 2)", m, err)
		}
		if i == 2 && !errors.Is(err, ErrQueueFull) {
			t.Fatalf("third Send = %v, want ErrQueueFull", err)
		}
	}
	if n := rec.rws.BufferedAmount(); n != 2 {
		t.Fatalf("BufferedAmount() = %d with 2 one-byte messages queued", n)
	}

	b.fire(t) // refused: the server is down
	if e := rec.expect(t, "error"); e.Err == nil {
		t.Fatal("error event without Err")
	}
	rec.expect(t, "close", 1006, false)
	b = fc.next(t, backoffTimer)
	within(t, "second back-off", b.d, 1300*time.Millisecond, 1690*time.Millisecond)
	if n := rec.rws.RetryCount(); n != 2 {
		t.Fatalf("RetryCount() = %d after a refused attempt, want 2", n)
	}

	s.do(t, "up")
	b.fire(t)
	rec.expect(t, "open")
	if got := rec.expect(t, "message").Data; got != "blob:a" && got != "a" {
		t.Fatalf("first message after reconnecting: %q, want a", got)
	}
	if got := rec.expect(t, "message").Data; got != "a" && got != "b" {
		t.Fatalf("second message after reconnecting: %q, want b", got)
	}
	if err := rec.rws.Send("end"); err != nil {
		t.Fatal(err)
	}
	if got := rec.expect(t, "message").Data; got != "end" {
		t.Fatalf("message after the queue: %q, want end (nothing twice, nothing past the queue limit)", got)
	}
	if n := rec.rws.RetryCount(); n != 2 {
		t.Fatalf("RetryCount() = %d before MinUptime, want still 2", n)
	}
	u := fc.next(t, uptimeTimer)
	if u.d != DefaultMinUptime {
		t.Fatalf("uptime timer of %v, want %v", u.d, DefaultMinUptime)
	}
	u.fire(t)
	deadline := time.Now().Add(wait)
	for rec.rws.RetryCount() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("RetryCount() not back to 0 after MinUptime")
		}
		time.Sleep(5 * time.Millisecond)
	}

	rec.rws.Close()
	if c := rec.expect(t, "close"); !c.Clean {
		t.Fatalf("Close while OPEN: %+v, want a clean close", c)
	}
	rec.done(t)
	if n := fc.active(); n != 0 {
		t.Fatalf("%d timer(s) still running after Done", n)
	}
	checkNoLeak(t)
}

// ShouldReconnect returning false stops the socket; by default it reconnects.
func TestShouldReconnect(t *testing.T) {
	url := srv("/close?code=1008&reason=policy")
	fc := newFakeClock()
	var asked atomic.Int32
	rec := record(t, url, Options{clock: fc, ShouldReconnect: func(e *websocket.CloseEvent) bool {
		asked.Add(1)
		return e.Code != 1008
	}})
	rec.expect(t, "open")
	rec.expect(t, "close", 1008, true)
	rec.done(t)
	if asked.Load() != 1 || fc.pending(backoffTimer) != 0 {
		t.Fatalf("ShouldReconnect asked %d times, %d back-off(s) started; want 1, 0", asked.Load(), fc.pending(backoffTimer))
	}

	fc = newFakeClock()
	rec = record(t, url, Options{clock: fc})
	rec.expect(t, "open")
	rec.expect(t, "close", 1008, true)
	fc.next(t, backoffTimer).fire(t)
	rec.expect(t, "open")
	rec.rws.Close()
	rec.expect(t, "close")
	rec.done(t)
}

// A connection that opens and fails before MinUptime is a failed attempt: the
// back-off keeps growing, up to MaxReconnectionDelay.
func TestBackoffGrowsWhenConnectionsDieYoung(t *testing.T) {
	fc := newFakeClock()
	rec := record(t, srv("/drop"), Options{clock: fc, MinReconnectionDelay: time.Second,
		MaxReconnectionDelay: 5 * time.Second, ReconnectionDelayGrowFactor: 2})
	for n, lo := 1, time.Second; n <= 5; n, lo = n+1, min(2*lo, 5*time.Second) {
		rec.expect(t, "open")
		rec.expect(t, "close", 1006, false)
		b := fc.next(t, backoffTimer)
		within(t, "back-off", b.d, lo, min(2*lo, 5*time.Second))
		if got := rec.rws.RetryCount(); got != n {
			t.Fatalf("RetryCount() = %d after %d short connections", got, n)
		}
		b.fire(t)
	}
	rec.expect(t, "open")
	rec.rws.Close()
	rec.expect(t, "close") // the server's drop or the Close: one close either way
	rec.done(t)
}

// A server that accepts the TCP connection but never answers the handshake is
// abandoned after ConnectionTimeout.
func TestSilentHandshakeTimesOut(t *testing.T) {
	s := restartable(t)
	s.do(t, "silent")
	fc := newFakeClock()
	rec := record(t, s.base+"/echo", Options{clock: fc})
	c := fc.next(t, connectTimer)
	if c.d != DefaultConnectionTimeout {
		t.Fatalf("connection timeout of %v, want %v", c.d, DefaultConnectionTimeout)
	}
	if st := rec.rws.ReadyState(); st != websocket.Connecting {
		t.Fatalf("ReadyState() = %v during the handshake", st)
	}
	c.fire(t)
	if e := rec.expect(t, "error"); !errors.Is(e.Err, ErrConnectionTimeout) || !strings.HasPrefix(e.Err.Error(), "websocket: ") {
		t.Fatalf("error event's Err = %v, want ErrConnectionTimeout", e.Err)
	}
	rec.expect(t, "close", 1006, false)
	fc.next(t, backoffTimer) // the next attempt waits its back-off
	rec.rws.Close()
	rec.done(t)
}

// Close during a back-off stops at once: no timer needs to fire for Done.
func TestCloseDuringBackoff(t *testing.T) {
	s := restartable(t)
	s.do(t, "down")
	fc := newFakeClock()
	rec := record(t, s.base+"/echo", Options{clock: fc})
	rec.expect(t, "error")
	rec.expect(t, "close", 1006, false)
	b := fc.next(t, backoffTimer)
	rec.rws.Close()
	rec.done(t)
	if !b.isStopped() || fc.active() != 0 {
		t.Fatalf("back-off timer stopped: %v; timers running: %d", b.isStopped(), fc.active())
	}
	checkNoLeak(t)
}

// Close during a connection attempt fails it ("error", "close" 1006) and stops:
// no timeout needs to fire.
func TestCloseDuringAttempt(t *testing.T) {
	s := restartable(t)
	s.do(t, "silent")
	fc := newFakeClock()
	rec := record(t, s.base+"/echo", Options{clock: fc})
	fc.next(t, connectTimer)
	rec.rws.Close()
	// In WASM the page's WebSocket reports the failure in its own words.
	if e := rec.expect(t, "error"); e.Err == nil || native && !errors.Is(e.Err, websocket.ErrClosedWhileConnecting) {
		t.Fatalf("error event's Err = %v", e.Err)
	}
	rec.expect(t, "close", 1006, false)
	rec.done(t)
	if fc.pending(backoffTimer) != 0 || fc.active() != 0 {
		t.Fatalf("after Close: %d back-off(s), %d timer(s) running", fc.pending(backoffTimer), fc.active())
	}
}

// MaxRetries failed attempts in a row close Done.
func TestMaxRetries(t *testing.T) {
	s := restartable(t)
	s.do(t, "down")
	fc := newFakeClock()
	rec := record(t, s.base+"/echo", Options{clock: fc, MaxRetries: 2})
	for i := 0; i < 3; i++ { // the first connection, then 2 retries
		rec.expect(t, "error")
		rec.expect(t, "close", 1006, false)
		if i < 2 {
			fc.next(t, backoffTimer).fire(t)
		}
	}
	rec.done(t)
	if n := rec.rws.RetryCount(); n != 2 || fc.pending(backoffTimer) != 0 {
		t.Fatalf("RetryCount() = %d, %d more back-off(s); want 2, 0", n, fc.pending(backoffTimer))
	}
}

// A URL provider that fails makes a failed attempt; its next answer is used.
func TestURLProviderError(t *testing.T) {
	fc := newFakeClock()
	errNoToken := errors.New("no token yet")
	var calls atomic.Int32
	var lastCtx atomic.Value
	rec := record(t, "ws://unused.invalid/", Options{clock: fc, URLProvider: func(ctx context.Context) (string, error) {
		lastCtx.Store(ctx)
		if calls.Add(1) == 1 {
			return "", errNoToken
		}
		return srv("/echo"), nil
	}})
	if e := rec.expect(t, "error"); !errors.Is(e.Err, errNoToken) || !strings.HasPrefix(e.Err.Error(), "websocket: ") {
		t.Fatalf("error event's Err = %v, want the provider's error", e.Err)
	}
	rec.expect(t, "close", 1006, false)
	if n := rec.rws.RetryCount(); n != 1 {
		t.Fatalf("RetryCount() = %d after the provider failed, want 1", n)
	}
	fc.next(t, backoffTimer).fire(t)
	rec.expect(t, "open")
	if got, want := rec.rws.URL(), srv("/echo"); got != want {
		t.Fatalf("URL() = %q, want the provider's %q", got, want)
	}
	rec.rws.Close()
	rec.expect(t, "close")
	rec.done(t)
	if ctx := lastCtx.Load().(context.Context); ctx.Err() == nil {
		t.Fatal("the provider's context is not cancelled after Close")
	}
}

// StartClosed connects nothing until Reconnect; Reconnect while OPEN closes and
// connects again at once, with RetryCount at 0.
func TestStartClosedAndReconnect(t *testing.T) {
	fc := newFakeClock()
	rec := record(t, srv("/echo"), Options{clock: fc, StartClosed: true})
	if st := rec.rws.ReadyState(); st != websocket.Closed {
		t.Fatalf("ReadyState() under StartClosed = %v", st)
	}
	if err := rec.rws.Send("queued before the first connection"); err != nil {
		t.Fatal(err)
	}
	rec.rws.Reconnect()
	rec.expect(t, "open")
	if got := rec.expect(t, "message").Data; got != "queued before the first connection" {
		t.Fatalf("message %q", got)
	}
	rec.rws.Reconnect()
	rec.expect(t, "close")
	rec.expect(t, "open") // no back-off
	if n, b := rec.rws.RetryCount(), fc.pending(backoffTimer); n != 0 || b != 0 {
		t.Fatalf("after Reconnect: RetryCount() = %d, %d back-off(s)", n, b)
	}
	rec.rws.Close()
	rec.expect(t, "close")
	rec.done(t)
	rec.rws.Reconnect() // after Done: nothing
	if st := rec.rws.ReadyState(); st != websocket.Closed {
		t.Fatalf("ReadyState() after Reconnect after Done = %v", st)
	}
}

// Listeners added with AddEventListener stay across reconnections; Once and
// RemoveEventListener work as in package websocket; SetBinaryType carries over.
func TestListenersAcrossConnections(t *testing.T) {
	fc := newFakeClock()
	rws, err := New(srv("/greet?text=hi"), &Options{clock: fc})
	if err != nil {
		t.Fatal(err)
	}
	rws.SetBinaryType(websocket.BinaryTypeArrayBuffer)
	opens := make(chan string, 8)
	rws.AddEventListener(websocket.OpenListener(func(*websocket.Event) { opens <- "every" }))
	rws.AddEventListener(websocket.OpenListener(func(*websocket.Event) { opens <- "once" }), websocket.ListenerOptions{Once: true})
	gone := rws.AddEventListener(websocket.OpenListener(func(*websocket.Event) { opens <- "removed" }))
	rws.RemoveEventListener(gone)
	rws.RemoveEventListener(gone)
	got := func() string {
		select {
		case s := <-opens:
			return s
		case <-time.After(wait):
			t.Fatal("no open")
			return ""
		}
	}
	if a, b := got(), got(); a != "every" || b != "once" {
		t.Fatalf("first open: %s, %s", a, b)
	}
	rws.Reconnect()
	if a := got(); a != "every" {
		t.Fatalf("second open: %s", a)
	}
	if rws.BinaryType() != websocket.BinaryTypeArrayBuffer {
		t.Fatal("binary type lost")
	}
	rws.Close()
	<-rws.Done()
	select {
	case s := <-opens:
		t.Fatalf("extra open listener call %q", s)
	default:
	}
}

// Bad input gives clear errors, never a panic.
func TestBadInput(t *testing.T) {
	if _, err := New("ftp://example.com/", nil); !errors.Is(err, websocket.ErrSyntax) {
		t.Errorf("New with an ftp URL = %v, want ErrSyntax", err)
	}
	if _, err := New(srv("/echo"), &Options{Options: websocket.Options{Protocols: []string{"a", "a"}}}); !errors.Is(err, websocket.ErrSyntax) {
		t.Errorf("New with a repeated protocol = %v, want ErrSyntax", err)
	}
	for name, o := range map[string]Options{
		"negative delay":   {MinReconnectionDelay: -1},
		"min above max":    {MinReconnectionDelay: 2 * time.Second, MaxReconnectionDelay: time.Second},
		"shrinking delay":  {ReconnectionDelayGrowFactor: 0.5},
		"negative retries": {MaxRetries: -1},
	} {
		if _, err := New(srv("/echo"), &o); err == nil || !strings.HasPrefix(err.Error(), "websocket: ") {
			t.Errorf("New with %s = %v, want an error", name, err)
		}
	}
	fc := newFakeClock()
	rec := record(t, srv("/echo"), Options{clock: fc})
	rec.expect(t, "open")
	if err := rec.rws.Send(42); !errors.Is(err, websocket.ErrUnsupportedData) {
		t.Errorf("Send(42) = %v", err)
	}
	if err := rec.rws.Send((*websocket.Blob)(nil)); !errors.Is(err, websocket.ErrUnsupportedData) {
		t.Errorf("Send(nil Blob) = %v", err)
	}
	if err := rec.rws.CloseWithCode(1001, ""); !errors.Is(err, websocket.ErrInvalidAccess) {
		t.Errorf("CloseWithCode(1001) = %v", err)
	}
	if err := rec.rws.CloseWithCode(1000, strings.Repeat("x", 124)); !errors.Is(err, websocket.ErrSyntax) {
		t.Errorf("CloseWithCode with a 124-byte reason = %v", err)
	}
	if err := rec.rws.CloseWithCode(4000, "bye"); err != nil {
		t.Fatal(err)
	}
	if c := rec.expect(t, "close"); c.Code != 4000 || !c.Clean {
		t.Fatalf("close %+v, want 4000 clean", c)
	}
	rec.done(t)
	if err := rec.rws.Send("after Done"); err != nil {
		t.Errorf("Send after Done = %v, want nil (nothing sent, as a closed browser socket)", err)
	}
}
