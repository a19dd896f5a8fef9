//go:build !js

package websocket

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The deferred drop of bufferedAmount (buffered_drop.go): as in Chromium, the
// amount never falls inside the Send that queued the bytes, nor while the
// listener that called Send runs, yet reaches 0 afterwards, with or without a
// later event.

// sinkURL is a server that reads and drops every message and never sends one:
// no event reaches the client after "open" but "close". It is the kit's
// (websockettest), mounted on the shared test server by TestMain (see
// server_native_test.go): these tests read unexported state, so they stay in
// package websocket, which cannot import the kit.
func sinkURL() string { return srv("/kit/sink") }

// eventually fails t unless cond becomes true within a generous bound.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// openIdle opens a socket on url and returns once "open" has been dispatched
// and its dispatch has ended, so that no dispatch runs.
func openIdle(t *testing.T, url string, o Options) *WebSocket {
	t.Helper()
	opened, onOpen := make(chan struct{}), o.OnOpen
	o.OnOpen = func(e *Event) {
		if onOpen != nil {
			onOpen(e)
		}
		close(opened)
	}
	ws, err := NewWithOptions(url, &o)
	if err != nil {
		t.Fatal(err)
	}
	within(t, opened, "open")
	eventually(t, "the end of the open dispatch", func() bool {
		ws.events.mu.Lock()
		defer ws.events.mu.Unlock()
		return !ws.events.running
	})
	return ws
}

// lengthenDropDelay makes the timer wait an hour for the rest of the test, so
// that only dispatches and close take bytes off.
func lengthenDropDelay(t *testing.T) {
	old := dropDelay.Swap(int64(time.Hour))
	t.Cleanup(func() { dropDelay.Store(old) })
}

func TestBufferedAmountHeldWhileListenerRuns(t *testing.T) {
	// Chromium's wpt Send-data (conformance row 130): right after send(), in
	// the same task, bufferedAmount counts the message. The listeners sleep
	// past the takeover tick and the drop timer: nothing falls meanwhile. A
	// goroutine started by the first listener sees the amount reach 0.
	const text = "Message to send"
	bin := make([]byte, 1000)
	var inOpen, inMessage []uint64
	zero := make(chan struct{})
	rec := record(t, srv("/echo"), Options{}, react{
		open: func(ws *WebSocket) {
			ws.Send(text)
			inOpen = append(inOpen, ws.BufferedAmount())
			ws.Send(bin)
			inOpen = append(inOpen, ws.BufferedAmount())
			time.Sleep(3 * takeoverTick)
			inOpen = append(inOpen, ws.BufferedAmount())
			go func() { // not the test's goroutine: it may not call t.Fatal
				defer close(zero)
				for deadline := time.Now().Add(30 * time.Second); ws.BufferedAmount() != 0; time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						t.Errorf("BufferedAmount still %d 30 s after the open listener", ws.BufferedAmount())
						return
					}
				}
			}()
		},
		message: func(ws *WebSocket, e *MessageEvent) {
			switch e.Data {
			case text:
				before := ws.BufferedAmount()
				ws.Send("abc")
				inMessage = append(inMessage, ws.BufferedAmount()-before)
				time.Sleep(3 * takeoverTick)
				inMessage = append(inMessage, ws.BufferedAmount()-before)
			case "abc":
				ws.Close()
			}
		},
	})
	rec.wait(t)
	within(t, zero, "the polling goroutine")
	if want := []uint64{15, 1015, 1015}; !equalU64(inOpen, want) {
		t.Errorf("BufferedAmount in the open listener after Send, Send, sleep = %v, want %v", inOpen, want)
	}
	if want := []uint64{3, 3}; !equalU64(inMessage, want) {
		t.Errorf("BufferedAmount's growth in the message listener after Send, sleep = %v, want %v", inMessage, want)
	}
	if b := rec.ws.BufferedAmount(); b != 0 {
		t.Errorf("BufferedAmount after Done = %d, want 0: every message was written", b)
	}
	checkNoLeak(t)
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBufferedAmountFallsWithNoEvent(t *testing.T) {
	// No event comes after "open" (the server never sends): the timer alone
	// takes the bytes a goroutine sent off the count.
	ws := openIdle(t, sinkURL(), Options{})
	for i := range 100 {
		if err := ws.Send(strings.Repeat("x", i)); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "BufferedAmount back to 0 with no event", func() bool { return ws.BufferedAmount() == 0 })
	ws.Close()
	<-ws.Done()
	checkNoLeak(t)
}

func TestBufferedAmountCountsRightAfterSend(t *testing.T) {
	// A Send from a goroutine that is no listener is a task of its own: the
	// message is counted when Send returns, although its bytes are on the
	// network by then (the timer, lengthened here, takes them off later), and
	// what the Sends before it wrote is taken off as it begins. Close takes the
	// rest off, stops the timer, and a Send while CLOSED counts but arms nothing.
	lengthenDropDelay(t)
	ws := openIdle(t, sinkURL(), Options{})
	var sum, want uint64
	for _, s := range []string{"Message to send", "é", strings.Repeat("y", 70000)} {
		if err := ws.Send(s); err != nil {
			t.Fatal(err)
		}
		sum, want = sum+uint64(len(s)), uint64(len(s))
		if got := ws.BufferedAmount(); got < want || got > sum {
			t.Fatalf("BufferedAmount right after Send(%d bytes) = %d, want from %d to %d", len(s), got, want, sum)
		}
	}
	eventually(t, "the bytes on the network", func() bool { return ws.drop.drained() == want })
	time.Sleep(20 * time.Millisecond)
	if got := ws.BufferedAmount(); got != want {
		t.Fatalf("BufferedAmount with no event and no tick = %d, want %d", got, want)
	}
	ws.Close()
	<-ws.Done()
	if got := ws.BufferedAmount(); got != 0 {
		t.Errorf("BufferedAmount once CLOSED = %d, want 0: every byte was written", got)
	}
	ws.drop.mu.Lock()
	timer, stopped := ws.drop.timer, ws.drop.stopped
	ws.drop.mu.Unlock()
	if timer == nil {
		t.Fatal("no timer was armed")
	}
	if !stopped || timer.Stop() {
		t.Errorf("after Done the drop timer is still set (stopped %v)", stopped)
	}
	ws.Send("abc")
	if got := ws.BufferedAmount(); got != 3 || ws.drop.armed.Load() {
		t.Errorf("Send while CLOSED: BufferedAmount %d (want 3), timer armed %v (want false)", got, ws.drop.armed.Load())
	}
	checkNoLeak(t)
}

func TestMaxBufferedAmountIsOnWhatIsHeld(t *testing.T) {
	// The limit guards memory: bytes already written but still counted (until
	// the timer, lengthened here, or the next dispatch) do not make a Send fail.
	// A listener's Sends stay counted until it returns: twice the limit, all
	// written, must not fail.
	lengthenDropDelay(t)
	const limit = 64 << 10
	chunk := make([]byte, 1<<10)
	var total, counted uint64
	var sendErr error
	ws := openIdle(t, sinkURL(), Options{MaxBufferedAmount: limit, OnOpen: func(e *Event) {
		ws := e.Target
		for range 2 * limit / len(chunk) {
			if sendErr = ws.Send(chunk); sendErr != nil {
				return
			}
			total += uint64(len(chunk))
			for deadline := time.Now().Add(30 * time.Second); ws.drop.drained() != total && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		}
		counted = ws.BufferedAmount()
	}})
	if sendErr != nil {
		t.Fatalf("Send in the listener after %d bytes written: %v", total, sendErr)
	}
	if counted != 2*limit {
		t.Errorf("BufferedAmount in the listener = %d, want %d (past the limit: all written, none taken off yet)", counted, 2*limit)
	}
	if s := ws.ReadyState(); s != Open {
		t.Errorf("ReadyState = %v, want OPEN", s)
	}
	ws.Close()
	<-ws.Done()
	checkNoLeak(t)
}

// BenchmarkListenerRoundTrip times the hot path the deferred drop of
// bufferedAmount sits on: a message arrives, its listener Sends the next one,
// and the echo server sends it back (one op is one round trip).
func BenchmarkListenerRoundTrip(b *testing.B) {
	for _, compress := range []bool{false, true} {
		name := "deflate"
		if !compress {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) {
			done := make(chan struct{})
			left := b.N
			payload := "0123456789abcdef0123456789abcdef"
			ws, err := NewWithOptions(srv("/echo"), &Options{
				DisableCompression: !compress,
				OnOpen: func(e *Event) {
					b.ResetTimer()
					e.Target.Send(payload)
				},
				OnMessage: func(e *MessageEvent) {
					if left--; left == 0 {
						b.StopTimer()
						close(done)
						return
					}
					e.Target.Send(payload)
				},
			})
			if err != nil {
				b.Fatal(err)
			}
			<-done
			ws.Close()
			<-ws.Done()
		})
	}
}

// BenchmarkGoroutineSend times Send from a goroutine that is no listener: the
// path on which the drop of bufferedAmount is left to a timer.
func BenchmarkGoroutineSend(b *testing.B) {
	opened := make(chan struct{})
	ws, err := NewWithOptions(srv("/echo"), &Options{DisableCompression: true, OnOpen: func(*Event) { close(opened) }})
	if err != nil {
		b.Fatal(err)
	}
	<-opened
	ws.OnMessage(func(*MessageEvent) {})
	payload := []byte("0123456789abcdef0123456789abcdef")
	b.ResetTimer()
	for range b.N {
		if err := ws.Send(payload); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ws.Close()
	<-ws.Done()
}

// BenchmarkDropBookkeeping times what the deferred drop adds to a round trip
// (a dispatch that Sends one message), without the network.
func BenchmarkDropBookkeeping(b *testing.B) {
	var d bufferedDrop
	var buffered atomic.Uint64
	for range b.N {
		d.begin(&buffered)
		buffered.Add(32)
		d.written(32, &buffered)
		d.end(&buffered)
	}
	if buffered.Load() != 0 {
		b.Fatalf("buffered = %d, want 0", buffered.Load())
	}
}
