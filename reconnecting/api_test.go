package reconnecting_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// StartClosed connects nothing until Reconnect; Reconnect while OPEN closes and
// connects again at once, with RetryCount at 0.
func TestStartClosedAndReconnect(t *testing.T) {
	fc := newFakeClock()
	rws, rec := dial(t, echoURL(t), fc.opts(reconnecting.Options{StartClosed: true}))
	if st := rws.ReadyState(); st != websocket.Closed {
		t.Fatalf("ReadyState() under StartClosed = %v", st)
	}
	if err := rws.Send("queued before the first connection"); err != nil {
		t.Fatal(err)
	}
	rws.Reconnect()
	expect(t, rec, "open")
	if got := data(expect(t, rec, "message")); got != "queued before the first connection" {
		t.Fatalf("message %q", got)
	}
	rws.Reconnect()
	expect(t, rec, "close")
	expect(t, rec, "open") // no back-off
	if n, b := rws.RetryCount(), fc.pending(reconnecting.BackoffTimer); n != 0 || b != 0 {
		t.Fatalf("after Reconnect: RetryCount() = %d, %d back-off(s)", n, b)
	}
	rws.Close()
	expect(t, rec, "close")
	finished(t, rws, rec)
	rws.Reconnect() // after Done: nothing
	if st := rws.ReadyState(); st != websocket.Closed {
		t.Fatalf("ReadyState() after Reconnect after Done = %v", st)
	}
}

// Listeners added with AddEventListener stay across reconnections; Once and
// RemoveEventListener work as in package websocket; SetBinaryType carries over.
func TestListenersAcrossConnections(t *testing.T) {
	fc := newFakeClock()
	rws, err := reconnecting.New(greetURL(t, "hi"), fc.opts(reconnecting.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rws.Close() }) // if the test fails before its own Close
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
	echo := echoURL(t)
	if _, err := reconnecting.New("ftp://example.com/", nil); !errors.Is(err, websocket.ErrSyntax) {
		t.Errorf("New with an ftp URL = %v, want ErrSyntax", err)
	}
	if _, err := reconnecting.New(echo, &reconnecting.Options{Options: websocket.Options{Protocols: []string{"a", "a"}}}); !errors.Is(err, websocket.ErrSyntax) {
		t.Errorf("New with a repeated protocol = %v, want ErrSyntax", err)
	}
	for name, o := range map[string]reconnecting.Options{
		"negative delay":   {MinReconnectionDelay: -1},
		"min above max":    {MinReconnectionDelay: 2 * time.Second, MaxReconnectionDelay: time.Second},
		"shrinking delay":  {ReconnectionDelayGrowFactor: 0.5},
		"negative retries": {MaxRetries: -1},
	} {
		if _, err := reconnecting.New(echo, &o); err == nil || !strings.HasPrefix(err.Error(), "websocket: ") {
			t.Errorf("New with %s = %v, want an error", name, err)
		}
	}
	fc := newFakeClock()
	rws, rec := dial(t, echo, fc.opts(reconnecting.Options{}))
	expect(t, rec, "open")
	if err := rws.Send(42); !errors.Is(err, websocket.ErrUnsupportedData) {
		t.Errorf("Send(42) = %v", err)
	}
	if err := rws.Send((*websocket.Blob)(nil)); !errors.Is(err, websocket.ErrUnsupportedData) {
		t.Errorf("Send(nil Blob) = %v", err)
	}
	if err := rws.CloseWithCode(1001, ""); !errors.Is(err, websocket.ErrInvalidAccess) {
		t.Errorf("CloseWithCode(1001) = %v", err)
	}
	if err := rws.CloseWithCode(1000, strings.Repeat("x", 124)); !errors.Is(err, websocket.ErrSyntax) {
		t.Errorf("CloseWithCode with a 124-byte reason = %v", err)
	}
	if err := rws.CloseWithCode(4000, "bye"); err != nil {
		t.Fatal(err)
	}
	if c := expect(t, rec, "close"); c.Code != 4000 || !c.Clean {
		t.Fatalf("close %s, want 4000 clean", c)
	}
	finished(t, rws, rec)
	if err := rws.Send("after Done"); err != nil {
		t.Errorf("Send after Done = %v, want nil (nothing sent, as a closed browser socket)", err)
	}
}
