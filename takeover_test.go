//go:build !js

package websocket

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// bareSocket is an open WebSocket with no transport: items reach it only through
// deliver, so that the takeover's cost per dispatch is measured (and its
// behaviour tested) without a network. onMessage is its message listener.
func bareSocket(onMessage func(*MessageEvent)) *WebSocket {
	ws := &WebSocket{binaryType: BinaryTypeBlob, done: make(chan struct{})}
	ws.events.init(ws.dispatchLoop)
	ws.guard.q = &ws.events
	ws.state = Open
	ws.setup.End() // no setup window: nothing waits for a listener
	ws.OnMessage(onMessage)
	return ws
}

var benchMessage = []byte("ping")

// BenchmarkTakeoverDeliver is the cost of one inline dispatch through deliver,
// with a trivial listener: "watched" on a socket under the takeover, "unwatched"
// on one that is not (no timer is ever armed), so that the difference is what the
// takeover adds to every message a reader delivers.
func BenchmarkTakeoverDeliver(b *testing.B) {
	for _, watched := range []bool{true, false} {
		name := "unwatched"
		if watched {
			name = "watched"
		}
		b.Run(name, func(b *testing.B) {
			n := 0
			ws := bareSocket(func(*MessageEvent) { n++ })
			// Only a dispatch descheduled for a whole tick is handed over; there is
			// no new reader to start, and the loop below dispatches inline again.
			ws.guard.handOver = func() {}
			if watched {
				ws.guard.watch()
				defer ws.guard.unwatch()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ws.deliver(item{kind: itemMessage, text: true, data: benchMessage})
			}
			b.StopTimer()
			if n != b.N {
				b.Fatalf("%d dispatches, want %d", n, b.N)
			}
		})
	}
}

// armed reports, under the queue's lock, whether ws's takeover timer is pending.
func armed(ws *WebSocket) bool {
	ws.events.mu.Lock()
	defer ws.events.mu.Unlock()
	return ws.guard.armed
}

func TestTakeoverHandsOverBlockedListener(t *testing.T) {
	// A "reader" delivers a message whose listener blocks: reading is handed over;
	// what the new reader delivers meanwhile waits, and is dispatched in order by
	// the old goroutine once the listener returns, and that one learns it is no
	// longer the reader. The new reader then dispatches inline again, and a second
	// blocking listener is handed over too: the timer is armed again.
	var mu sync.Mutex
	var got []string
	release := make(chan struct{}, 2)
	ws := bareSocket(func(e *MessageEvent) {
		s := e.Data.(string)
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		if strings.HasPrefix(s, "block") {
			<-release
		}
	})
	handedOver := make(chan struct{}, 2)
	ws.guard.handOver = func() { handedOver <- struct{}{} }
	ws.guard.watch()
	defer ws.guard.unwatch()
	msg := func(s string) item { return item{kind: itemMessage, text: true, data: []byte(s)} }

	if !ws.deliver(msg("a")) {
		// Only on a loaded machine: the quick listener was descheduled for a tick
		// and handed over; handOver is called (if not already) all the same.
		within(t, chanOf(handedOver), "the handover of a quick message")
	}
	old := make(chan bool)
	go func() { old <- ws.deliver(msg("block 1")) }()
	within(t, chanOf(handedOver), "the first handover")
	for _, s := range []string{"b", "c"} { // the new reader's, while the listener blocks
		if !ws.deliver(msg(s)) {
			t.Fatalf("deliver(%q) on the new reader reported it replaced", s)
		}
	}
	release <- struct{}{}
	select {
	case still := <-old:
		if still {
			t.Fatal("the old reader's deliver reported it still the reader after the handover")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the old reader's deliver did not return")
	}
	go func() { old <- ws.deliver(msg("block 2")) }()
	within(t, chanOf(handedOver), "the second handover")
	release <- struct{}{}
	if still := <-old; still {
		t.Fatal("the second old reader's deliver reported it still the reader")
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"a", "block 1", "b", "c", "block 2"}; !slices.Equal(got, want) {
		t.Fatalf("dispatched %q, want %q", got, want)
	}
}

// chanOf turns one value of ch into a closed channel, for within.
func chanOf(ch <-chan struct{}) <-chan struct{} {
	done := make(chan struct{})
	go func() { <-ch; close(done) }()
	return done
}

func TestTakeoverIdleSocketArmsNoTimer(t *testing.T) {
	// A watched socket that has dispatched nothing has no timer at all; one that
	// has dispatched arms its timer, which, once the socket is quiet, fires at
	// most a few times, leaves itself unarmed and fires no more.
	ws := bareSocket(func(*MessageEvent) {})
	ws.guard.handOver = func() {} // harmless: only a trivial listener descheduled for a tick is handed over
	ws.guard.watch()
	defer ws.guard.unwatch()
	time.Sleep(5 * takeoverTick)
	ws.events.mu.Lock()
	timer := ws.guard.timer
	ws.events.mu.Unlock()
	if timer != nil || ws.guard.fired.Load() != 0 {
		t.Fatalf("before any dispatch: timer %v, %d firings; want none", timer, ws.guard.fired.Load())
	}

	for range 1000 {
		ws.deliver(item{kind: itemMessage, text: true, data: benchMessage})
	}
	// Not "armed now": on a loaded machine the timer may already have fired.
	eventually(t, "the timer fired and left unarmed once quiet", func() bool {
		return ws.guard.fired.Load() > 0 && !armed(ws)
	})
	n := ws.guard.fired.Load()
	time.Sleep(10 * takeoverTick) // a window in which a wrongly armed timer would fire
	if m := ws.guard.fired.Load(); m != n || armed(ws) {
		t.Fatalf("idle socket: %d firings after it went quiet, armed %v; want none, false", m-n, armed(ws))
	}
}

func TestTakeoverNoHandOverAfterUnwatch(t *testing.T) {
	// unwatch comes while a listener blocks, at times around the timer's firing:
	// once unwatch has returned, handOver is never called, though the listener
	// goes on blocking for several ticks.
	for i := range 40 {
		var after atomic.Bool
		var late atomic.Int32
		ws := bareSocket(func(*MessageEvent) { time.Sleep(3 * takeoverTick) })
		ws.guard.handOver = func() {
			if after.Load() {
				late.Add(1)
			}
		}
		ws.guard.watch()
		done := make(chan bool)
		go func() { done <- ws.deliver(item{kind: itemMessage, text: true, data: benchMessage}) }()
		eventually(t, "the timer armed", func() bool { return armed(ws) })
		// From well before the firing to after it: 10 ms to 29.5 ms.
		time.Sleep(10*time.Millisecond + time.Duration(i)*500*time.Microsecond)
		ws.guard.unwatch()
		after.Store(true)
		<-done
		time.Sleep(2 * takeoverTick)
		if n := late.Load(); n > 0 {
			t.Fatalf("round %d: handOver called %d time(s) after unwatch returned", i, n)
		}
		if armed(ws) {
			t.Fatalf("round %d: timer armed after unwatch", i)
		}
	}
	checkNoLeak(t)
}
