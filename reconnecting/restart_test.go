package reconnecting_test

import (
	"errors"
	"testing"
	"time"

	"github.com/browserws/websocket"
	"github.com/browserws/websocket/reconnecting"
)

// The server goes away and comes back: "close" 1006, back-offs growing within
// their bounds while connections are refused, then "open" again; RetryCount
// counts, and goes back to 0 after MinUptime. Messages sent while down arrive
// after the reconnection, in order, once, at most MaxEnqueuedMessages of them.
func TestServerRestart(t *testing.T) {
	s := newRestartable(t)
	fc := newFakeClock()
	// The state of the reconnecting socket while its first "open" is dispatched.
	var rws *reconnecting.WebSocket
	made, openState := make(chan struct{}), make(chan websocket.ReadyState, 1)
	rws, rec := dial(t, s.echoURL(), fc.opts(reconnecting.Options{MaxEnqueuedMessages: 2,
		Options: websocket.Options{OnOpen: func(*websocket.Event) {
			<-made // events may come before dial returns
			select {
			case openState <- rws.ReadyState():
			default:
			}
		}}}))
	close(made)
	expect(t, rec, "open")
	select {
	case st := <-openState:
		if st != websocket.Open {
			t.Fatalf("open dispatched in state %v", st)
		}
	case <-time.After(wait):
		t.Fatal("the OnOpen handler did not run")
	}
	if n := rws.RetryCount(); n != 0 {
		t.Fatalf("RetryCount() = %d on the first connection", n)
	}

	s.down(t)
	expect(t, rec, "close", 1006, false)
	b := fc.next(t, reconnecting.BackoffTimer)
	within(t, "first back-off", b.d, time.Second, 1300*time.Millisecond)
	if n, st := rws.RetryCount(), rws.ReadyState(); n != 1 || st != websocket.Connecting {
		t.Fatalf("during the back-off: RetryCount() = %d, ReadyState() = %v; want 1, CONNECTING", n, st)
	}
	for i, m := range []string{"a", "b", "c"} {
		err := rws.Send(m)
		if want := i < 2; (err == nil) != want {
			t.Fatalf("Send(%q) while down = %v (queue of 2)", m, err)
		}
		if i == 2 && !errors.Is(err, reconnecting.ErrQueueFull) {
			t.Fatalf("third Send = %v, want ErrQueueFull", err)
		}
	}
	if n := rws.BufferedAmount(); n != 2 {
		t.Fatalf("BufferedAmount() = %d with 2 one-byte messages queued", n)
	}

	b.fire(t) // refused: the server is down
	if e := expect(t, rec, "error"); e.Err == nil {
		t.Fatal("error event without Err")
	}
	expect(t, rec, "close", 1006, false)
	b = fc.next(t, reconnecting.BackoffTimer)
	within(t, "second back-off", b.d, 1300*time.Millisecond, 1690*time.Millisecond)
	if n := rws.RetryCount(); n != 2 {
		t.Fatalf("RetryCount() = %d after a refused attempt, want 2", n)
	}

	s.up(t)
	b.fire(t)
	expect(t, rec, "open")
	if got := data(expect(t, rec, "message")); got != "a" {
		t.Fatalf("first message after reconnecting: %q, want a", got)
	}
	if got := data(expect(t, rec, "message")); got != "b" {
		t.Fatalf("second message after reconnecting: %q, want b", got)
	}
	if err := rws.Send("end"); err != nil {
		t.Fatal(err)
	}
	if got := data(expect(t, rec, "message")); got != "end" {
		t.Fatalf("message after the queue: %q, want end (nothing twice, nothing past the queue limit)", got)
	}
	if n := rws.RetryCount(); n != 2 {
		t.Fatalf("RetryCount() = %d before MinUptime, want still 2", n)
	}
	u := fc.next(t, reconnecting.UptimeTimer)
	if u.d != reconnecting.DefaultMinUptime {
		t.Fatalf("uptime timer of %v, want %v", u.d, reconnecting.DefaultMinUptime)
	}
	u.fire(t)
	deadline := time.Now().Add(wait)
	for rws.RetryCount() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("RetryCount() not back to 0 after MinUptime")
		}
		time.Sleep(5 * time.Millisecond)
	}

	rws.Close()
	if c := expect(t, rec, "close"); !c.Clean {
		t.Fatalf("Close while OPEN: %s, want a clean close", c)
	}
	finished(t, rws, rec)
	if n := fc.active(); n != 0 {
		t.Fatalf("%d timer(s) still running after Done", n)
	}
	checkNoLeak(t)
}
